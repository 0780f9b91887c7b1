-- Schema version 2 (MySQL 8.0.16 or later, MariaDB 10.6 or later, InnoDB): the payment
-- processor's transactions (README, "The payment processor"). Same table, columns and rules as
-- migrations/sqlite/0002_transactions.sql; applied like 0001 (idempotent statements, the
-- version recorded once they all succeeded). Where the application may not run DDL, a DBA
-- applies it and records it:
--     mysql -h <host> -u <owner> -p <database> < adapters/payments/migrations/mysql/0002_transactions.sql
--     INSERT INTO schema_migrations (version, name, applied_at)
--     VALUES (2, '0002_transactions', UTC_TIMESTAMP(6));
--
-- One row per transaction id ever decided, written once and never updated: the first outcome
-- stored is the answer forever, so a redelivered transaction is answered the same way.
--
-- PCI DSS: never the card number, CVV or holder name. Only the brand and the last four digits
-- of a valid card number may be kept, and they are NULL when the number was not a valid one.
--
-- Types, and why:
-- * Ids are utf8mb4 with utf8mb4_bin: exact, case-sensitive comparisons, like Kafka keys.
--   64 characters is the decoder's limit (adapters/payments/format.py).
-- * Amounts are DECIMAL(12,2): exact, in cents, the gateway's own type.
-- * Times are DATETIME(6) holding UTC, as in 0001. updated_at equals created_at (outcomes are
--   final); it is kept for the gateway's schema.

CREATE TABLE IF NOT EXISTS transactions (
    id             VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    account_id     VARCHAR(64)   CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    amount         DECIMAL(12,2) NOT NULL,
    status         VARCHAR(8)    CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    error_message  VARCHAR(100)  CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    card_brand     VARCHAR(12)   CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    card_last_four CHAR(4)       CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    created_at     DATETIME(6)   NOT NULL,
    updated_at     DATETIME(6)   NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT transactions_status CHECK (status IN ('approved', 'rejected')),
    CONSTRAINT transactions_error_message CHECK (
        (status = 'approved' AND error_message IS NULL)
        OR (status = 'rejected' AND error_message IS NOT NULL)
    ),
    CONSTRAINT transactions_card CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND card_last_four IS NOT NULL)
    )
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- The table of rejected messages, as 0001 creates it (there it is created only where it is
-- missing too): a payments database that holds no customer projection records its
-- unanswerable messages there as well.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           VARCHAR(249) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kafka_partition INT          NOT NULL,
    kafka_offset    BIGINT       NOT NULL,
    reason          VARCHAR(40)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rejected_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
