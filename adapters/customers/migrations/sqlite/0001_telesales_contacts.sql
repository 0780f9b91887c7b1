-- Bank 2 schema, version 1 (SQLite).
-- contact_state holds one row per customer ever seen: a current contact (removed_at IS NULL)
-- or a removal marker (removed_at set, no personal data) that stops older events replayed later
-- from bringing the contact back. Versions are fixed-width text keys, compared with BINARY order.

CREATE TABLE IF NOT EXISTS contact_state (
    customer_id TEXT NOT NULL PRIMARY KEY,
    version     TEXT NOT NULL,
    name        TEXT,
    phone       TEXT,
    region      TEXT,
    removed_at  TEXT,
    updated_at  TEXT NOT NULL,
    CHECK (
        (removed_at IS NULL AND name IS NOT NULL AND phone IS NOT NULL AND region IS NOT NULL)
        OR (removed_at IS NOT NULL AND name IS NULL AND phone IS NULL AND region IS NULL)
    ),
    CHECK (region IS NULL OR region IN ('Norte', 'Nordeste', 'Centro-Oeste', 'Sudeste', 'Sul'))
);

CREATE INDEX IF NOT EXISTS contact_state_removed_at
    ON contact_state (removed_at) WHERE removed_at IS NOT NULL;

CREATE VIEW IF NOT EXISTS telesales_contacts AS
    SELECT customer_id, name, phone, region
    FROM contact_state
    WHERE removed_at IS NULL;

-- Last offset applied per consumer group and partition, written in the same transaction as the
-- contacts: a redelivered record at or below it is a duplicate.
CREATE TABLE IF NOT EXISTS consumer_offsets (
    consumer_group  TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    kafka_partition INTEGER NOT NULL,
    last_offset     INTEGER NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);

-- Where each rejected message is in Kafka, and why. No payload, no personal data.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           TEXT    NOT NULL,
    kafka_partition INTEGER NOT NULL,
    kafka_offset    INTEGER NOT NULL,
    reason          TEXT    NOT NULL,
    rejected_at     TEXT    NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
