-- Schema version 7 (MySQL 8.0.16 or later, MariaDB 10.6 or later, InnoDB): the payment
-- gateway's intake (docs/gateway.md), beside the processor's transactions, which its status
-- reads. Same tables, columns and rules as migrations/sqlite/0007_gateway.sql.
--
-- gateway_account_secrets: digests only, never a secret. gateway_transactions: one row per
-- (account, the account's own id), written once, with the gateway's transaction_id (the
-- processor's transactions.id), the request's keyed fingerprint (no CVV), and of the card the
-- brand and last four digits of a valid number only.
--
-- DDL commits implicitly, so every statement is re-runnable: CREATE TABLE IF NOT EXISTS, and
-- the index on transactions chosen from information_schema and prepared (MySQL 8 has no
-- CREATE INDEX IF NOT EXISTS). Applied by hand as the schema owner, record it afterwards:
--     INSERT INTO schema_migrations (version, name, applied_at)
--     VALUES (7, '0007_gateway', UTC_TIMESTAMP(6))

CREATE TABLE IF NOT EXISTS gateway_account_secrets (
    secret_id   VARCHAR(32)  CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    account_id  VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    secret_hash VARCHAR(100) CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    created_at  DATETIME(6)  NOT NULL,
    revoked_at  DATETIME(6)  NULL,
    PRIMARY KEY (secret_id),
    INDEX gateway_account_secrets_account (account_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS gateway_transactions (
    account_id     VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    id             VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    transaction_id VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    fingerprint    VARCHAR(64)   CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    amount         DECIMAL(12,2) NULL,
    card_brand     VARCHAR(12)   CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    card_last_four CHAR(4)       CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    created_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (account_id, id),
    UNIQUE KEY gateway_transactions_transaction_id (transaction_id),
    INDEX gateway_transactions_changes (account_id, created_at),
    CONSTRAINT gateway_transactions_amount CHECK (amount IS NULL OR amount >= 0),
    CONSTRAINT gateway_transactions_card CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND card_last_four IS NOT NULL)
    )
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

SET @bank2_add_transactions_account_changes = (
    SELECT IF(
        COUNT(*) = 0,
        'CREATE INDEX transactions_account_changes ON transactions (account_id, created_at)',
        'DO 0'
    )
    FROM information_schema.STATISTICS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'transactions'
      AND INDEX_NAME = 'transactions_account_changes'
);
PREPARE bank2_add_transactions_account_changes FROM @bank2_add_transactions_account_changes;
EXECUTE bank2_add_transactions_account_changes;
DEALLOCATE PREPARE bank2_add_transactions_account_changes;
