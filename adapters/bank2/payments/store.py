"""``PaymentStore`` on a Bank 2 unit of work, for every engine Bank 2 runs on.

The store shares the customer projection's connection handling, transactions, error translation
and statement counting (``SqlBank2.unit_of_work_for``); only its statements differ, chosen by the
engine's name. Unanswerable messages go to the same ``rejected_messages`` table as rejected
customer messages, with the engine's own statement for it: their topic tells them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import orjson

from adapters.bank2.engine import Connection, Engine
from adapters.bank2.payments import PaymentSql, mssql, mysql, postgresql, sqlite
from adapters.bank2.sql_store import SqlBank2, SqlUnitOfWork, Statements
from domain.payments.transactions import Decision, Outcome, Status
from service.payment_ports import StoredOutcome, UnanswerableRecord

_SQL_BY_ENGINE: dict[str, PaymentSql] = {
    "sqlite": sqlite.SQL,
    "postgresql": postgresql.SQL,
    "mysql": mysql.SQL,
    "mssql": mssql.SQL,
}


def payment_sql(engine_name: str) -> PaymentSql:
    try:
        return _SQL_BY_ENGINE[engine_name]
    except KeyError:
        raise ValueError(f"no payment statements for the {engine_name!r} engine") from None


def payment_unit_of_work(bank2: SqlBank2) -> Callable[[], SqlUnitOfWork[SqlPaymentStore]]:
    """A ``PaymentUnitOfWorkFactory`` on this Bank 2."""
    return partial(bank2.unit_of_work_for, SqlPaymentStore)


class SqlPaymentStore:
    """``PaymentStore`` on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._statements = Statements(engine, connection, on_statement)
        self._sql = payment_sql(engine.name)

    def record_decisions(self, decisions: Sequence[Decision], now: datetime) -> None:
        rows = [_decision_row(decision) for decision in decisions]
        self._execute("record_decisions", self._sql.record_decisions, _json(rows), now)

    def stored_outcomes(
        self, transaction_ids: Collection[str], now: datetime
    ) -> dict[str, StoredOutcome]:
        if not transaction_ids:
            return {}
        ids = _json(list(transaction_ids))
        rows = self._query("stored_outcomes", self._sql.stored_outcomes, ids, now)
        return {
            str(id_): StoredOutcome(Outcome(str(id_), Status(status), message), bool(decided_now))
            for id_, status, message, decided_now in rows
        }

    def record_rejects(self, rejects: Sequence[UnanswerableRecord], now: datetime) -> None:
        rows = [[r.topic, r.partition, r.offset, str(r.reason)] for r in rejects]
        self._execute("record_rejects", self._engine.sql.record_rejects, _json(rows), now)

    def _execute(self, operation: str, sql: str, rows_json: str, now: datetime) -> None:
        self._statements.execute(operation, sql, rows_json, self._engine.timestamp(now))

    def _query(self, operation: str, sql: str, rows_json: str, now: datetime) -> list[Any]:
        return self._statements.query(operation, sql, rows_json, self._engine.timestamp(now))


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _decision_row(decision: Decision) -> list[object]:
    card = decision.card
    return [
        decision.transaction_id,
        decision.account_id,
        f"{decision.amount:.2f}",  # Decimal formats exactly: no float on the way
        str(decision.status),
        str(decision.error) if decision.error is not None else "",
        str(card.brand) if card is not None else "",
        card.last_four if card is not None else "",
    ]
