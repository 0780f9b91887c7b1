"""A transaction is decided once: approved, or rejected with the first rule it breaks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from domain.payments.cards import Card, CardSummary, check_card
from domain.payments.messages import ErrorMessage, PaymentRejectReason
from domain.payments.money import amount_error, kept_amount


class Status(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Transaction:
    """A payment to decide.

    ``amount`` is money (see ``domain.payments.money``), or None when the message's amount is no
    amount of money: the transaction is still answered, rejected with ``INVALID_AMOUNT``.
    """

    id: str
    account_id: str
    amount: Decimal | None
    card: Card = field(repr=False)


@dataclass(frozen=True, slots=True)
class Unanswerable:
    """A message that names no transaction that could be answered: recorded and dead-lettered."""

    reason: PaymentRejectReason


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer for one transaction; ``error_message`` is None when it was approved."""

    transaction_id: str
    status: Status
    error_message: str | None


@dataclass(frozen=True, slots=True)
class Decision:
    """A transaction's outcome with everything about it that may be kept.

    ``amount`` is None when there was no amount of money to keep (see ``kept_amount``).
    """

    transaction_id: str
    account_id: str
    amount: Decimal | None
    error: ErrorMessage | None
    card: CardSummary | None  # None when the card number is not a valid one

    @property
    def status(self) -> Status:
        return Status.APPROVED if self.error is None else Status.REJECTED

    @property
    def outcome(self) -> Outcome:
        message = str(self.error) if self.error is not None else None
        return Outcome(self.transaction_id, self.status, message)


def decide(transaction: Transaction, today: date) -> Decision:
    """Card rules first, then the amount; ``today`` is the date the card's expiry is judged on."""
    card = check_card(transaction.card, today)
    error = card.error or amount_error(transaction.amount)
    amount = kept_amount(transaction.amount)
    return Decision(transaction.id, transaction.account_id, amount, error, card.summary)
