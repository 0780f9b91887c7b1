"""The rejected-messages ledger's statements on sqlite: every consumer records the messages it
refused in one table, ``rejected_messages`` (where each sits and why; never its content)."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.engines.rejects import RejectSql

SQL = RejectSql(
    rejects_between=Statement(
        """
        SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason
        FROM json_each(?1) AS s
        JOIN rejected_messages AS r
          ON r.topic = json_extract(s.value, '$[0]')
         AND r.kafka_partition = json_extract(s.value, '$[1]')
         AND r.kafka_offset BETWEEN json_extract(s.value, '$[2]') AND json_extract(s.value, '$[3]')
    """,
        params=("spans_json",),
    ),
    record_rejects=Statement(
        """
        INSERT INTO rejected_messages (topic, kafka_partition, kafka_offset, reason, rejected_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), json_extract(value, '$[3]'), ?2
        FROM json_each(?1) WHERE true
        ON CONFLICT DO NOTHING
    """,
        params=("rows_json", "now"),
    ),
)
