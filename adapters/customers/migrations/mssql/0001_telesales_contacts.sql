-- Bank 2 schema, version 1 (Azure SQL Database / SQL Server 2016 SP1 or later).
-- Same tables, columns, view and rules as migrations/sqlite/0001_telesales_contacts.sql.
--
-- The application applies this script itself at its first connection, batch by batch (a line
-- holding only GO ends a batch), in one transaction, and records it in dbo.schema_migrations.
-- That needs CREATE TABLE / CREATE VIEW rights (db_ddladmin). Where the application's identity
-- may only read and write data, a DBA applies it instead: creates dbo.schema_migrations (its
-- definition is in adapters/engines/mssql/session.py), runs this script, then records it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (1, N'0001_telesales_contacts', SYSUTCDATETIME());
-- The application then finds nothing to apply and needs no DDL rights.
--
-- The application's statements use OPENJSON, which needs database compatibility level 130 or
-- higher (Azure SQL's default is higher); the application checks it at every connection.
-- Filtered indexes require the ANSI SET options that every ODBC connection uses by default.
--
-- contact_state holds one row per customer ever seen: a current contact (removed_at IS NULL)
-- or a removal marker (removed_at set, no personal data) that stops older events replayed later
-- from bringing the contact back.
--
-- Types, and why:
-- * Identifiers (customer ids, topics, consumer groups) and versions use the binary collation
--   Latin1_General_BIN2: comparisons are exact (case- and accent-sensitive, like Kafka and like
--   SQLite), and a version key's text order is its version order.
-- * Versions are fixed-width keys (61 ASCII characters, domain.customers.versions.VERSION_KEY_LENGTH).
-- * Names are NVARCHAR: Brazilian names carry accents. NVARCHAR(n) counts UTF-16 code units,
--   so the 120-character domain limit is doubled for characters outside the BMP.
-- * Times are DATETIME2 holding UTC: it has no offset, and the application always writes UTC.

IF OBJECT_ID(N'dbo.contact_state', N'U') IS NULL
CREATE TABLE dbo.contact_state (
    customer_id NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL,
    version     VARCHAR(61)   COLLATE Latin1_General_BIN2 NOT NULL,
    name        NVARCHAR(240) NULL,
    phone       VARCHAR(16)   NULL,
    region      VARCHAR(12)   NULL,
    removed_at  DATETIME2     NULL,
    updated_at  DATETIME2     NOT NULL,
    CONSTRAINT contact_state_pk PRIMARY KEY CLUSTERED (customer_id),
    CONSTRAINT contact_state_marker_has_no_personal_data CHECK (
        (removed_at IS NULL AND name IS NOT NULL AND phone IS NOT NULL AND region IS NOT NULL)
        OR (removed_at IS NOT NULL AND name IS NULL AND phone IS NULL AND region IS NULL)
    ),
    CONSTRAINT contact_state_region CHECK (
        region IS NULL OR region IN ('Norte', 'Nordeste', 'Centro-Oeste', 'Sudeste', 'Sul')
    )
);
GO

IF NOT EXISTS (
    SELECT 1 FROM sys.indexes
    WHERE name = N'contact_state_removed_at' AND object_id = OBJECT_ID(N'dbo.contact_state')
)
CREATE INDEX contact_state_removed_at
    ON dbo.contact_state (removed_at) WHERE removed_at IS NOT NULL;
GO

-- CREATE VIEW must be the only statement of its batch, hence the GO around it.
CREATE OR ALTER VIEW dbo.telesales_contacts AS
    SELECT customer_id, name, phone, region
    FROM dbo.contact_state
    WHERE removed_at IS NULL;
GO

-- Last offset applied per consumer group and partition, written in the same transaction as the
-- contacts: a redelivered record at or below it is a duplicate. The key stays under the 900-byte
-- limit of a clustered index: 2 x 128 + 2 x 249 (Kafka's longest topic name) + 4 bytes.
IF OBJECT_ID(N'dbo.consumer_offsets', N'U') IS NULL
CREATE TABLE dbo.consumer_offsets (
    consumer_group  NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL,
    topic           NVARCHAR(249) COLLATE Latin1_General_BIN2 NOT NULL,
    kafka_partition INT           NOT NULL,
    last_offset     BIGINT        NOT NULL,
    updated_at      DATETIME2     NOT NULL,
    CONSTRAINT consumer_offsets_pk PRIMARY KEY CLUSTERED (consumer_group, topic, kafka_partition)
);
GO

-- Where each rejected message is in Kafka, and why. No payload, no personal data.
IF OBJECT_ID(N'dbo.rejected_messages', N'U') IS NULL
CREATE TABLE dbo.rejected_messages (
    topic           NVARCHAR(249) COLLATE Latin1_General_BIN2 NOT NULL,
    kafka_partition INT           NOT NULL,
    kafka_offset    BIGINT        NOT NULL,
    reason          VARCHAR(40)   NOT NULL,
    rejected_at     DATETIME2     NOT NULL,
    CONSTRAINT rejected_messages_pk PRIMARY KEY CLUSTERED (topic, kafka_partition, kafka_offset)
);
GO
