-- Bank 2 schema, version 1 (MySQL 8.0.16 or later, MariaDB 10.6 or later, InnoDB).
-- Same tables, columns, view and rules as migrations/sqlite/0001_telesales_contacts.sql.
--
-- The application applies this script itself at its first connection (or, run as the schema
-- owner, `python -m adapters.bank2 migrate` does), statement by statement, under a named lock
-- (GET_LOCK), and records it in schema_migrations. That needs the CREATE,
-- CREATE VIEW, DROP (for CREATE OR REPLACE VIEW) and INDEX privileges on the database. Where
-- the application's account may only read and write data, a DBA applies it instead, connected
-- to the Bank 2 database:
--     mysql -h <host> -u <owner> -p <database> < adapters/customers/migrations/mysql/0001_telesales_contacts.sql
-- then creates and fills schema_migrations (its definition is in adapters/engines/mysql/session.py):
--     INSERT INTO schema_migrations (version, name, applied_at)
--     VALUES (1, '0001_telesales_contacts', UTC_TIMESTAMP(6));
-- The application then finds nothing to apply and needs no DDL rights.
--
-- DDL is not transactional here: every CREATE commits implicitly, so a failure half-way cannot be
-- rolled back. Each statement is therefore idempotent (IF NOT EXISTS, OR REPLACE) and a rerun
-- completes whatever a failed run left; the version is recorded only after all of them succeed.
-- MySQL 8.0 has no CREATE INDEX IF NOT EXISTS (MariaDB has): indexes are declared inside their
-- CREATE TABLE instead. MySQL before 8.0.16 parses CHECK constraints and ignores them.
--
-- contact_state holds one row per customer ever seen: a current contact (removed_at IS NULL)
-- or a removal marker (removed_at set, no personal data) that stops older events replayed later
-- from bringing the contact back.
--
-- Types, and why:
-- * Versions and Kafka topics are ASCII with the ascii_bin collation: byte order, so a version
--   key's text order is its version order (61 characters, domain.customers.versions.VERSION_KEY_LENGTH).
-- * Customer ids and consumer groups may hold any character: utf8mb4 with utf8mb4_bin, exact
--   like SQLite (case- and accent-sensitive). Both collations ignore trailing spaces in
--   comparisons (PAD SPACE); the decoders strip ids, so no two ids differ only by them.
-- * Names are utf8mb4 (Brazilian names carry accents; utf8mb3 would refuse emoji and rare CJK
--   characters). VARCHAR(n) counts characters, as the domain's 120-character limit does. The
--   case- and accent-insensitive collation lets telesales search names as they type them.
-- * Times are DATETIME(6) holding UTC, written by the application. Not TIMESTAMP: it ends in
--   2038 and converts values through the session's time zone, so a session with another
--   time_zone would read different instants.
-- * The session runs in strict mode (the application sets sql_mode=TRADITIONAL): a value too long
--   for its column fails the batch loudly instead of being cut short.

CREATE TABLE IF NOT EXISTS contact_state (
    customer_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    version     VARCHAR(61)  CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    name        VARCHAR(120) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    phone       VARCHAR(16)  CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    region      VARCHAR(12)  CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    removed_at  DATETIME(6)  NULL,
    updated_at  DATETIME(6)  NOT NULL,
    PRIMARY KEY (customer_id),
    -- MySQL has no partial index: markers are found by range, contacts (NULL) are skipped.
    INDEX contact_state_removed_at (removed_at),
    CONSTRAINT contact_state_marker_has_no_personal_data CHECK (
        (removed_at IS NULL AND name IS NOT NULL AND phone IS NOT NULL AND region IS NOT NULL)
        OR (removed_at IS NOT NULL AND name IS NULL AND phone IS NULL AND region IS NULL)
    ),
    CONSTRAINT contact_state_region CHECK (
        region IS NULL OR region IN ('Norte', 'Nordeste', 'Centro-Oeste', 'Sudeste', 'Sul')
    )
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- SQL SECURITY DEFINER (the default, spelled out): the view reads contact_state with its
-- creator's rights, so the telesales role needs SELECT on the view only, never on the table
-- (see adapters/engines/mysql/privileges.sql). The definer is the account that runs this
-- migration; dropping that account breaks the view.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW telesales_contacts AS
    SELECT customer_id, name, phone, region
    FROM contact_state
    WHERE removed_at IS NULL;

-- Last offset applied per consumer group and partition, written in the same transaction as the
-- contacts: a redelivered record at or below it is a duplicate. The key is 128 x 4 + 249 + 4
-- bytes, within InnoDB's 3,072-byte limit.
CREATE TABLE IF NOT EXISTS consumer_offsets (
    consumer_group  VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    topic           VARCHAR(249) CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    kafka_partition INT          NOT NULL,
    last_offset     BIGINT       NOT NULL,
    updated_at      DATETIME(6)  NOT NULL,
    PRIMARY KEY (consumer_group, topic, kafka_partition)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- Where each rejected message is in Kafka, and why. No payload, no personal data.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           VARCHAR(249) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kafka_partition INT          NOT NULL,
    kafka_offset    BIGINT       NOT NULL,
    reason          VARCHAR(40)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    rejected_at     DATETIME(6)  NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
