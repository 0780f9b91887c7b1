-- Bank 2 schema, version 6 (SQLite): the records the LGPD asks of Bank 2 (docs/lgpd.md).
--
-- removal_log: proof of erasure. One row per removal Bank 2 applied: the customer, why, the
-- version of the change, and where it came from: the Kafka message (topic, partition, offset)
-- or the do-not-call list (name and export date) whose load suppressed the contact's phone. No
-- name, no phone. Rows are only ever appended, in the transaction of what they record; a
-- retention command deletes the old ones (BANK2_REMOVAL_LOG_RETENTION_DAYS).
CREATE TABLE IF NOT EXISTS removal_log (
    customer_id      TEXT    NOT NULL,
    reason           TEXT    NOT NULL
        CHECK (reason IN ('deleted', 'inactive', 'opted_out', 'withdrawn', 'do_not_call')),
    version          TEXT    NOT NULL,
    topic            TEXT,
    kafka_partition  INTEGER,
    kafka_offset     INTEGER,
    list_name        TEXT,
    list_exported_on TEXT,
    applied_at       TEXT    NOT NULL,
    CHECK (
        (topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL
         AND list_name IS NULL AND list_exported_on IS NULL)
        OR (topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL
            AND list_name IS NOT NULL AND list_exported_on IS NOT NULL
            AND reason = 'do_not_call')
    )
);
CREATE INDEX IF NOT EXISTS removal_log_customer ON removal_log (customer_id, applied_at);
CREATE INDEX IF NOT EXISTS removal_log_applied_at ON removal_log (applied_at);

-- Which customer a rejected message was about, where the message named one that could be read:
-- the data subject report lists them. The message's content is never kept.
CREATE TABLE IF NOT EXISTS rejected_message_subjects (
    topic           TEXT    NOT NULL,
    kafka_partition INTEGER NOT NULL,
    kafka_offset    INTEGER NOT NULL,
    customer_id     TEXT    NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX IF NOT EXISTS rejected_message_subjects_customer
    ON rejected_message_subjects (customer_id);

-- Do-not-call lists ("Não Me Perturbe", Procon-SP's "Não Me Ligue"...): the export loaded last
-- of each list, and its phones in E.164. A newer export of a list replaces the older one: a load
-- numbers itself (load_number), marks each phone it holds (seen_in) and deletes the phones it
-- no longer holds; added_in tells the phones this load added, whose contacts it suppressed.
CREATE TABLE IF NOT EXISTS do_not_call_lists (
    list_name   TEXT    NOT NULL PRIMARY KEY,
    exported_on TEXT    NOT NULL,
    load_number INTEGER NOT NULL,
    file_sha256 TEXT    NOT NULL,
    phones      INTEGER NOT NULL,
    loaded_at   TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS suppressed_phones (
    phone     TEXT    NOT NULL,
    list_name TEXT    NOT NULL,
    listed_on TEXT    NOT NULL,
    added_in  INTEGER NOT NULL,
    seen_in   INTEGER NOT NULL,
    PRIMARY KEY (phone, list_name)
);
CREATE INDEX IF NOT EXISTS suppressed_phones_list ON suppressed_phones (list_name, seen_in);

-- Telesales never see a contact whose phone a do-not-call list holds. The contact stays in
-- contact_state: when the list no longer holds the phone, the view shows it again. Same four
-- columns as before.
DROP VIEW IF EXISTS telesales_contacts;
CREATE VIEW telesales_contacts AS
    SELECT c.customer_id, c.name, c.phone, c.region
    FROM contact_state AS c
    WHERE c.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = c.phone);
