-- Bank 2 least privilege on Azure SQL Database (T-SQL, sqlcmd variables).
--
-- Run once per database, after the schema migration (python -m adapters.bank2 migrate), connected
-- to the Bank 2 database AS THE SERVER'S MICROSOFT ENTRA ADMIN (only an Entra principal can create
-- users FROM EXTERNAL PROVIDER):
--
--   sqlcmd -S <server>.database.windows.net -d <database> --authentication-method ActiveDirectoryDefault \
--          -v FUNCTION_IDENTITY="<user-assigned identity name>" TELESALES_PRINCIPAL="<Entra group name>" \
--          -i adapters/bank2/privileges/mssql.sql
--
-- Result:
-- * the Function's managed identity may read and write the projection's own tables, read the
--   schema version, and nothing else: no DDL, no other table, no view it does not need;
-- * the telesales group may only SELECT the telesales_contacts view. The view and the tables
--   have the same owner (dbo), so ownership chaining lets the view read contact_state without
--   any grant on the table itself;
-- * nobody else reads the internal tables: no grant to public, and db_datareader is not used.
-- The script is idempotent: running it again changes nothing.

IF DATABASE_PRINCIPAL_ID(N'$(FUNCTION_IDENTITY)') IS NULL
    CREATE USER [$(FUNCTION_IDENTITY)] FROM EXTERNAL PROVIDER;
GO
IF DATABASE_PRINCIPAL_ID(N'telesales_function') IS NULL
    CREATE ROLE telesales_function;
GO
GRANT SELECT, INSERT, UPDATE, DELETE ON OBJECT::dbo.contact_state TO telesales_function;
GRANT SELECT, INSERT, UPDATE ON OBJECT::dbo.consumer_offsets TO telesales_function;
GRANT SELECT, INSERT ON OBJECT::dbo.rejected_messages TO telesales_function;
-- Reading the schema version lets the function check, at connect, that no migration is missing.
GRANT SELECT ON OBJECT::dbo.schema_migrations TO telesales_function;
-- The payment processor: an outcome is inserted once (MERGE ... WHEN NOT MATCHED THEN INSERT)
-- and read back. MERGE needs SELECT on what it reads and INSERT, UPDATE or DELETE only for the
-- actions it names (Microsoft's MERGE reference, "Permissions"): no UPDATE nor DELETE, so the
-- database itself keeps an outcome final.
GRANT SELECT, INSERT ON OBJECT::dbo.transactions TO telesales_function;
ALTER ROLE telesales_function ADD MEMBER [$(FUNCTION_IDENTITY)];
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
