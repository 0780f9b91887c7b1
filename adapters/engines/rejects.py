"""The rejected-messages ledger that every consumer shares: its statements and its store.

Each consumer records the messages it refused in one table, ``rejected_messages``: where each
sits in Kafka (topic, partition, offset) and why (a reason code), never its content. A consumer
adds nothing for it: its store hands its rejects to ``SqlRejects``, on the same transaction as
the rest of its batch. Each engine declares the two statements in ``<engine>/rejects.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from adapters.engines.database import Statements
from adapters.engines.engine import Engine, Statement, engine_statements
from adapters.stream.dead_letters import RejectedAt
from service.stream.records import Partition


@dataclass(frozen=True, slots=True)
class RejectSql:
    """The ledger's statements in one dialect."""

    # Each row is [topic, partition, offset, reason]; recording one twice keeps the first.
    record_rejects: Statement
    # Spans are [topic, partition, first offset, last offset]
    # -> rows of (topic, kafka_partition, kafka_offset, reason).
    rejects_between: Statement


# The parameters each statement takes, whatever the engine.
PARAMETERS: dict[str, frozenset[str]] = {
    "record_rejects": frozenset({"rows_json", "now"}),
    "rejects_between": frozenset({"spans_json"}),
}


def reject_sql(engine: str) -> RejectSql:
    """The ledger's statements for the engine of this name, imported when first needed."""
    sql: RejectSql = engine_statements(
        f"adapters.engines.{engine}.rejects", engine, "rejected-messages"
    )
    return sql


class SqlRejects:
    """The ledger on one open transaction: one statement per call, whatever the number of rows."""

    def __init__(self, engine: Engine, statements: Statements) -> None:
        self._engine = engine
        self._sql = reject_sql(engine.name)
        self._statements = statements

    def record(self, rejects: Sequence[RejectedAt], now: datetime) -> None:
        rows = [[r.topic, r.partition, r.offset, str(r.reason)] for r in rejects]
        self._statements.execute(
            "record_rejects",
            self._sql.record_rejects,
            rows_json=_json(rows),
            now=self._engine.timestamp(now),
        )

    def between(
        self, spans: Mapping[Partition, tuple[int, int]]
    ) -> list[tuple[str, int, int, str]]:
        """The rejects recorded in each partition's span of offsets, both ends included."""
        rows = [[p.topic, p.partition, first, last] for p, (first, last) in spans.items()]
        found = self._statements.query(
            "rejects_between", self._sql.rejects_between, spans_json=_json(rows)
        )
        return [(str(t), int(p), int(o), str(reason)) for t, p, o, reason in found]


def _json(value: object) -> str:
    return orjson.dumps(value).decode()
