-- Schema version 6 (Azure SQL Database / SQL Server): the records the LGPD asks of Bank 2
-- (docs/lgpd.md). Same tables, columns, view and rules as migrations/sqlite/0006_lgpd_records.sql.
-- Applied like 0001, then recorded. Where the application may not run DDL, a DBA applies it and
-- records it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (6, N'0006_lgpd_records', SYSUTCDATETIME());
--
-- removal_log is an ordinary table, not a ledger table (LEDGER = ON (APPEND_ONLY = ON)): an
-- append-only ledger table refuses every DELETE, so its rows could never be erased when their
-- retention ends (LGPD art. 16: data is eliminated once its purpose is met), and a ledger table
-- cannot be turned back into an ordinary one. Append-only is enforced by permissions instead:
-- the functions' users may only INSERT into it (adapters/engines/mssql/privileges.sql), and the
-- retention deletes are the privacy officer's, which Azure SQL auditing records (docs/lgpd.md).

IF OBJECT_ID(N'dbo.removal_log', N'U') IS NULL
CREATE TABLE dbo.removal_log (
    customer_id      NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL,
    reason           VARCHAR(16)   NOT NULL,
    version          VARCHAR(61)   COLLATE Latin1_General_BIN2 NOT NULL,
    topic            NVARCHAR(249) COLLATE Latin1_General_BIN2 NULL,
    kafka_partition  INT           NULL,
    kafka_offset     BIGINT        NULL,
    list_name        NVARCHAR(64)  COLLATE Latin1_General_BIN2 NULL,
    list_exported_on DATE          NULL,
    applied_at       DATETIME2     NOT NULL,
    CONSTRAINT removal_log_reason
        CHECK (reason IN ('deleted', 'inactive', 'opted_out', 'withdrawn', 'do_not_call')),
    CONSTRAINT removal_log_source CHECK (
        (topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL
         AND list_name IS NULL AND list_exported_on IS NULL)
        OR (topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL
            AND list_name IS NOT NULL AND list_exported_on IS NOT NULL
            AND reason = 'do_not_call')
    )
);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'removal_log_customer' AND object_id = OBJECT_ID(N'dbo.removal_log')
)
CREATE CLUSTERED INDEX removal_log_customer ON dbo.removal_log (customer_id, applied_at);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'removal_log_applied_at' AND object_id = OBJECT_ID(N'dbo.removal_log')
)
CREATE INDEX removal_log_applied_at ON dbo.removal_log (applied_at);
GO

IF OBJECT_ID(N'dbo.rejected_message_subjects', N'U') IS NULL
CREATE TABLE dbo.rejected_message_subjects (
    topic           NVARCHAR(249) COLLATE Latin1_General_BIN2 NOT NULL,
    kafka_partition INT           NOT NULL,
    kafka_offset    BIGINT        NOT NULL,
    customer_id     NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL,
    CONSTRAINT rejected_message_subjects_pk
        PRIMARY KEY CLUSTERED (topic, kafka_partition, kafka_offset)
);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'rejected_message_subjects_customer'
      AND object_id = OBJECT_ID(N'dbo.rejected_message_subjects')
)
CREATE INDEX rejected_message_subjects_customer ON dbo.rejected_message_subjects (customer_id);
GO

IF OBJECT_ID(N'dbo.do_not_call_lists', N'U') IS NULL
CREATE TABLE dbo.do_not_call_lists (
    list_name   NVARCHAR(64) COLLATE Latin1_General_BIN2 NOT NULL,
    exported_on DATE         NOT NULL,
    load_number INT          NOT NULL,
    file_sha256 CHAR(64)     NOT NULL,
    phones      INT          NOT NULL,
    loaded_at   DATETIME2    NOT NULL,
    CONSTRAINT do_not_call_lists_pk PRIMARY KEY CLUSTERED (list_name)
);
GO

IF OBJECT_ID(N'dbo.suppressed_phones', N'U') IS NULL
CREATE TABLE dbo.suppressed_phones (
    phone     VARCHAR(16)  NOT NULL,
    list_name NVARCHAR(64) COLLATE Latin1_General_BIN2 NOT NULL,
    listed_on DATE         NOT NULL,
    added_in  INT          NOT NULL,
    seen_in   INT          NOT NULL,
    CONSTRAINT suppressed_phones_pk PRIMARY KEY CLUSTERED (phone, list_name)
);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'suppressed_phones_list' AND object_id = OBJECT_ID(N'dbo.suppressed_phones')
)
CREATE INDEX suppressed_phones_list ON dbo.suppressed_phones (list_name, seen_in);
GO

-- Telesales never see a contact whose phone a do-not-call list holds; same four columns, and
-- ALTER keeps the view's permissions and the audit specification on it.
CREATE OR ALTER VIEW dbo.telesales_contacts AS
    SELECT c.customer_id, c.name, c.phone, c.region
    FROM dbo.contact_state AS c
    WHERE c.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM dbo.suppressed_phones AS s WHERE s.phone = c.phone);
GO
