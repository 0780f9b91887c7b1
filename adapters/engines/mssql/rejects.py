"""The rejected-messages ledger's statements on mssql: every consumer records the messages it
refused in one table, ``rejected_messages`` (where each sits and why; never its content)."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.engines.rejects import RejectSql

SQL = RejectSql(
    # Through the primary key (topic, kafka_partition, kafka_offset): one range seek per span.
    rejects_between=Statement(
        """
DECLARE @spans_json NVARCHAR(MAX) = ?;
SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason
FROM OPENJSON(@spans_json) WITH (
    topic           NVARCHAR(4000) '$[0]',
    kafka_partition INT            '$[1]',
    first_offset    BIGINT         '$[2]',
    last_offset     BIGINT         '$[3]'
) AS s
JOIN dbo.rejected_messages AS r
  ON r.topic = s.topic COLLATE Latin1_General_BIN2 AND r.kafka_partition = s.kafka_partition
 AND r.kafka_offset BETWEEN s.first_offset AND s.last_offset;
""",
        params=("spans_json",),
    ),
    # A message rejected twice keeps its first record: only missing keys are inserted.
    record_rejects=Statement(
        """
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT j.topic COLLATE Latin1_General_BIN2 AS topic, j.kafka_partition, j.kafka_offset,
           j.reason
    FROM OPENJSON(@rows_json) WITH (
        topic           NVARCHAR(4000) '$[0]',
        kafka_partition INT            '$[1]',
        kafka_offset    BIGINT         '$[2]',
        reason          NVARCHAR(4000) '$[3]'
    ) AS j
)
MERGE dbo.rejected_messages WITH (HOLDLOCK) AS t
USING (
    SELECT topic, kafka_partition, kafka_offset, MIN(reason) AS reason
    FROM incoming
    GROUP BY topic, kafka_partition, kafka_offset
) AS s
ON t.topic = s.topic AND t.kafka_partition = s.kafka_partition
   AND t.kafka_offset = s.kafka_offset
WHEN NOT MATCHED THEN
    INSERT (topic, kafka_partition, kafka_offset, reason, rejected_at)
    VALUES (s.topic, s.kafka_partition, s.kafka_offset, s.reason, @now);
""",
        params=("rows_json", "now"),
    ),
)
