-- Bank 2 least privilege on Azure SQL Database (T-SQL, sqlcmd variables).
--
-- Run once per database, after the schema migration (python -m adapters.bank2 migrate), connected
-- to the Bank 2 database AS THE SERVER'S MICROSOFT ENTRA ADMIN (only an Entra principal can create
-- users FROM EXTERNAL PROVIDER):
--
--   sqlcmd -S <server>.database.windows.net -d <database> --authentication-method ActiveDirectoryDefault \
--          -v CUSTOMERS_IDENTITY="<customers identity name>" PAYMENTS_IDENTITY="<payments identity name>" \
--             TELESALES_PRINCIPAL="<Entra group name>" \
--          -i adapters/engines/mssql/privileges.sql
--
-- (infra/scripts/grant-bank2-access.sh does this after a deployment, with the names Bicep output.)
--
-- Result, one database user per function (docs/security.md):
-- * the customer projection's identity (telesales_function role) may read and write the
--   projection's own tables and read the schema version, and nothing else: no DDL, no other
--   table, no view, no transaction;
-- * the payment processor's identity (payments_function role) may insert and read transactions,
--   record the messages it cannot answer, read the schema version, and nothing else. An outcome is
--   inserted once (MERGE ... WHEN NOT MATCHED THEN INSERT) and read back: MERGE needs SELECT on
--   what it reads and INSERT, UPDATE or DELETE only for the actions it names (Microsoft's MERGE
--   reference, "Permissions"), so with no UPDATE nor DELETE the database itself keeps an outcome
--   final;
-- * the privacy_officer role (the LGPD's encarregado: python -m adapters.bank2 subject,
--   do-not-call, removal-log; docs/lgpd.md) may read what Bank 2 holds about customers, load
--   the do-not-call lists and delete removal-log rows past their retention. Add the privacy
--   officer's Entra user to it by hand (ALTER ROLE privacy_officer ADD MEMBER [<user>]);
-- * the telesales group may only SELECT the telesales_contacts view. The view and the tables
--   have the same owner (dbo), so ownership chaining lets the view read contact_state without
--   any grant on the table itself;
-- * nobody else reads the internal tables: no grant to public, and db_datareader is not used.
-- The script is idempotent: running it again changes nothing. Run on a database prepared by its
-- earlier version (one FUNCTION_IDENTITY for both functions), it takes the transactions away from
-- telesales_function; drop that older user afterwards (DROP USER [<old identity name>]).

IF DATABASE_PRINCIPAL_ID(N'$(CUSTOMERS_IDENTITY)') IS NULL
    CREATE USER [$(CUSTOMERS_IDENTITY)] FROM EXTERNAL PROVIDER;
GO
IF DATABASE_PRINCIPAL_ID(N'telesales_function') IS NULL
    CREATE ROLE telesales_function;
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::dbo.contact_state TO telesales_function;
GRANT SELECT, INSERT, UPDATE ON OBJECT::dbo.consumer_offsets TO telesales_function;
GRANT SELECT, INSERT ON OBJECT::dbo.rejected_messages TO telesales_function;
-- The LGPD records (docs/lgpd.md): the removal log is only appended to (a plain INSERT; no
-- SELECT, UPDATE or DELETE); the customer a rejected message was about is recorded like the
-- reject (MERGE ... WHEN NOT MATCHED THEN INSERT); the do-not-call lists' phones are read to
-- count the contacts they keep from telesales.
GRANT INSERT ON OBJECT::dbo.removal_log TO telesales_function;
GRANT SELECT, INSERT ON OBJECT::dbo.rejected_message_subjects TO telesales_function;
GRANT SELECT ON OBJECT::dbo.suppressed_phones TO telesales_function;
-- Reading the schema version lets the function check, at connect, that no migration is missing.
GRANT SELECT ON OBJECT::dbo.schema_migrations TO telesales_function;
REVOKE SELECT, INSERT ON OBJECT::dbo.transactions FROM telesales_function;
ALTER ROLE telesales_function ADD MEMBER [$(CUSTOMERS_IDENTITY)];
GO
IF DATABASE_PRINCIPAL_ID(N'$(PAYMENTS_IDENTITY)') IS NULL
    CREATE USER [$(PAYMENTS_IDENTITY)] FROM EXTERNAL PROVIDER;
GO
IF DATABASE_PRINCIPAL_ID(N'payments_function') IS NULL
    CREATE ROLE payments_function;
GO
GRANT SELECT, INSERT ON OBJECT::dbo.transactions TO payments_function;
GRANT SELECT, INSERT ON OBJECT::dbo.rejected_messages TO payments_function;
GRANT SELECT ON OBJECT::dbo.schema_migrations TO payments_function;
-- The payment gateway's HTTP functions, on the payment identity: secrets read only, a
-- submission claimed once and never changed.
GRANT SELECT ON OBJECT::dbo.gateway_account_secrets TO payments_function;
GRANT SELECT, INSERT ON OBJECT::dbo.gateway_transactions TO payments_function;
ALTER ROLE payments_function ADD MEMBER [$(PAYMENTS_IDENTITY)];
GO
IF DATABASE_PRINCIPAL_ID(N'$(TELESALES_PRINCIPAL)') IS NULL
    CREATE USER [$(TELESALES_PRINCIPAL)] FROM EXTERNAL PROVIDER;
GO
IF DATABASE_PRINCIPAL_ID(N'telesales') IS NULL
    CREATE ROLE telesales;
GO
GRANT SELECT ON OBJECT::dbo.telesales_contacts TO telesales;
ALTER ROLE telesales ADD MEMBER [$(TELESALES_PRINCIPAL)];
GO
IF DATABASE_PRINCIPAL_ID(N'privacy_officer') IS NULL
    CREATE ROLE privacy_officer;
GO
GRANT SELECT ON OBJECT::dbo.contact_state TO privacy_officer;
GRANT SELECT ON OBJECT::dbo.telesales_contacts TO privacy_officer;
GRANT SELECT ON OBJECT::dbo.rejected_messages TO privacy_officer;
GRANT SELECT ON OBJECT::dbo.rejected_message_subjects TO privacy_officer;
GRANT SELECT ON OBJECT::dbo.schema_migrations TO privacy_officer;
GRANT SELECT, INSERT, DELETE ON OBJECT::dbo.removal_log TO privacy_officer;
GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::dbo.do_not_call_lists TO privacy_officer;
GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::dbo.suppressed_phones TO privacy_officer;
GO
