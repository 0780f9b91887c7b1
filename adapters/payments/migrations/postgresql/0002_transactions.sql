-- Schema version 2 (PostgreSQL 12 or later): the payment processor's transactions
-- (README, "The payment processor"). Same table, columns and rules as migrations/sqlite/0002_transactions.sql;
-- applied like 0001, in one transaction with its row in schema_migrations.
--
-- One row per transaction id ever decided, written once and never updated: the first outcome
-- stored is the answer forever, so a redelivered transaction is answered the same way.
--
-- PCI DSS: never the card number, CVV or holder name. Only the brand and the last four digits
-- of a valid card number may be kept, and they are NULL when the number was not a valid one.
--
-- Types, and why:
-- * Ids use the "C" collation: exact, byte-wise comparisons, like Kafka keys (see 0001).
--   64 characters is the decoder's limit (adapters/payments/format.py).
-- * Amounts are numeric(12,2): exact, in cents, the gateway's DECIMAL(12,2).
-- * updated_at equals created_at (outcomes are final); it is kept for the gateway's schema.

CREATE TABLE transactions (
    id             varchar(64) COLLATE "C" NOT NULL,
    account_id     varchar(64) COLLATE "C" NOT NULL,
    amount         numeric(12, 2)          NOT NULL,
    status         varchar(8)              NOT NULL,
    error_message  varchar(100),
    card_brand     varchar(12),
    card_last_four char(4),
    created_at     timestamptz             NOT NULL,
    updated_at     timestamptz             NOT NULL,
    CONSTRAINT transactions_pk PRIMARY KEY (id),
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

-- The table of rejected messages, as 0001 creates it (there it is created only where it is
-- missing too): a payments database that holds no customer projection records its
-- unanswerable messages there as well.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           varchar(249) COLLATE "C" NOT NULL,
    kafka_partition integer      NOT NULL,
    kafka_offset    bigint       NOT NULL,
    reason          varchar(40)  NOT NULL,
    rejected_at     timestamptz  NOT NULL,
    CONSTRAINT rejected_messages_pk PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
