-- Bank 2 schema, version 6 (PostgreSQL): the records the LGPD asks of Bank 2 (docs/lgpd.md).
-- Same tables, columns, view and rules as migrations/sqlite/0006_lgpd_records.sql; applied like
-- 0001, in one transaction. Types follow 0001: identifiers and versions in the "C" collation,
-- phones as contact_state's (so that the view's lookup compares them as stored), times as
-- timestamptz, list dates as date.
--
-- removal_log: proof of erasure, one row per removal applied, no name, no phone; only ever
-- appended, in the transaction of what it records (the functions' login may only INSERT into
-- it: adapters/engines/postgresql/privileges.sql).
CREATE TABLE IF NOT EXISTS removal_log (
    customer_id      varchar(128) COLLATE "C" NOT NULL,
    reason           varchar(16)  NOT NULL,
    version          varchar(61)  COLLATE "C" NOT NULL,
    topic            varchar(249) COLLATE "C",
    kafka_partition  integer,
    kafka_offset     bigint,
    list_name        varchar(64)  COLLATE "C",
    list_exported_on date,
    applied_at       timestamptz  NOT NULL,
    CONSTRAINT removal_log_reason
        CHECK (reason IN ('deleted', 'inactive', 'opted_out', 'withdrawn', 'do_not_call')),
    CONSTRAINT removal_log_source CHECK (
        (topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL
         AND list_name IS NULL AND list_exported_on IS NULL)
        OR (topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL
            AND list_name IS NOT NULL AND list_exported_on IS NOT NULL
            AND reason = 'do_not_call')
    )
);
CREATE INDEX IF NOT EXISTS removal_log_customer ON removal_log (customer_id, applied_at);
CREATE INDEX IF NOT EXISTS removal_log_applied_at ON removal_log (applied_at);

-- Which customer a rejected message was about, where it named one that could be read.
CREATE TABLE IF NOT EXISTS rejected_message_subjects (
    topic           varchar(249) COLLATE "C" NOT NULL,
    kafka_partition integer      NOT NULL,
    kafka_offset    bigint       NOT NULL,
    customer_id     varchar(128) COLLATE "C" NOT NULL,
    CONSTRAINT rejected_message_subjects_pk PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
CREATE INDEX IF NOT EXISTS rejected_message_subjects_customer
    ON rejected_message_subjects (customer_id);

-- Do-not-call lists: the export loaded last of each list, and its phones (see the SQLite script).
CREATE TABLE IF NOT EXISTS do_not_call_lists (
    list_name   varchar(64) COLLATE "C" NOT NULL,
    exported_on date        NOT NULL,
    load_number integer     NOT NULL,
    file_sha256 char(64)    NOT NULL,
    phones      integer     NOT NULL,
    loaded_at   timestamptz NOT NULL,
    CONSTRAINT do_not_call_lists_pk PRIMARY KEY (list_name)
);
CREATE TABLE IF NOT EXISTS suppressed_phones (
    phone     varchar(16) NOT NULL,
    list_name varchar(64) COLLATE "C" NOT NULL,
    listed_on date        NOT NULL,
    added_in  integer     NOT NULL,
    seen_in   integer     NOT NULL,
    CONSTRAINT suppressed_phones_pk PRIMARY KEY (phone, list_name)
);
CREATE INDEX IF NOT EXISTS suppressed_phones_list ON suppressed_phones (list_name, seen_in);

-- Telesales never see a contact whose phone a do-not-call list holds; same four columns, so
-- CREATE OR REPLACE keeps the view's grants.
--
-- OFFSET 0 keeps the planner from turning NOT EXISTS into an anti-join: with a list larger than
-- the contacts (Procon-SP's has 3.5M numbers), the join estimator assumes every contact's phone
-- is listed and estimates one row, so a page of the view (ORDER BY customer_id LIMIT 1000) would
-- hash both tables whole (3.3 s at 1M contacts). As a subplan, each contact costs one probe of
-- suppressed_phones' primary key: a page takes milliseconds, a count of 1M contacts a few
-- seconds (docs/capacity.md, "Do-not-call lists").
CREATE OR REPLACE VIEW telesales_contacts AS
    SELECT c.customer_id, c.name, c.phone, c.region
    FROM contact_state AS c
    WHERE c.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = c.phone OFFSET 0);
