"""The customer projection's statements on MySQL / MariaDB (JSON_TABLE)."""

from __future__ import annotations

from adapters.customers.sql import ProjectionSql
from adapters.engines.engine import Statement

# Notes that hold for every statement below:
# * PyMySQL substitutes parameters client-side for ``%s`` markers, in the order each Statement
#   declares; each parameter is therefore written exactly once in each statement (a value used
#   twice is selected once in a one-row derived table), and no statement holds a literal ``%``.
# * Rows travel as ONE JSON text parameter expanded by JSON_TABLE (MySQL 8.0.4+, MariaDB 10.6+).
#   Its text columns are declared wider than the table's columns: a value too long for the table
#   then fails the batch loudly in strict mode (MariaDB's JSON_TABLE silently cuts a value longer
#   than its own column, whatever ON ERROR says). Identifiers are read as utf8mb4_bin so that
#   they compare and sort exactly as the tables store them.
# * ``INSERT ... SELECT ... ON DUPLICATE KEY UPDATE`` is the upsert. VALUES(col) is the value the
#   row would have inserted. MySQL 8.0.20+ deprecates VALUES() there in favour of a row alias
#   (``AS new``), which MariaDB does not parse; VALUES() works on both, with only a deprecation
#   note in MySQL's warnings. Target columns are qualified with the table's name so that none
#   can be mistaken for a JSON_TABLE column of the same name.
# * The SELECT feeding an upsert is ordered by key: concurrent writers then lock rows in the same
#   order, which keeps them from deadlocking each other on the same customers. A deadlock that
#   still happens (1213) is transient and the batch is retried.
# The customers whose ids a JSON array of strings holds: '$' is each element itself.
_AMONG_THE_IDS = """WHERE customer_id IN (
    SELECT j.customer_id
    FROM JSON_TABLE(%s, '$[*]' COLUMNS (
        customer_id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$'
    )) AS j
)
"""


SQL = ProjectionSql(
    applied_offsets=Statement(
        """
SELECT topic, kafka_partition, last_offset
FROM consumer_offsets
WHERE consumer_group = %s
""",
        params=("consumer_group",),
    ),
    stored_versions=Statement(
        """
SELECT customer_id, version
FROM contact_state
"""
        + _AMONG_THE_IDS,
        params=("customer_ids_json",),
    ),
    # Read through the primary key; FOR UPDATE keeps them as read until the transaction ends;
    # in key order, as the upsert locks them (a deadlock between two instances during a
    # rebalance, 1213, is transient and the batch is retried).
    held_contacts=Statement(
        """
SELECT customer_id, version, name, phone, region, region_from_state,
       removed_at IS NOT NULL
FROM contact_state
"""
        + _AMONG_THE_IDS
        + """ORDER BY customer_id
FOR UPDATE
""",
        params=("customer_ids_json",),
    ),
    # Rows are processed one by one in the SELECT's order, like SQLite's: a customer sent twice
    # in one batch keeps the greater version, the first one on a tie.
    # MySQL evaluates the assignments of ON DUPLICATE KEY UPDATE from left to right, and each
    # one sees the columns already updated: ``version`` must therefore be assigned LAST, or
    # the comparisons after it would compare the incoming version with itself.
    # Personal data is kept only for contacts (removed = 0), whatever the JSON holds, so that a
    # removal marker never carries any: the CHECK constraint would refuse it anyway.
    write_contacts=Statement(
        """
INSERT INTO contact_state
    (customer_id, version, name, phone, region, region_from_state, removed_at, updated_at)
SELECT j.customer_id, j.version,
       CASE WHEN j.removed = 0 THEN j.name END,
       CASE WHEN j.removed = 0 THEN j.phone END,
       CASE WHEN j.removed = 0 THEN j.region END,
       CASE WHEN j.removed = 0 THEN j.region_from_state END,
       CASE WHEN j.removed = 1 THEN p.now_utc END,
       p.now_utc
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         batch_position FOR ORDINALITY,
         customer_id VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         version     VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]',
         name        VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[2]',
         phone       VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[3]',
         region      VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[4]',
         removed     INT PATH '$[5]' ERROR ON ERROR,
         region_from_state INT PATH '$[6]' ERROR ON ERROR
     )) AS j
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
ORDER BY j.customer_id, j.batch_position
ON DUPLICATE KEY UPDATE
    contact_state.name = IF(VALUES(version) > contact_state.version,
                            VALUES(name), contact_state.name),
    contact_state.phone = IF(VALUES(version) > contact_state.version,
                             VALUES(phone), contact_state.phone),
    contact_state.region = IF(VALUES(version) > contact_state.version,
                              VALUES(region), contact_state.region),
    contact_state.region_from_state = IF(VALUES(version) > contact_state.version,
                                         VALUES(region_from_state),
                                         contact_state.region_from_state),
    contact_state.removed_at = IF(VALUES(version) > contact_state.version,
                                  VALUES(removed_at), contact_state.removed_at),
    contact_state.updated_at = IF(VALUES(version) > contact_state.version,
                                  VALUES(updated_at), contact_state.updated_at),
    contact_state.version = IF(VALUES(version) > contact_state.version,
                               VALUES(version), contact_state.version)
""",
        params=("rows_json", "now"),
    ),
    # GREATEST keeps the maximum, so a late, older batch never moves an offset back.
    advance_offsets=Statement(
        """
INSERT INTO consumer_offsets
    (consumer_group, topic, kafka_partition, last_offset, updated_at)
SELECT g.consumer_group, j.topic, j.kafka_partition, j.last_offset, p.now_utc
FROM (SELECT %s AS consumer_group) AS g
CROSS JOIN JSON_TABLE(%s, '$[*]' COLUMNS (
         batch_position  FOR ORDINALITY,
         topic           VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         kafka_partition INT    PATH '$[1]' ERROR ON ERROR,
         last_offset     BIGINT PATH '$[2]' ERROR ON ERROR
     )) AS j
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
ORDER BY j.topic, j.kafka_partition, j.batch_position
ON DUPLICATE KEY UPDATE
    consumer_offsets.last_offset = GREATEST(consumer_offsets.last_offset, VALUES(last_offset)),
    consumer_offsets.updated_at = VALUES(updated_at)
""",
        params=("consumer_group", "rows_json", "now"),
    ),
    # The driver's affected-row count of a DELETE is the number of rows deleted.
    purge_removal_markers=Statement(
        """
DELETE FROM contact_state
WHERE removed_at IS NOT NULL AND removed_at < CAST(%s AS DATETIME(6))
""",
        params=("removed_before",),
    ),
    # Through the primary key, then suppressed_phones' (phone first) for each contact.
    suppressed_among=Statement(
        """
SELECT c.customer_id
FROM contact_state AS c
JOIN JSON_TABLE(%s, '$[*]' COLUMNS (
         customer_id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$'
     )) AS j ON j.customer_id = c.customer_id
WHERE c.removed_at IS NULL
  AND EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = c.phone)
""",
        params=("customer_ids_json",),
    ),
    # A plain INSERT: INSERT is the only right it needs.
    log_removals=Statement(
        """
INSERT INTO removal_log
    (customer_id, reason, version, topic, kafka_partition, kafka_offset, applied_at)
SELECT j.customer_id, j.reason, j.version, j.topic, j.kafka_partition, j.kafka_offset,
       p.now_utc
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         customer_id     VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         reason          VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]',
         version         VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[2]',
         topic           VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[3]',
         kafka_partition INT    PATH '$[4]' ERROR ON ERROR,
         kafka_offset    BIGINT PATH '$[5]' ERROR ON ERROR
     )) AS j
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
""",
        params=("rows_json", "now"),
    ),
    # A position recorded twice keeps its first customer: the duplicate's update assigns a
    # column to itself (as rejected_messages does; not INSERT IGNORE, which hides errors).
    record_subjects=Statement(
        """
INSERT INTO rejected_message_subjects (topic, kafka_partition, kafka_offset, customer_id)
SELECT j.topic, j.kafka_partition, j.kafka_offset, j.customer_id
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         batch_position  FOR ORDINALITY,
         topic           VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         kafka_partition INT    PATH '$[1]' ERROR ON ERROR,
         kafka_offset    BIGINT PATH '$[2]' ERROR ON ERROR,
         customer_id     VARCHAR(512)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[3]'
     )) AS j
ORDER BY j.topic, j.kafka_partition, j.kafka_offset, j.batch_position
ON DUPLICATE KEY UPDATE
    rejected_message_subjects.kafka_offset = rejected_message_subjects.kafka_offset
""",
        params=("rows_json",),
    ),
)
