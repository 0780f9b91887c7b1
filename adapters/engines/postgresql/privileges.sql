-- Bank 2 least privilege on PostgreSQL (a psql script: it uses psql variables and \if).
--
-- Run it after the schema migration (python -m adapters.bank2 migrate, as the schema owner), and
-- again after every later migration, connected to the Bank 2 database as the owner of the
-- database and its tables (the role that applied the migrations) or as a superuser:
--
--   psql "postgresql://<owner>@<host>/<database>" -X -v ON_ERROR_STOP=1 \
--        -v function_role=<login of the customers Function> \
--        -v payments_role=<login of the payment processor Function> \
--        -v telesales_role=<telesales role> \
--        [-v privacy_role=<the privacy officer's login>] \
--        [-v schema=<schema of the tables, default public>] \
--        -f adapters/engines/postgresql/privileges.sql
--
-- The roles must exist already. function_role is the login in the customers Function's
-- BANK2_URL and payments_role the one in the payment processor's (for example CREATE ROLE
-- bank2_function LOGIN PASSWORD '...', or a Microsoft Entra principal on Azure Database for
-- PostgreSQL); neither may own the tables nor be a superuser, or no grant here limits it.
-- Without payments_role, function_role gets the payment processor's grants too: one login for
-- both functions, which a deployment running only the projection, or a local one, may want.
-- telesales_role is best a NOLOGIN group role whose members are the telesales users (CREATE
-- ROLE telesales NOLOGIN; GRANT telesales TO maria;). privacy_role, when given, is the privacy
-- officer's (the LGPD's encarregado): the identity that runs python -m adapters.bank2 subject,
-- do-not-call and removal-log (docs/lgpd.md). Without it, those commands run as the owner.
--
-- Result:
-- * the customers Function may read and write the projection's own tables, read the schema
--   version, and nothing else: no DDL (no CREATE on the schema, no temporary tables, it owns
--   nothing), no other table, not even the telesales view. The removal log it may only append
--   to: no SELECT, UPDATE or DELETE on it, so the proof of erasure is not its to change;
-- * the privacy officer may read everything Bank 2 holds about customers (a data subject
--   report is personal data), load the do-not-call lists, and delete removal-log rows past
--   their retention; not the offsets, nor the payment processor's table;
-- * the payment processor may insert and read transactions (never update nor delete one: an
--   outcome is final), record rejects and read the schema version, and nothing else;
-- * telesales may only SELECT the telesales_contacts view. A view reads its tables with its
--   owner's rights, so telesales has no right on contact_state itself;
-- * nobody else reads the internal tables: nothing is granted to PUBLIC, and PUBLIC loses the
--   rights that older PostgreSQL versions give it by default (CREATE on schema public before
--   version 15; CONNECT and TEMPORARY on every database). Bank 2 is meant to be a database of
--   its own: other logins that must connect to it need an explicit GRANT CONNECT.
-- The script runs in one transaction and is idempotent: it revokes everything on the Bank 2
-- tables first, from every role but their owner, so running it again, or after a migration,
-- leaves exactly these grants there.

\set ON_ERROR_STOP on
\if :{?function_role}
\else
    \echo 'usage: psql ... -v function_role=<login> [-v payments_role=<login>] -v telesales_role=<role> -f postgresql.sql'
    DO $$ BEGIN RAISE EXCEPTION 'psql variable function_role is not set'; END $$;
\endif
\if :{?telesales_role}
\else
    \echo 'usage: psql ... -v function_role=<login> [-v payments_role=<login>] -v telesales_role=<role> -f postgresql.sql'
    DO $$ BEGIN RAISE EXCEPTION 'psql variable telesales_role is not set'; END $$;
\endif
\if :{?payments_role}
\else
    \set payments_role :function_role
\endif
\if :{?privacy_role}
    \set has_privacy_role true
\else
    \set has_privacy_role false
    \set privacy_role :telesales_role
\endif
\if :{?schema}
\else
    \set schema public
\endif

BEGIN;

SET LOCAL search_path = :"schema";

-- Fails here, before any change, if the migration has not been applied in this schema.
SELECT pg_get_userbyid(c.relowner) AS table_owner,
       coalesce((
           SELECT bool_or(r.rolsuper OR pg_has_role(r.oid, c.relowner, 'MEMBER'))
           FROM pg_roles AS r
           WHERE r.rolname IN (:'function_role', :'payments_role')
       ), false) AS a_function_role_is_owner
FROM pg_class AS c
WHERE c.oid = 'contact_state'::regclass
\gset
-- A superuser, or a role that owns the tables (or may act as their owner), bypasses every grant
-- below: refuse to pretend otherwise.
\if :a_function_role_is_owner
    DO $$ BEGIN RAISE EXCEPTION 'function_role or payments_role owns the Bank 2 tables or is a superuser'; END $$;
\endif

-- The database: PUBLIC may no longer connect nor create temporary tables. The roles may
-- connect, and so may the tables' owner, which applies later migrations.
REVOKE ALL ON DATABASE :"DBNAME"
    FROM PUBLIC, :"function_role", :"payments_role", :"telesales_role", :"privacy_role";
GRANT CONNECT ON DATABASE :"DBNAME"
    TO :"function_role", :"payments_role", :"telesales_role", :"privacy_role", :"table_owner";

-- The schema: names can be looked up, but only the tables' owner creates objects in it. (Until
-- PostgreSQL 15 PUBLIC may create in schema public; PUBLIC keeps USAGE, which opens no table.)
REVOKE CREATE ON SCHEMA :"schema"
    FROM PUBLIC, :"function_role", :"payments_role", :"telesales_role", :"privacy_role";
GRANT USAGE ON SCHEMA :"schema"
    TO :"function_role", :"payments_role", :"telesales_role", :"privacy_role";
GRANT USAGE, CREATE ON SCHEMA :"schema" TO :"table_owner";

-- Start from nothing on every Bank 2 object: PUBLIC and every role but the owner lose what they
-- were granted, on the tables and on any of their columns: the roles named above and any other
-- (a login this script was given before and is no longer, or a grant made by hand). CASCADE
-- also takes back what a role passed on from a grant it held WITH GRANT OPTION. A REVOKE on a
-- table also revokes that role's column grants on it.
REVOKE ALL ON TABLE contact_state, consumer_offsets, rejected_messages, schema_migrations,
    telesales_contacts, transactions, removal_log, rejected_message_subjects, do_not_call_lists,
    suppressed_phones
    FROM PUBLIC, :"function_role", :"payments_role", :"telesales_role", :"privacy_role" CASCADE;
DO $$
DECLARE
    granted record;
BEGIN
    FOR granted IN
        WITH bank2 (object) AS (
            VALUES ('contact_state'::regclass), ('consumer_offsets'::regclass),
                   ('rejected_messages'::regclass), ('schema_migrations'::regclass),
                   ('telesales_contacts'::regclass), ('transactions'::regclass),
                   ('removal_log'::regclass), ('rejected_message_subjects'::regclass),
                   ('do_not_call_lists'::regclass), ('suppressed_phones'::regclass)
        ), acl (object, owner, grantee) AS (
            SELECT c.oid, c.relowner, a.grantee
            FROM pg_class AS c CROSS JOIN LATERAL aclexplode(c.relacl) AS a
            WHERE c.oid IN (SELECT object FROM bank2)
            UNION
            SELECT c.oid, c.relowner, a.grantee
            FROM pg_class AS c
            JOIN pg_attribute AS t ON t.attrelid = c.oid
            CROSS JOIN LATERAL aclexplode(t.attacl) AS a
            WHERE c.oid IN (SELECT object FROM bank2)
        )
        SELECT DISTINCT object::regclass AS object, grantee::regrole AS grantee
        FROM acl
        WHERE grantee NOT IN (0, owner)
    LOOP
        EXECUTE format('REVOKE ALL ON TABLE %s FROM %s CASCADE', granted.object, granted.grantee);
    END LOOP;
END $$;

-- The customers Function: exactly what its statements need (adapters/customers/sql/postgresql.py). INSERT ... ON
-- CONFLICT needs SELECT on the conflict key as well as INSERT, DO UPDATE needs UPDATE too, and
-- the retention purge needs DELETE on contact_state only. Rejects are only ever inserted.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE contact_state TO :"function_role";
GRANT SELECT, INSERT, UPDATE ON TABLE consumer_offsets TO :"function_role";
GRANT SELECT, INSERT ON TABLE rejected_messages TO :"function_role";
-- The LGPD records (docs/lgpd.md): the removal log is only appended to; the customer a rejected
-- message was about is recorded like the reject (ON CONFLICT needs SELECT on its key); the
-- do-not-call lists' phones are read to count the contacts they keep from telesales.
GRANT INSERT ON TABLE removal_log TO :"function_role";
GRANT SELECT, INSERT ON TABLE rejected_message_subjects TO :"function_role";
GRANT SELECT ON TABLE suppressed_phones TO :"function_role";
-- Reading the schema version lets the Function check, at connect, that no migration is missing.
GRANT SELECT ON TABLE schema_migrations TO :"function_role";
-- The payment processor (adapters/payments/sql/): an outcome is inserted once, never updated,
-- and read back to answer redeliveries; an unanswerable message is recorded as a reject.
GRANT SELECT, INSERT ON TABLE transactions TO :"payments_role";
GRANT SELECT, INSERT ON TABLE rejected_messages TO :"payments_role";
GRANT SELECT ON TABLE schema_migrations TO :"payments_role";
-- The payment gateway's HTTP functions (adapters/gateway/sql/), on the payment function's
-- login: account secrets are read only (issued and revoked by an operator, as the tables'
-- owner), a submission is claimed once and never changed. Nobody else has a right on them.
REVOKE ALL ON TABLE gateway_account_secrets, gateway_transactions
    FROM PUBLIC, :"function_role", :"payments_role", :"telesales_role" CASCADE;
GRANT SELECT ON TABLE gateway_account_secrets TO :"payments_role";
GRANT SELECT, INSERT ON TABLE gateway_transactions TO :"payments_role";

-- Telesales: the view, nothing else.
GRANT SELECT ON TABLE telesales_contacts TO :"telesales_role";

-- The privacy officer (adapters/bank2: subject, do-not-call, removal-log).
\if :has_privacy_role
GRANT SELECT ON TABLE contact_state, telesales_contacts, rejected_messages,
    rejected_message_subjects, schema_migrations TO :"privacy_role";
GRANT SELECT, INSERT, DELETE ON TABLE removal_log TO :"privacy_role";
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE do_not_call_lists, suppressed_phones
    TO :"privacy_role";
\endif

COMMIT;
