-- Schema version 7 (Azure SQL Database / SQL Server): the payment gateway's intake
-- (docs/gateway.md), beside the processor's transactions, which its status reads. Same tables,
-- columns and rules as migrations/sqlite/0007_gateway.sql. Applied like 0001, batch by batch
-- (GO) in one transaction, then recorded; each batch checks first, so a DBA can run the script
-- again by hand, then record it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (7, N'0007_gateway', SYSUTCDATETIME());
--
-- gateway_account_secrets: digests only, never a secret. gateway_transactions: one row per
-- (account, the account's own id), written once, with the gateway's transaction_id (the
-- processor's transactions.id), the request's keyed fingerprint (no CVV), and of the card the
-- brand and last four digits of a valid number only.
--
-- Types: ids NVARCHAR(128) in Latin1_General_BIN2, as 0004 (64 characters, some of them two
-- UTF-16 code units); the gateway's own ids are ASCII. Times DATETIME2 holding UTC.

IF OBJECT_ID(N'dbo.gateway_account_secrets', N'U') IS NULL
CREATE TABLE dbo.gateway_account_secrets (
    secret_id   VARCHAR(32)   COLLATE Latin1_General_BIN2 NOT NULL,
    account_id  NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL,
    secret_hash VARCHAR(100)  COLLATE Latin1_General_BIN2 NOT NULL,
    created_at  DATETIME2     NOT NULL,
    revoked_at  DATETIME2     NULL,
    CONSTRAINT gateway_account_secrets_pk PRIMARY KEY CLUSTERED (secret_id)
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'gateway_account_secrets_account'
               AND object_id = OBJECT_ID(N'dbo.gateway_account_secrets'))
    CREATE INDEX gateway_account_secrets_account ON dbo.gateway_account_secrets (account_id);
GO
IF OBJECT_ID(N'dbo.gateway_transactions', N'U') IS NULL
CREATE TABLE dbo.gateway_transactions (
    account_id     NVARCHAR(128)  COLLATE Latin1_General_BIN2 NOT NULL,
    id             NVARCHAR(128)  COLLATE Latin1_General_BIN2 NOT NULL,
    transaction_id NVARCHAR(128)  COLLATE Latin1_General_BIN2 NOT NULL,
    fingerprint    VARCHAR(64)    COLLATE Latin1_General_BIN2 NOT NULL,
    amount         DECIMAL(12, 2) NULL,
    card_brand     VARCHAR(12)    NULL,
    card_last_four CHAR(4)        NULL,
    created_at     DATETIME2      NOT NULL,
    CONSTRAINT gateway_transactions_pk PRIMARY KEY CLUSTERED (account_id, id),
    CONSTRAINT gateway_transactions_transaction_id UNIQUE (transaction_id),
    CONSTRAINT gateway_transactions_amount CHECK (amount IS NULL OR amount >= 0),
    CONSTRAINT gateway_transactions_card CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND card_last_four IS NOT NULL)
    )
);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'gateway_transactions_changes'
               AND object_id = OBJECT_ID(N'dbo.gateway_transactions'))
    CREATE INDEX gateway_transactions_changes ON dbo.gateway_transactions (account_id, created_at);
GO
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'transactions_account_changes'
               AND object_id = OBJECT_ID(N'dbo.transactions'))
    CREATE INDEX transactions_account_changes ON dbo.transactions (account_id, created_at);
GO
