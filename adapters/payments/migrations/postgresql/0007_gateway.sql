-- Schema version 7 (PostgreSQL): the payment gateway's intake (docs/gateway.md), beside the
-- processor's transactions, which its status reads. Same tables, columns and rules as
-- migrations/sqlite/0007_gateway.sql. Applied in one transaction with its record.
--
-- gateway_account_secrets: digests only, never a secret. gateway_transactions: one row per
-- (account, the account's own id), written once, with the gateway's transaction_id (the
-- processor's transactions.id), the request's keyed fingerprint (no CVV), and of the card the
-- brand and last four digits of a valid number only.
--
-- Types: ids in the "C" collation (exact, byte-wise, like 0002), amounts numeric(12, 2).

CREATE TABLE gateway_account_secrets (
    secret_id   varchar(32) COLLATE "C" NOT NULL,
    account_id  varchar(64) COLLATE "C" NOT NULL,
    secret_hash varchar(100)            NOT NULL,
    created_at  timestamptz             NOT NULL,
    revoked_at  timestamptz,
    CONSTRAINT gateway_account_secrets_pk PRIMARY KEY (secret_id)
);
CREATE INDEX gateway_account_secrets_account ON gateway_account_secrets (account_id);

CREATE TABLE gateway_transactions (
    account_id     varchar(64) COLLATE "C" NOT NULL,
    id             varchar(64) COLLATE "C" NOT NULL,
    transaction_id varchar(64) COLLATE "C" NOT NULL,
    fingerprint    varchar(64)             NOT NULL,
    amount         numeric(12, 2),
    card_brand     varchar(12),
    card_last_four char(4),
    created_at     timestamptz             NOT NULL,
    CONSTRAINT gateway_transactions_pk PRIMARY KEY (account_id, id),
    CONSTRAINT gateway_transactions_transaction_id UNIQUE (transaction_id),
    CONSTRAINT gateway_transactions_amount CHECK (amount IS NULL OR amount >= 0),
    CONSTRAINT gateway_transactions_card CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND card_last_four IS NOT NULL)
    )
);
CREATE INDEX gateway_transactions_changes ON gateway_transactions (account_id, created_at);
CREATE INDEX transactions_account_changes ON transactions (account_id, created_at);
