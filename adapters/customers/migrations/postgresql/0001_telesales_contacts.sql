-- Bank 2 schema, version 1 (PostgreSQL 12 or later).
-- Same tables, columns, view and rules as migrations/sqlite/0001_telesales_contacts.sql.
--
-- The application applies this script itself at its first connection, in ONE transaction
-- (PostgreSQL DDL is transactional: a failure leaves nothing behind) together with its row in
-- schema_migrations, under pg_advisory_xact_lock so that instances starting together apply it
-- once. That needs the right to create tables in the schema. Where the application's login may
-- only read and write data, the schema owner applies it instead, with the CLI:
--     BANK2_URL=postgresql://<owner>@<host>/<database> python -m adapters.bank2 migrate
-- and then runs adapters/engines/postgresql/privileges.sql. The application finds nothing to
-- apply and needs no DDL rights.
--
-- Objects are created in the connection's current schema (the first one of search_path that
-- exists, normally public); the application's statements name them the same unqualified way.
--
-- contact_state holds one row per customer ever seen: a current contact (removed_at IS NULL)
-- or a removal marker (removed_at set, no personal data) that stops older events replayed later
-- from bringing the contact back.
--
-- Types, and why:
-- * Identifiers (customer ids, topics, consumer groups) and versions use the "C" collation:
--   comparisons are byte-wise and exact (like Kafka and SQLite), and a version key's text order
--   is its version order whatever the database's locale. The primary keys' indexes use it too.
-- * Versions are fixed-width keys (61 ASCII characters, domain.customers.versions.VERSION_KEY_LENGTH).
-- * varchar(n) counts characters, as the domain's limits do; a longer value fails the batch
--   loudly instead of being cut short. Names hold at most 120 characters (domain.customers.names).
-- * Times are timestamptz: an instant, stored as UTC whatever the session's TimeZone.

CREATE TABLE contact_state (
    customer_id varchar(128) COLLATE "C" NOT NULL,
    version     varchar(61)  COLLATE "C" NOT NULL,
    name        varchar(120),
    phone       varchar(16),
    region      varchar(12),
    removed_at  timestamptz,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT contact_state_pk PRIMARY KEY (customer_id),
    CONSTRAINT contact_state_marker_has_no_personal_data CHECK (
        (removed_at IS NULL AND name IS NOT NULL AND phone IS NOT NULL AND region IS NOT NULL)
        OR (removed_at IS NOT NULL AND name IS NULL AND phone IS NULL AND region IS NULL)
    ),
    CONSTRAINT contact_state_region CHECK (
        region IS NULL OR region IN ('Norte', 'Nordeste', 'Centro-Oeste', 'Sudeste', 'Sul')
    )
);

-- The retention purge reads only the markers.
CREATE INDEX contact_state_removed_at
    ON contact_state (removed_at) WHERE removed_at IS NOT NULL;

-- What telesales may read. A view runs with its owner's rights (PostgreSQL 15's security_invoker
-- is left off), so a role granted SELECT on it needs no right on contact_state.
CREATE VIEW telesales_contacts AS
    SELECT customer_id, name, phone, region
    FROM contact_state
    WHERE removed_at IS NULL;

-- Last offset applied per consumer group and partition, written in the same transaction as the
-- contacts: a redelivered record at or below it is a duplicate. 249 characters is Kafka's
-- longest topic name.
CREATE TABLE consumer_offsets (
    consumer_group  varchar(255) COLLATE "C" NOT NULL,
    topic           varchar(249) COLLATE "C" NOT NULL,
    kafka_partition integer      NOT NULL,
    last_offset     bigint       NOT NULL,
    updated_at      timestamptz  NOT NULL,
    CONSTRAINT consumer_offsets_pk PRIMARY KEY (consumer_group, topic, kafka_partition)
);

-- Where each rejected message is in Kafka, and why. No payload, no personal data.
CREATE TABLE IF NOT EXISTS rejected_messages (
    topic           varchar(249) COLLATE "C" NOT NULL,
    kafka_partition integer      NOT NULL,
    kafka_offset    bigint       NOT NULL,
    reason          varchar(40)  NOT NULL,
    rejected_at     timestamptz  NOT NULL,
    CONSTRAINT rejected_messages_pk PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
