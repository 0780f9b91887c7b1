"""The payment processor's store in memory: the reference its contract suite states.

It behaves as the SQL stores do (``adapters/payments/store.py`` and the migrations): the first
decision stored for a transaction id is kept forever, ``stored_outcomes`` says which were stored
by this unit of work (stored at ``now``), an unanswerable message is recorded once, and a value
the schema would refuse fails with a ``StoreError`` that names the column, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial

from adapters.stream.memory import (
    MemoryDatabase,
    MemoryUnitOfWork,
    Rejects,
    check_width,
    record_rejects,
)
from domain.payments.transactions import Decision, Outcome, Status
from service.payments.ports import StoredOutcome, UnanswerableRecord
from service.stream.errors import StoreError

# The schema's widths, in characters (adapters/payments/migrations); amounts are numeric(12, 2).
WIDTHS = {"id": 64, "account_id": 64, "error_message": 100}
_LARGEST_AMOUNT = Decimal("9999999999.99")


@dataclass(frozen=True, slots=True)
class TransactionRow:
    account_id: str
    amount: Decimal | None
    status: str
    error_message: str | None
    card_brand: str | None
    card_last_four: str | None
    created_at: datetime


@dataclass(slots=True)
class PaymentState:
    transactions: dict[str, TransactionRow] = field(default_factory=dict)
    rejects: Rejects = field(default_factory=dict)


class MemoryPaymentStore:
    """``PaymentStore`` on a unit of work's working copy."""

    def __init__(self, state: PaymentState) -> None:
        self._state = state

    def record_decisions(self, decisions: Sequence[Decision], now: datetime) -> None:
        rows = [_row(decision, now) for decision in decisions]  # every row checked, as SQL does
        for decision, row in zip(decisions, rows, strict=True):
            self._state.transactions.setdefault(decision.transaction_id, row)

    def stored_outcomes(
        self, transaction_ids: Collection[str], now: datetime
    ) -> dict[str, StoredOutcome]:
        stored = {}
        for transaction_id in transaction_ids:
            row = self._state.transactions.get(transaction_id)
            if row is not None:
                outcome = Outcome(transaction_id, _status(row), row.error_message)
                stored[transaction_id] = StoredOutcome(outcome, row.created_at == now)
        return stored

    def record_rejects(self, rejects: Sequence[UnanswerableRecord], now: datetime) -> None:  # noqa: ARG002 - kept by SQL only
        record_rejects(self._state.rejects, rejects)


def memory_payment_units(
    database: MemoryDatabase[PaymentState],
) -> Callable[[], MemoryUnitOfWork[PaymentState, MemoryPaymentStore]]:
    """The payment processor's unit-of-work factory on an in-memory database."""
    return partial(MemoryUnitOfWork, database, MemoryPaymentStore)


def _row(decision: Decision, now: datetime) -> TransactionRow:
    _check_width("id", decision.transaction_id)
    _check_width("account_id", decision.account_id)
    if decision.amount is not None and not 0 <= decision.amount <= _LARGEST_AMOUNT:
        raise StoreError("record_decisions failed: amount is out of numeric(12, 2)'s range")
    error = str(decision.error) if decision.error is not None else None
    if error is not None:
        _check_width("error_message", error)
    card = decision.card
    return TransactionRow(
        decision.account_id,
        decision.amount,
        str(decision.status),
        error,
        str(card.brand) if card is not None else None,
        card.last_four if card is not None else None,
        now,
    )


def _status(row: TransactionRow) -> Status:
    return Status(row.status)


def _check_width(column: str, value: str) -> None:
    check_width(WIDTHS, column, value)
