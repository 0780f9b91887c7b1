"""``PaymentStore`` on a Bank 2 unit of work, for every engine Bank 2 runs on.

The store shares the customer projection's connection handling, transactions, error translation
and statement counting (``SqlBank2.unit_of_work_for``); only its statements differ, chosen by the
engine's name (``adapters.payments.sql.payment_sql``). Unanswerable messages go to the same
``rejected_messages`` table as rejected customer messages: their topic tells them apart.

What is stored must be exactly what was decided on: an outcome stored under another id, or with
another amount, answers the wrong transaction forever. The decoder refuses what an engine would
store otherwise, and the store checks it as well, in the read-back the service makes anyway:
every decision this unit of work stored must come back column for column, or ``stored_outcomes``
raises before the commit and nothing is kept. That catches what no rule foresaw (a JSON function
that cuts a text, MySQL's INSERT IGNORE turning a value too long into a warning) at no extra
round trip.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

import orjson

from adapters.engines.database import SqlBank2, SqlUnitOfWork, Statements
from adapters.engines.engine import Connection, Engine, Statement
from adapters.engines.rejects import SqlRejects
from adapters.payments.sql import payment_sql
from domain.payments.transactions import Decision, Outcome, Status
from service.payments.ports import StoredOutcome, UnanswerableRecord
from service.stream.errors import StoreError

# A decision as it travels to the engine and as the read-back must return it:
# [id, account_id, amount text, status, error, brand, last four], "" for an absent value.
_Row = list[str]


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
        self._rejects = SqlRejects(engine, self._statements)
        # Each id's first decision written in this unit of work, as sent: the one kept.
        self._written: dict[str, _Row] = {}

    def record_decisions(self, decisions: Sequence[Decision], now: datetime) -> None:
        rows = [_decision_row(decision) for decision in decisions]
        self._execute("record_decisions", self._sql.record_decisions, _json(rows), now)
        for row in rows:
            self._written.setdefault(row[0], row)

    def stored_outcomes(
        self, transaction_ids: Collection[str], now: datetime
    ) -> dict[str, StoredOutcome]:
        if not transaction_ids:
            return {}
        ids = _json(list(transaction_ids))
        stored: dict[str, StoredOutcome] = {}
        for row in self._query("stored_outcomes", self._sql.stored_outcomes, ids, now):
            *columns, decided_now = row
            found = _stored_row(columns)
            if decided_now and self._written.get(found[0], found) != found:
                raise _not_stored_as_decided()
            status, message = Status(found[3]), columns[4]
            stored[found[0]] = StoredOutcome(
                Outcome(found[0], status, None if message is None else str(message)),
                bool(decided_now),
            )
        if any(id_ in self._written and id_ not in stored for id_ in transaction_ids):
            raise _not_stored_as_decided()
        return stored

    def record_rejects(self, rejects: Sequence[UnanswerableRecord], now: datetime) -> None:
        self._rejects.record(rejects, now)

    def _execute(self, operation: str, statement: Statement, rows_json: str, now: datetime) -> None:
        when = self._engine.timestamp(now)
        self._statements.execute(operation, statement, rows_json=rows_json, now=when)

    def _query(
        self, operation: str, statement: Statement, ids_json: str, now: datetime
    ) -> list[Any]:
        when = self._engine.timestamp(now)
        return self._statements.query(operation, statement, transaction_ids_json=ids_json, now=when)


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _decision_row(decision: Decision) -> _Row:
    card = decision.card
    return [
        decision.transaction_id,
        decision.account_id,
        _amount_text(decision.amount),
        str(decision.status),
        str(decision.error) if decision.error is not None else "",
        str(card.brand) if card is not None else "",
        card.last_four if card is not None else "",
    ]


def _stored_row(columns: Sequence[object]) -> _Row:
    """A row read back, in the form ``_decision_row`` sends: amounts come back as Decimal, or
    as their exact text on SQLite."""
    id_, account_id, amount, *rest = columns
    texts = ["" if value is None else str(value) for value in (id_, account_id, *rest)]
    amount_text = "" if amount is None else _amount_text(Decimal(str(amount)))
    return [texts[0], texts[1], amount_text, *texts[2:]]


def _amount_text(amount: Decimal | None) -> str:
    # Decimal formats exactly: no float on the way.
    return "" if amount is None else f"{amount:.2f}"


def _not_stored_as_decided() -> StoreError:
    # Names nothing of the row: an id or an account is not card data, but a store error never
    # quotes data (docs/operations.md, "When Bank 2 fails").
    return StoreError(
        "a transaction's decision was not stored exactly as decided (a value the database "
        "changed, cut short or skipped); nothing of the batch is committed"
    )
