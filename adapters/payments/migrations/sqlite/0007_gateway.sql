-- Schema version 7 (SQLite): the payment gateway's intake (docs/gateway.md), beside the
-- processor's transactions, which its status reads.
--
-- gateway_account_secrets: each account's secrets, as digests only (HMAC-SHA-256 of a 256-bit
-- random secret, domain/gateway/credentials.py), never the secret. revoked_at is set once.
--
-- gateway_transactions: one row per (account, the account's own transaction id), written once.
-- transaction_id is the gateway's id for it, the one published to the processor and stored in
-- transactions.id: two accounts may use the same id of their own, the processor never sees
-- them as one. fingerprint is HMAC-SHA-256, under the deployment's GATEWAY_FINGERPRINT_KEY, of
-- the request without its CVV: a retry is told from a different request without keeping the
-- request. PCI DSS: never the card number, CVV or holder name. Only the brand and last four
-- digits of a valid card number, NULL otherwise. The amount as exact decimal text (see 0002),
-- NULL when it is not money that may be kept.
--
-- The indexes serve an account's list of changes: its submissions, and its decisions.

CREATE TABLE IF NOT EXISTS gateway_account_secrets (
    secret_id   TEXT NOT NULL PRIMARY KEY,
    account_id  TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX IF NOT EXISTS gateway_account_secrets_account
    ON gateway_account_secrets (account_id);

CREATE TABLE IF NOT EXISTS gateway_transactions (
    account_id     TEXT NOT NULL,
    id             TEXT NOT NULL,
    transaction_id TEXT NOT NULL UNIQUE,
    fingerprint    TEXT NOT NULL,
    amount         TEXT,
    card_brand     TEXT,
    card_last_four TEXT,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (account_id, id),
    CHECK (amount IS NULL OR amount NOT LIKE '-%'),
    CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND length(card_last_four) = 4)
    )
);
CREATE INDEX IF NOT EXISTS gateway_transactions_changes
    ON gateway_transactions (account_id, created_at);
CREATE INDEX IF NOT EXISTS transactions_account_changes ON transactions (account_id, created_at);
