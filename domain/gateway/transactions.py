"""What an account sees of its transactions: pending until the processor stored an outcome, then
approved or rejected with the processor's message; of the card, the brand and last four only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.payments.cards import CardSummary


class GatewayStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class TransactionView:
    """One transaction as its account sees it."""

    id: str  # the account's own transaction id
    transaction_id: str  # the gateway's id, the one the processor stores it under
    status: GatewayStatus
    error_message: str | None
    amount: Decimal | None
    card: CardSummary | None
    submitted_at: datetime
    decided_at: datetime | None

    @property
    def changed_at(self) -> datetime:
        """When it last changed: its decision, or its submission while pending (the later of
        the two, should the two instances' clocks disagree)."""
        if self.decided_at is None:
            return self.submitted_at
        return max(self.decided_at, self.submitted_at)
