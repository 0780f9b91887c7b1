-- Schema version 3 (Azure SQL Database / SQL Server): where each contact's region came from.
-- Applied like 0001, then recorded. Where the application may not run DDL, a DBA applies it and
-- records it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (3, N'0003_region_source', SYSUTCDATETIME());
--
-- region_from_state is 1 when the region is the customer's state's, 0 when it is the phone's area
-- code's, NULL where it is not known (contacts stored before this version, and removal markers).
-- A later change that leaves the state out (Debezium's unavailable-value placeholder) needs it
-- to know whether a new phone moves the region. It is not personal data, and telesales do not
-- see it: the telesales_contacts view names its columns. Adding a nullable column is a change to
-- the metadata only, whatever the table's size.

IF COL_LENGTH(N'dbo.contact_state', N'region_from_state') IS NULL
    ALTER TABLE dbo.contact_state ADD region_from_state BIT NULL;
