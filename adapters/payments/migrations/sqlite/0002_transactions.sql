-- Schema version 2 (SQLite): the payment processor's transactions (README, "The payment processor").
-- One row per transaction id ever decided, written once and never updated: the first outcome
-- stored is the answer forever, so a redelivered transaction is answered the same way.
--
-- PCI DSS: never the card number, CVV or holder name. Only the brand and the last four digits
-- of a valid card number may be kept, and they are NULL when the number was not a valid one.
--
-- SQLite has no exact decimal type (a NUMERIC column would turn 10.10 into a binary float):
-- amounts are kept as their exact decimal text with two places, e.g. '1000.00'.
-- updated_at equals created_at (outcomes are final); it is kept for the gateway's schema.

CREATE TABLE IF NOT EXISTS transactions (
    id             TEXT NOT NULL PRIMARY KEY,
    account_id     TEXT NOT NULL,
    amount         TEXT NOT NULL,
    status         TEXT NOT NULL,
    error_message  TEXT,
    card_brand     TEXT,
    card_last_four TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (status IN ('approved', 'rejected')),
    CHECK (
        (status = 'approved' AND error_message IS NULL)
        OR (status = 'rejected' AND error_message IS NOT NULL)
    ),
    CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND length(card_last_four) = 4)
    )
);

-- The table of rejected messages, as 0001 creates it (there it is created only where it is
-- missing too): a payments database that holds no customer projection records its
-- unanswerable messages there as well.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           TEXT    NOT NULL,
    kafka_partition INTEGER NOT NULL,
    kafka_offset    INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    rejected_at     TEXT    NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
