-- Bank 2 schema, version 6 (MySQL 8.0.16+ / MariaDB 10.6+): the records the LGPD asks of Bank 2
-- (docs/lgpd.md). Same tables, columns, view and rules as migrations/sqlite/0006_lgpd_records.sql.
-- Types follow 0001: identifiers and versions compared byte-wise, phones as contact_state's
-- (ascii_bin, so that the view's lookup uses the index), times as DATETIME(6) in UTC.
--
-- removal_log: proof of erasure, one row per removal applied, no name, no phone; only ever
-- appended, in the transaction of what it records (the functions' account may only INSERT into
-- it: adapters/engines/mysql/privileges.sql). InnoDB gives it a hidden row id as its key.
CREATE TABLE IF NOT EXISTS removal_log (
    customer_id      VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    reason           VARCHAR(16)  CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    version          VARCHAR(61)  CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    topic            VARCHAR(249) CHARACTER SET ascii   COLLATE ascii_bin   NULL,
    kafka_partition  INT          NULL,
    kafka_offset     BIGINT       NULL,
    list_name        VARCHAR(64)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    list_exported_on DATE         NULL,
    applied_at       DATETIME(6)  NOT NULL,
    INDEX removal_log_customer (customer_id, applied_at),
    INDEX removal_log_applied_at (applied_at),
    CONSTRAINT removal_log_reason
        CHECK (reason IN ('deleted', 'inactive', 'opted_out', 'withdrawn', 'do_not_call')),
    CONSTRAINT removal_log_source CHECK (
        (topic IS NOT NULL AND kafka_partition IS NOT NULL AND kafka_offset IS NOT NULL
         AND list_name IS NULL AND list_exported_on IS NULL)
        OR (topic IS NULL AND kafka_partition IS NULL AND kafka_offset IS NULL
            AND list_name IS NOT NULL AND list_exported_on IS NOT NULL
            AND reason = 'do_not_call')
    )
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- Which customer a rejected message was about, where it named one that could be read.
CREATE TABLE IF NOT EXISTS rejected_message_subjects (
    topic           VARCHAR(249) CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    kafka_partition INT          NOT NULL,
    kafka_offset    BIGINT       NOT NULL,
    customer_id     VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset),
    INDEX rejected_message_subjects_customer (customer_id)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- Do-not-call lists: the export loaded last of each list, and its phones (see the SQLite script).
CREATE TABLE IF NOT EXISTS do_not_call_lists (
    list_name   VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    exported_on DATE        NOT NULL,
    load_number INT         NOT NULL,
    file_sha256 CHAR(64)    CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    phones      INT         NOT NULL,
    loaded_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (list_name)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;
CREATE TABLE IF NOT EXISTS suppressed_phones (
    phone     VARCHAR(16) CHARACTER SET ascii   COLLATE ascii_bin   NOT NULL,
    list_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    listed_on DATE        NOT NULL,
    added_in  INT         NOT NULL,
    seen_in   INT         NOT NULL,
    PRIMARY KEY (phone, list_name),
    INDEX suppressed_phones_list (list_name, seen_in)
) ENGINE = InnoDB DEFAULT CHARACTER SET = utf8mb4 COLLATE = utf8mb4_bin;

-- Telesales never see a contact whose phone a do-not-call list holds; same four columns.
CREATE OR REPLACE SQL SECURITY DEFINER VIEW telesales_contacts AS
    SELECT c.customer_id, c.name, c.phone, c.region
    FROM contact_state AS c
    WHERE c.removed_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = c.phone);
