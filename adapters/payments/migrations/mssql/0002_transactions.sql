-- Schema version 2 (Azure SQL Database / SQL Server 2016 SP1 or later): the payment processor's
-- transactions (README, "The payment processor"). Same table, columns and rules as
-- migrations/sqlite/0002_transactions.sql; applied like 0001, batch by batch (GO), then recorded.
-- Where the application may not run DDL, a DBA applies it and records it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (2, N'0002_transactions', SYSUTCDATETIME());
--
-- One row per transaction id ever decided, written once and never updated: the first outcome
-- stored is the answer forever, so a redelivered transaction is answered the same way.
--
-- PCI DSS: never the card number, CVV or holder name. Only the brand and the last four digits
-- of a valid card number may be kept, and they are NULL when the number was not a valid one.
--
-- Types, and why:
-- * Ids use Latin1_General_BIN2: exact, case-sensitive comparisons, like Kafka keys (see 0001).
--   64 characters is the decoder's limit (adapters/payments/format.py).
-- * Amounts are DECIMAL(12,2): exact, in cents, the gateway's own type.
-- * Times are DATETIME2 holding UTC, as in 0001. updated_at equals created_at (outcomes are
--   final); it is kept for the gateway's schema.

IF OBJECT_ID(N'dbo.transactions', N'U') IS NULL
CREATE TABLE dbo.transactions (
    id             NVARCHAR(64)  COLLATE Latin1_General_BIN2 NOT NULL,
    account_id     NVARCHAR(64)  COLLATE Latin1_General_BIN2 NOT NULL,
    amount         DECIMAL(12, 2) NOT NULL,
    status         VARCHAR(8)    NOT NULL,
    error_message  VARCHAR(100)  NULL,
    card_brand     VARCHAR(12)   NULL,
    card_last_four CHAR(4)       NULL,
    created_at     DATETIME2     NOT NULL,
    updated_at     DATETIME2     NOT NULL,
    CONSTRAINT transactions_pk PRIMARY KEY CLUSTERED (id),
    CONSTRAINT transactions_status CHECK (status IN ('approved', 'rejected')),
    CONSTRAINT transactions_error_message CHECK (
        (status = 'approved' AND error_message IS NULL)
        OR (status = 'rejected' AND error_message IS NOT NULL)
    ),
    CONSTRAINT transactions_card CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND card_last_four IS NOT NULL)
    )
);
GO

-- The table of rejected messages, as 0001 creates it (there it is created only where it is
-- missing too): a payments database that holds no customer projection records its
-- unanswerable messages there as well.
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
