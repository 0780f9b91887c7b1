-- Bank 2 least privilege on MySQL 8.0 / MariaDB 10.6+ (Azure Database for MySQL included).
--
-- Run once per database, after the schema migration (python -m adapters.bank2 migrate), connected
-- to the Bank 2 database as its owner or an administrator (the account needs CREATE ROLE,
-- CREATE USER, and the privileges it grants WITH GRANT OPTION):
--
--   mysql -h <host> -u <admin> -p <database> < adapters/engines/mysql/privileges.sql
--
-- Grants without a database name apply to the database the session is connected to, which is
-- why the database must be named on the command line.
--
-- Accounts. The script grants roles to three placeholder accounts; create them first (a
-- password only in the server, never in this file), or replace the names everywhere below
-- before running it, e.g. with sed:
--   'bank2_function'@'%'    the customers Function's account (its BANK2_URL user);
--   'bank2_payments'@'%'    the payment processor Function's account (its PAYMENTS_DB_URL user:
--                           both functions run in one Function App, and the customers
--                           Function's BANK2_URL must stay its own);
--   'telesales_reader'@'%'  a telesales account; copy its two lines for each further account.
-- Each function has its own account: MariaDB makes only one role an account's default, so one
-- account cannot hold both functions' roles. (A deployment without the payment processor drops
-- the payments account's two lines.)
-- For example, as the administrator:
--   CREATE USER 'bank2_function'@'%' IDENTIFIED BY '<generated secret>' REQUIRE SSL;
--   CREATE USER 'bank2_payments'@'%' IDENTIFIED BY '<generated secret>' REQUIRE SSL;
--   CREATE USER 'telesales_reader'@'%' IDENTIFIED BY '<generated secret>' REQUIRE SSL;
-- Role names are server-wide: with two Bank 2 databases on one server, rename the roles too.
--
-- Result:
-- * the telesales_function role (the customers Function) may read and write the projection's
--   own tables, read the schema version, and nothing else: no DDL, no view, no transactions, no
--   other table or database;
-- * the payments_function role (the payment processor) may insert and read transactions (never
--   update nor delete one: an outcome is final), record rejects, read the schema version, and
--   nothing else;
-- * the privacy_officer role (the LGPD's encarregado: python -m adapters.bank2 subject,
--   do-not-call, removal-log; docs/lgpd.md) may read what Bank 2 holds about customers, load
--   the do-not-call lists and delete removal-log rows past their retention. Grant it to the
--   privacy officer's account as the telesales accounts are granted theirs, below;
-- * the telesales role may only SELECT the telesales_contacts view. The view runs with
--   SQL SECURITY DEFINER (see the migration): it reads contact_state with its definer's rights,
--   so the role needs no grant on the table itself, and gets none;
-- * nobody else reads the internal tables: MySQL grants nothing to anyone by default. The query
--   at the end lists every other way in (global, database or table grants) for review.
-- The script is idempotent: running it again changes nothing.

CREATE ROLE IF NOT EXISTS `telesales_function`;
CREATE ROLE IF NOT EXISTS `payments_function`;
CREATE ROLE IF NOT EXISTS `telesales`;
CREATE ROLE IF NOT EXISTS `privacy_officer`;

-- The purge deletes removal markers; offsets and rejects are never deleted.
GRANT SELECT, INSERT, UPDATE, DELETE ON contact_state TO `telesales_function`;
GRANT SELECT, INSERT, UPDATE ON consumer_offsets TO `telesales_function`;
-- A reject recorded twice keeps its first record through INSERT ... ON DUPLICATE KEY UPDATE
-- (a no-op update), which needs UPDATE: MariaDB checks it on every inserted column, so a
-- column-level grant is not enough. The function never rewrites a reject all the same.
GRANT SELECT, INSERT, UPDATE ON rejected_messages TO `telesales_function`;
-- The LGPD records (docs/lgpd.md): the removal log is only appended to (a plain INSERT); the
-- customer a rejected message was about is recorded like the reject (UPDATE, as above); the
-- do-not-call lists' phones are read to count the contacts they keep from telesales.
GRANT INSERT ON removal_log TO `telesales_function`;
GRANT SELECT, INSERT, UPDATE ON rejected_message_subjects TO `telesales_function`;
GRANT SELECT ON suppressed_phones TO `telesales_function`;
-- Reading the schema version lets the function check, at connect, that no migration is missing.
GRANT SELECT ON schema_migrations TO `telesales_function`;
-- Earlier versions of this script gave the customers Function the payment processor's grants
-- (UPDATE included); this takes them all back. The GRANT first gives the REVOKE a grant to
-- revoke from: without one, REVOKE fails with error 1147.
GRANT SELECT ON transactions TO `telesales_function`;
REVOKE ALL PRIVILEGES ON transactions FROM `telesales_function`;

-- The payment processor: an outcome is inserted once (INSERT IGNORE keeps the first one) and
-- read back, never updated nor deleted, so the role may not do either: an outcome is final
-- because the database refuses to change it. (A column-level UPDATE (id) would not do: MariaDB
-- asks ON DUPLICATE KEY UPDATE for UPDATE on every inserted column, and UPDATE (id) alone
-- would let the role move an outcome to another transaction's id.)
GRANT SELECT, INSERT ON transactions TO `payments_function`;
-- An unanswerable message is recorded as a reject, as the customers Function records its own.
GRANT SELECT, INSERT, UPDATE ON rejected_messages TO `payments_function`;
GRANT SELECT ON schema_migrations TO `payments_function`;
-- The payment gateway's HTTP functions (adapters/gateway/sql/), on the payment function's
-- account: account secrets are read only (issued and revoked by an operator), a submission is
-- claimed once (INSERT IGNORE) and never changed.
GRANT SELECT ON gateway_account_secrets TO `payments_function`;
GRANT SELECT, INSERT ON gateway_transactions TO `payments_function`;

GRANT SELECT ON telesales_contacts TO `telesales`;

GRANT SELECT ON contact_state TO `privacy_officer`;
GRANT SELECT ON telesales_contacts TO `privacy_officer`;
GRANT SELECT ON rejected_messages TO `privacy_officer`;
GRANT SELECT ON rejected_message_subjects TO `privacy_officer`;
GRANT SELECT ON schema_migrations TO `privacy_officer`;
GRANT SELECT, INSERT, DELETE ON removal_log TO `privacy_officer`;
GRANT SELECT, INSERT, UPDATE, DELETE ON do_not_call_lists TO `privacy_officer`;
GRANT SELECT, INSERT, UPDATE, DELETE ON suppressed_phones TO `privacy_officer`;

-- A granted role is active only if it is the account's default role. The two servers spell
-- that differently: /*M!...*/ is read by MariaDB only, /*!80000 ...*/ by MySQL 8 only (MariaDB
-- ignores MySQL-specific comments for versions 5.7 and later).
GRANT `telesales_function` TO 'bank2_function'@'%';
SET DEFAULT ROLE `telesales_function`
    /*M!100100 FOR 'bank2_function'@'%' */ /*!80000 TO 'bank2_function'@'%' */;

GRANT `payments_function` TO 'bank2_payments'@'%';
SET DEFAULT ROLE `payments_function`
    /*M!100100 FOR 'bank2_payments'@'%' */ /*!80000 TO 'bank2_payments'@'%' */;

GRANT `telesales` TO 'telesales_reader'@'%';
SET DEFAULT ROLE `telesales`
    /*M!100100 FOR 'telesales_reader'@'%' */ /*!80000 TO 'telesales_reader'@'%' */;

-- The privacy officer's account, where there is one (create it first, as above):
--   GRANT `privacy_officer` TO 'bank2_privacy'@'%';
--   SET DEFAULT ROLE `privacy_officer`
--       /*M!100100 FOR 'bank2_privacy'@'%' */ /*!80000 TO 'bank2_privacy'@'%' */;

-- Review: who else can read this database's tables. Expect the administrators' global grants,
-- the owner, telesales_function and payments_function on their own tables; anything else is a
-- leak to revoke.
SELECT grantee, 'global' AS scope, privilege_type
FROM information_schema.USER_PRIVILEGES
WHERE privilege_type = 'SELECT'
UNION ALL
SELECT grantee, 'database', privilege_type
FROM information_schema.SCHEMA_PRIVILEGES
WHERE table_schema = DATABASE() AND privilege_type = 'SELECT'
UNION ALL
SELECT grantee, table_name, privilege_type
FROM information_schema.TABLE_PRIVILEGES
WHERE table_schema = DATABASE() AND table_name <> 'telesales_contacts'
  AND privilege_type = 'SELECT';
