"""The customer projection's statements on PostgreSQL (jsonb_array_elements)."""

from __future__ import annotations

from adapters.customers.sql import ProjectionSql
from adapters.engines.engine import Statement

# Notes that hold for every statement below:
# * Rows travel as ONE jsonb parameter expanded by jsonb_array_elements: one round trip per
#   statement whatever the batch size, and no limit on the number of parameters. Each row is a
#   JSON array read by position (item ->> 0 ...); ->> gives text, and SQL NULL for JSON null.
# * psycopg binds positional %s placeholders in the order they appear and cannot reuse one, so
#   each statement first selects its parameters, in the order its Statement declares, as the
#   one-row ``params`` relation, then refers to them by name.
# * The key columns use the "C" collation (see the migration): a key compared with a text value
#   compares byte-wise, because a column's collation wins over an expression's default one.
#   Where two JSON values are ordered among themselves, COLLATE "C" is written out.
# * INSERT ... ON CONFLICT ... DO UPDATE is atomic per row under READ COMMITTED: a writer that
#   meets a row another transaction is inserting or updating waits for it, then updates the
#   committed row or skips it; the WHERE clause sees that latest row. The rows are inserted in
#   key order so that two writers lock shared keys in the same order, which makes deadlocks
#   rare; one that still happens (40P01) is transient and the batch is retried.
# * ON CONFLICT DO UPDATE refuses to touch a row twice in one statement (error 21000), so each
#   batch is first reduced to one row per key.
SQL = ProjectionSql(
    applied_offsets=Statement(
        """
SELECT topic, kafka_partition, last_offset
FROM consumer_offsets
WHERE consumer_group = %s
""",
        params=("consumer_group",),
    ),
    # FOR UPDATE keeps them as read until the transaction ends; in key order, as the upsert
    # locks them. Two instances locking in two statements can still deadlock during a
    # rebalance: 40P01 is transient, and the batch is retried.
    held_contacts=Statement(
        """
SELECT customer_id, version, name, phone, region, region_from_state,
       removed_at IS NOT NULL
FROM contact_state
WHERE customer_id = ANY (ARRAY(SELECT jsonb_array_elements_text(%s::jsonb)))
ORDER BY customer_id
FOR UPDATE
""",
        params=("customer_ids_json",),
    ),
    # The newest version of each customer in the batch, the first one on a tie: what SQLite keeps
    # when it applies the rows one after the other.
    write_contacts=Statement(
        """
WITH params AS (
    SELECT %s::jsonb AS rows_json, %s::timestamptz AS now
), incoming AS (
    SELECT r.item ->> 0 AS customer_id, r.item ->> 1 AS version,
           r.item ->> 2 AS name, r.item ->> 3 AS phone, r.item ->> 4 AS region,
           (r.item ->> 5)::integer = 1 AS removed,
           (r.item ->> 6)::integer = 1 AS region_from_state, r.batch_position
    FROM params AS p
    CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) WITH ORDINALITY
        AS r (item, batch_position)
), newest AS (
    SELECT DISTINCT ON (customer_id COLLATE "C") *
    FROM incoming
    ORDER BY customer_id COLLATE "C", version COLLATE "C" DESC, batch_position
)
INSERT INTO contact_state AS t
    (customer_id, version, name, phone, region, region_from_state, removed_at, updated_at)
SELECT n.customer_id, n.version, n.name, n.phone, n.region, n.region_from_state,
       CASE WHEN n.removed THEN p.now END, p.now
FROM newest AS n CROSS JOIN params AS p
ORDER BY n.customer_id COLLATE "C"
ON CONFLICT (customer_id) DO UPDATE SET
    version = excluded.version, name = excluded.name, phone = excluded.phone,
    region = excluded.region, region_from_state = excluded.region_from_state,
    removed_at = excluded.removed_at, updated_at = excluded.updated_at
WHERE excluded.version > t.version
RETURNING t.customer_id, EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = t.phone)
""",
        params=("rows_json", "now"),
    ),
    # The upsert's RETURNING names the rows it wrote, and which of their contacts a do-not-call
    # list holds (a removal marker has no phone, so it never matches): no need to read the
    # versions first, nor to ask about the phones afterwards.
    stored_versions=None,
    # GREATEST keeps the stored offset when a late, older batch arrives: offsets never go back.
    advance_offsets=Statement(
        """
WITH params AS (
    SELECT %s::text AS consumer_group, %s::jsonb AS rows_json, %s::timestamptz AS now
), incoming AS (
    SELECT r.item ->> 0 AS topic, (r.item ->> 1)::integer AS kafka_partition,
           max((r.item ->> 2)::bigint) AS last_offset
    FROM params AS p
    CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) AS r (item)
    GROUP BY 1, 2
)
INSERT INTO consumer_offsets AS t
    (consumer_group, topic, kafka_partition, last_offset, updated_at)
SELECT p.consumer_group, i.topic, i.kafka_partition, i.last_offset, p.now
FROM incoming AS i CROSS JOIN params AS p
ORDER BY i.topic COLLATE "C", i.kafka_partition
ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE SET
    last_offset = GREATEST(t.last_offset, excluded.last_offset),
    updated_at = excluded.updated_at
""",
        params=("consumer_group", "rows_json", "now"),
    ),
    purge_removal_markers=Statement(
        """
DELETE FROM contact_state
WHERE removed_at IS NOT NULL AND removed_at < %s::timestamptz
""",
        params=("removed_before",),
    ),
    suppressed_among=None,
    # A plain INSERT (no ON CONFLICT, no RETURNING): INSERT is the only right it needs.
    log_removals=Statement(
        """
WITH params AS (
    SELECT %s::jsonb AS rows_json, %s::timestamptz AS now
)
INSERT INTO removal_log
    (customer_id, reason, version, topic, kafka_partition, kafka_offset, applied_at)
SELECT r.item ->> 0, r.item ->> 1, r.item ->> 2, r.item ->> 3,
       (r.item ->> 4)::integer, (r.item ->> 5)::bigint, p.now
FROM params AS p
CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) AS r (item)
""",
        params=("rows_json", "now"),
    ),
    record_subjects=Statement(
        """
INSERT INTO rejected_message_subjects (topic, kafka_partition, kafka_offset, customer_id)
SELECT r.item ->> 0, (r.item ->> 1)::integer, (r.item ->> 2)::bigint, r.item ->> 3
FROM jsonb_array_elements(%s::jsonb) AS r (item)
ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
""",
        params=("rows_json",),
    ),
)
