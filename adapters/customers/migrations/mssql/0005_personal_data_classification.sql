-- Schema version 5 (Azure SQL Database / SQL Server): the contacts' personal data is classified,
-- so that Azure SQL auditing records, for each audited read, which classified columns it returned
-- (the audit field data_sensitivity_information; infra/core/sql.bicep audits SELECT on the view
-- dbo.telesales_contacts, whose name and phone are these columns; docs/security.md "Who read what").
--
-- SQL Server only: SQLite, PostgreSQL and MySQL/MariaDB have no sensitivity classification nor
-- an audit that would report it, so their streams have no version 5 (versions are unique across
-- streams and engines, not contiguous: the runner applies whichever are missing). A schema there
-- stays "at version 4"; the next migration of either stream is 0006 on every engine.
--
-- Applied like 0001, by the schema owner (python -m adapters.bank2 migrate, run as the server's
-- Entra admin by infra/scripts/grant-bank2-access.sh): ADD SENSITIVITY CLASSIFICATION needs
-- ALTER ANY SENSITIVITY CLASSIFICATION, which CONTROL on the database implies: the admin is the
-- database owner (dbo). The functions' own users have no such permission (nor any DDL right),
-- and find nothing to apply. Where a DBA applies migrations,
-- they run this batch, then record it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (5, N'0005_personal_data_classification', SYSUTCDATETIME());
--
-- ADD SENSITIVITY CLASSIFICATION exists on Azure SQL Database and SQL Server 2019 or later, the
-- versions that have sys.sensitivity_classifications. On SQL Server 2016 and 2017 (which 0001
-- still supports) the statement would not even compile, so it runs as dynamic SQL behind that
-- check, and there this migration classifies nothing (those versions do not audit
-- data_sensitivity_information either). Classifying a column again replaces its classification:
-- the batch is idempotent.
--
-- Labels and information types are free text (no LABEL_ID / INFORMATION_TYPE_ID: no Microsoft
-- Purview policy is tied to them). region is not classified: five macro-regions identify nobody.
-- The removal markers hold NULL in both columns, so they carry nothing classified.
IF OBJECT_ID(N'sys.sensitivity_classifications') IS NOT NULL
BEGIN
    EXEC sp_executesql N'ADD SENSITIVITY CLASSIFICATION TO dbo.contact_state.name WITH (LABEL = ''Confidential - LGPD'', INFORMATION_TYPE = ''Name'', RANK = MEDIUM)';
    EXEC sp_executesql N'ADD SENSITIVITY CLASSIFICATION TO dbo.contact_state.phone WITH (LABEL = ''Confidential - LGPD'', INFORMATION_TYPE = ''Contact Info'', RANK = MEDIUM)';
END
