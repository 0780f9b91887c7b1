"""What the payment processor needs from the outside world, as small interfaces.

Adapters implement these; tests may pass fakes. A store's methods are called inside one unit of
work, so a batch's decisions and rejects commit together or not at all. Failures are reported
with ``service.stream.errors.StoreError`` and ``TransientStoreError``, as every store does.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Decision, Outcome
from service.stream.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class UnanswerableRecord:
    """Where an unanswerable message sits in the stream, and why: no card data, ever."""

    topic: str
    partition: int
    offset: int
    reason: PaymentRejectReason


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    """A transaction's stored outcome; ``decided_now`` unless an earlier delivery stored it."""

    outcome: Outcome
    decided_now: bool


class PaymentStore(Protocol):
    """The transactions as the payment processor writes them."""

    def record_decisions(self, decisions: Sequence[Decision], now: datetime) -> None:
        """Store each decision whose transaction has none yet: the first one stored stays.

        Of several decisions for one transaction id, the first in the sequence is the one kept.
        """
        ...

    def stored_outcomes(
        self, transaction_ids: Collection[str], now: datetime
    ) -> dict[str, StoredOutcome]:
        """The stored outcome of each of these transactions that has one.

        ``now`` is the time ``record_decisions`` was given in this unit of work: outcomes stored
        at that time are the ones it decided.
        """
        ...

    def record_rejects(self, rejects: Sequence[UnanswerableRecord], now: datetime) -> None:
        """Record unanswerable messages; recording one twice keeps one."""
        ...


# The shared unit of work, lending the payment processor's store.
PaymentUnitOfWork = UnitOfWork[PaymentStore]
PaymentUnitOfWorkFactory = UnitOfWorkFactory[PaymentStore]
