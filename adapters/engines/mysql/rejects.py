"""The rejected-messages ledger's statements on mysql: every consumer records the messages it
refused in one table, ``rejected_messages`` (where each sits and why; never its content)."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.engines.rejects import RejectSql

SQL = RejectSql(
    # Through the primary key (topic, kafka_partition, kafka_offset): one range scan per span.
    rejects_between=Statement(
        """
SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         topic           VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         kafka_partition INT    PATH '$[1]' ERROR ON ERROR,
         first_offset    BIGINT PATH '$[2]' ERROR ON ERROR,
         last_offset     BIGINT PATH '$[3]' ERROR ON ERROR
     )) AS s
JOIN rejected_messages AS r
  ON r.topic = s.topic AND r.kafka_partition = s.kafka_partition
 AND r.kafka_offset BETWEEN s.first_offset AND s.last_offset
""",
        params=("spans_json",),
    ),
    # A message rejected twice keeps its first record: the duplicate's update assigns a column
    # to itself. Not INSERT IGNORE, which would also turn errors (a value too long, a bad
    # type) into warnings and let the batch commit without them.
    record_rejects=Statement(
        """
INSERT INTO rejected_messages (topic, kafka_partition, kafka_offset, reason, rejected_at)
SELECT j.topic, j.kafka_partition, j.kafka_offset, j.reason, p.now_utc
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         batch_position  FOR ORDINALITY,
         topic           VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         kafka_partition INT    PATH '$[1]' ERROR ON ERROR,
         kafka_offset    BIGINT PATH '$[2]' ERROR ON ERROR,
         reason          VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[3]'
     )) AS j
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
ORDER BY j.topic, j.kafka_partition, j.kafka_offset, j.batch_position
ON DUPLICATE KEY UPDATE
    rejected_messages.kafka_offset = rejected_messages.kafka_offset
""",
        params=("rows_json", "now"),
    ),
)
