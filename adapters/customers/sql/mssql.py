"""The customer projection's statements on Azure SQL / SQL Server (OPENJSON, MERGE)."""

from __future__ import annotations

from adapters.customers.sql import ProjectionSql
from adapters.engines.engine import Statement

# T-SQL notes that hold for every statement below:
# * Rows travel as ONE NVARCHAR(MAX) JSON parameter expanded by OPENJSON, because a
#   request takes at most 2,100 parameters and a batch must cost one round trip whatever its
#   size. Arrays are read by position ('$[0]'...). OPENJSON needs compatibility level >= 130.
# * ``DECLARE @x ... = ?`` prologues name the positional parameters, in the order each
#   Statement declares them, so a value can be used twice, and fix the JSON's type as
#   NVARCHAR(MAX) however the driver binds a long string.
# * OPENJSON's text columns are declared wider than the table's (JSON_VALUE returns up to
#   NVARCHAR(4000)): a value too long for its column then fails the batch loudly (error 2628)
#   instead of being cut short silently.
# * JSON values carry the database's default collation, often case-insensitive, while
#   identifiers and versions are stored in Latin1_General_BIN2 (exact, and text order = version
#   order). Incoming keys are therefore collated to Latin1_General_BIN2 before they are compared,
#   grouped or ordered; mixing two collations would also fail with error 468.
# * MERGE ... WITH (HOLDLOCK) runs the MERGE serializable: the key-range lock stops two
#   instances racing on a customer that is not there yet from both inserting it (the loser
#   waits, then updates or skips). A deadlock between them (1205) is transient and retried.
# * MERGE must end with a semicolon; the statement before a WITH (CTE) must end with one too.
# * MERGE fails (8672) if two source rows hit one target row, so each source is deduplicated
#   per key first, keeping what SQLite keeps (the newest version, the first on a tie).
SQL = ProjectionSql(
    applied_offsets=Statement(
        """
SELECT topic, kafka_partition, last_offset
FROM dbo.consumer_offsets
WHERE consumer_group = ?;
""",
        params=("consumer_group",),
    ),
    # UPDLOCK, HOLDLOCK: the rows read (and the key ranges of those not there) stay locked
    # until the transaction ends, so the upsert writes over exactly what was read.
    held_contacts=Statement(
        """
DECLARE @customer_ids_json NVARCHAR(MAX) = ?;
SELECT customer_id, version, name, phone, region, region_from_state,
       CAST(CASE WHEN removed_at IS NULL THEN 0 ELSE 1 END AS BIT) AS removed
FROM dbo.contact_state WITH (UPDLOCK, HOLDLOCK)
WHERE customer_id IN (
    SELECT CAST(j.[value] AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
    FROM OPENJSON(@customer_ids_json) AS j
);
""",
        params=("customer_ids_json",),
    ),
    # OPENJSON's default schema gives each row's JSON text ([value]) and its position in the
    # array ([key]), the tie-breaker for equal versions. (OPENJSON ... WITH over one row's array
    # would iterate the row's elements instead, so its fields are read with JSON_VALUE.)
    # DATETIME2 has no offset: @now is naive UTC (see MssqlEngine.timestamp).
    write_contacts=Statement(
        """
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT JSON_VALUE(r.[value], '$[0]') COLLATE Latin1_General_BIN2 AS customer_id,
           JSON_VALUE(r.[value], '$[1]') COLLATE Latin1_General_BIN2 AS version,
           JSON_VALUE(r.[value], '$[2]') AS name,
           JSON_VALUE(r.[value], '$[3]') AS phone,
           JSON_VALUE(r.[value], '$[4]') AS region,
           CAST(JSON_VALUE(r.[value], '$[5]') AS BIT) AS removed,
           CAST(JSON_VALUE(r.[value], '$[6]') AS BIT) AS region_from_state,
           CAST(r.[key] AS INT) AS batch_position
    FROM OPENJSON(@rows_json) AS r
), ranked AS (
    SELECT customer_id, version, name, phone, region, removed, region_from_state,
           ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY version DESC, batch_position
           ) AS rank_in_batch
    FROM incoming
)
MERGE dbo.contact_state WITH (HOLDLOCK) AS t
USING (
    SELECT customer_id, version, name, phone, region, removed, region_from_state
    FROM ranked
    WHERE rank_in_batch = 1
) AS s
ON t.customer_id = s.customer_id
WHEN MATCHED AND s.version > t.version THEN UPDATE SET
    version = s.version, name = s.name, phone = s.phone, region = s.region,
    region_from_state = s.region_from_state,
    removed_at = CASE WHEN s.removed = 1 THEN @now END,
    updated_at = @now
WHEN NOT MATCHED THEN
    INSERT (customer_id, version, name, phone, region, region_from_state, removed_at,
            updated_at)
    VALUES (s.customer_id, s.version, s.name, s.phone, s.region, s.region_from_state,
            CASE WHEN s.removed = 1 THEN @now END, @now)
OUTPUT inserted.customer_id;
""",
        params=("rows_json", "now"),
    ),
    # MERGE's OUTPUT names the rows it inserted or updated (not those its AND condition
    # skipped): no need to read the stored versions first.
    stored_versions=None,
    # The group is a source column, not a filter in ON: MERGE's documentation warns that
    # filtering the target in ON can give wrong results. Offsets keep their maximum (there is
    # no GREATEST before SQL Server 2022), so a late, older batch never moves them back.
    advance_offsets=Statement(
        """
DECLARE @consumer_group NVARCHAR(4000) = ?;
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT @consumer_group COLLATE Latin1_General_BIN2 AS consumer_group,
           j.topic COLLATE Latin1_General_BIN2 AS topic, j.kafka_partition, j.last_offset
    FROM OPENJSON(@rows_json) WITH (
        topic           NVARCHAR(4000) '$[0]',
        kafka_partition INT            '$[1]',
        last_offset     BIGINT         '$[2]'
    ) AS j
)
MERGE dbo.consumer_offsets WITH (HOLDLOCK) AS t
USING (
    SELECT consumer_group, topic, kafka_partition, MAX(last_offset) AS last_offset
    FROM incoming
    GROUP BY consumer_group, topic, kafka_partition
) AS s
ON t.consumer_group = s.consumer_group AND t.topic = s.topic
   AND t.kafka_partition = s.kafka_partition
WHEN MATCHED THEN UPDATE SET
    last_offset = CASE WHEN s.last_offset > t.last_offset THEN s.last_offset
                       ELSE t.last_offset END,
    updated_at = @now
WHEN NOT MATCHED THEN
    INSERT (consumer_group, topic, kafka_partition, last_offset, updated_at)
    VALUES (s.consumer_group, s.topic, s.kafka_partition, s.last_offset, @now);
""",
        params=("consumer_group", "rows_json", "now"),
    ),
    # No prologue: the caller reads the DELETE's row count, the batch's first and only one.
    purge_removal_markers=Statement(
        """
DELETE FROM dbo.contact_state
WHERE removed_at IS NOT NULL AND removed_at < ?;
""",
        params=("removed_before",),
    ),
    # Through the primary key, then suppressed_phones' (phone first) for each contact.
    suppressed_among=Statement(
        """
DECLARE @customer_ids_json NVARCHAR(MAX) = ?;
SELECT c.customer_id
FROM dbo.contact_state AS c
WHERE c.customer_id IN (
    SELECT CAST(j.[value] AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
    FROM OPENJSON(@customer_ids_json) AS j
)
  AND c.removed_at IS NULL
  AND EXISTS (SELECT 1 FROM dbo.suppressed_phones AS s WHERE s.phone = c.phone);
""",
        params=("customer_ids_json",),
    ),
    # A plain INSERT: INSERT is the only permission it needs.
    log_removals=Statement(
        """
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
INSERT INTO dbo.removal_log
    (customer_id, reason, version, topic, kafka_partition, kafka_offset, applied_at)
SELECT j.customer_id, j.reason, j.version, j.topic, j.kafka_partition, j.kafka_offset, @now
FROM OPENJSON(@rows_json) WITH (
    customer_id     NVARCHAR(4000) '$[0]',
    reason          NVARCHAR(4000) '$[1]',
    version         NVARCHAR(4000) '$[2]',
    topic           NVARCHAR(4000) '$[3]',
    kafka_partition INT            '$[4]',
    kafka_offset    BIGINT         '$[5]'
) AS j;
""",
        params=("rows_json", "now"),
    ),
    # A position recorded twice keeps its first customer: only missing keys are inserted.
    record_subjects=Statement(
        """
DECLARE @rows_json NVARCHAR(MAX) = ?;
WITH incoming AS (
    SELECT j.topic COLLATE Latin1_General_BIN2 AS topic, j.kafka_partition, j.kafka_offset,
           j.customer_id COLLATE Latin1_General_BIN2 AS customer_id
    FROM OPENJSON(@rows_json) WITH (
        topic           NVARCHAR(4000) '$[0]',
        kafka_partition INT            '$[1]',
        kafka_offset    BIGINT         '$[2]',
        customer_id     NVARCHAR(4000) '$[3]'
    ) AS j
)
MERGE dbo.rejected_message_subjects WITH (HOLDLOCK) AS t
USING (
    SELECT topic, kafka_partition, kafka_offset, MIN(customer_id) AS customer_id
    FROM incoming
    GROUP BY topic, kafka_partition, kafka_offset
) AS s
ON t.topic = s.topic AND t.kafka_partition = s.kafka_partition
   AND t.kafka_offset = s.kafka_offset
WHEN NOT MATCHED THEN
    INSERT (topic, kafka_partition, kafka_offset, customer_id)
    VALUES (s.topic, s.kafka_partition, s.kafka_offset, s.customer_id);
""",
        params=("rows_json",),
    ),
)
