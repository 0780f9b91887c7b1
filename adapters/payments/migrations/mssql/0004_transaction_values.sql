-- Schema version 4 (Azure SQL Database / SQL Server): payment ids sized for UTF-16, and a
-- transaction's amount that may be absent and is never negative (README, "The payment
-- processor"). Applied like 0001, batch by batch (GO) in one transaction, then recorded. Each
-- batch checks first, so a DBA can run the script again by hand; then records it:
--     INSERT INTO dbo.schema_migrations (version, name, applied_at)
--     VALUES (4, N'0004_transaction_values', SYSUTCDATETIME());
--
-- * Ids: NVARCHAR(n) holds n UTF-16 code units, not n characters (Microsoft's "nchar and
--   nvarchar" reference), and a character outside the Basic Multilingual Plane takes two. The
--   decoder accepts 64 characters, so up to 128 code units: a longer id failed every delivery
--   of its batch with error 2628 (string or binary data would be truncated). The primary key's
--   column cannot change size while the key exists (ALTER TABLE ... ALTER COLUMN), so the key
--   is dropped and rebuilt around it: the table is rewritten once, under the migration's lock.
-- * Amounts: a transaction whose amount is no amount of money ("10,50", 1e3, a fraction of a
--   cent) is now answered, rejected with "invalid amount", and has no amount to keep: NULL. A
--   negative amount is rejected as below 1.00, and is not kept either: money is never
--   negative. Rows stored before with a negative amount lose it; their outcome stays.
--   COL_LENGTH is in bytes: NVARCHAR(64) is 128, NVARCHAR(128) is 256.

IF OBJECT_ID(N'dbo.transactions_pk', N'PK') IS NOT NULL
    AND COL_LENGTH(N'dbo.transactions', N'id') < 256
    ALTER TABLE dbo.transactions DROP CONSTRAINT transactions_pk;
GO
IF COL_LENGTH(N'dbo.transactions', N'id') < 256
    ALTER TABLE dbo.transactions
        ALTER COLUMN id NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL;
GO
IF OBJECT_ID(N'dbo.transactions_pk', N'PK') IS NULL
    ALTER TABLE dbo.transactions ADD CONSTRAINT transactions_pk PRIMARY KEY CLUSTERED (id);
GO
IF COL_LENGTH(N'dbo.transactions', N'account_id') < 256
    ALTER TABLE dbo.transactions
        ALTER COLUMN account_id NVARCHAR(128) COLLATE Latin1_General_BIN2 NOT NULL;
GO
IF COLUMNPROPERTY(OBJECT_ID(N'dbo.transactions'), N'amount', 'AllowsNull') = 0
    ALTER TABLE dbo.transactions ALTER COLUMN amount DECIMAL(12, 2) NULL;
GO
UPDATE dbo.transactions SET amount = NULL WHERE amount < 0;
GO
IF OBJECT_ID(N'dbo.transactions_amount', N'C') IS NULL
    ALTER TABLE dbo.transactions ADD CONSTRAINT transactions_amount CHECK (
        (amount IS NULL AND status = 'rejected') OR (amount IS NOT NULL AND amount >= 0)
    );
GO
