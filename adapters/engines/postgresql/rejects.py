"""The rejected-messages ledger's statements on postgresql: every consumer records the messages it
refused in one table, ``rejected_messages`` (where each sits and why; never its content)."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.engines.rejects import RejectSql

SQL = RejectSql(
    # Through the primary key (topic, kafka_partition, kafka_offset): one range scan per span.
    rejects_between=Statement(
        """
SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason
FROM jsonb_array_elements(%s::jsonb) AS s (item)
JOIN rejected_messages AS r
  ON r.topic = s.item ->> 0
 AND r.kafka_partition = (s.item ->> 1)::integer
 AND r.kafka_offset BETWEEN (s.item ->> 2)::bigint AND (s.item ->> 3)::bigint
""",
        params=("spans_json",),
    ),
    # DO NOTHING also skips a key repeated within the batch, so the first record of a message,
    # in this batch or an earlier one, is the one kept.
    record_rejects=Statement(
        """
INSERT INTO rejected_messages (topic, kafka_partition, kafka_offset, reason, rejected_at)
SELECT r.item ->> 0, (r.item ->> 1)::integer, (r.item ->> 2)::bigint, r.item ->> 3, p.now
FROM (SELECT %s::jsonb AS rows_json, %s::timestamptz AS now) AS p
CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) WITH ORDINALITY
    AS r (item, batch_position)
ORDER BY r.batch_position
ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
""",
        params=("rows_json", "now"),
    ),
)
