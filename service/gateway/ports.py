"""What the gateway needs from its database, as one small interface.

The gateway's tables live beside the processor's ``transactions`` (the payments database, or
Bank 2): a transaction's status is the processor's stored outcome, joined on the gateway's id.
Failures are ``service.stream.errors.StoreError`` and ``TransientStoreError``, as for every store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from domain.gateway.cursors import Position
from domain.gateway.transactions import GatewayStatus, TransactionView
from domain.payments.cards import CardSummary
from service.stream.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class SecretRecord:
    """An account secret as it is kept: its public id and digest, never the secret."""

    secret_id: str
    account_id: str
    digest: str
    created_at: datetime
    revoked_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A submitted transaction, claimed for its account and id before it is published."""

    account_id: str
    id: str  # the account's own transaction id
    transaction_id: str  # the gateway's, unique: what the processor stores the outcome under
    fingerprint: str
    amount: Decimal | None
    card: CardSummary | None


@dataclass(frozen=True, slots=True)
class ClaimedAs:
    """What is stored for an account's transaction id: the first claim's id and fingerprint."""

    transaction_id: str
    fingerprint: str


class GatewayStore(Protocol):
    """The gateway's tables, and the processor's outcomes as the gateway reads them."""

    # Account secrets: written by the accounts command, read by the intake.
    def add_secret(self, secret: SecretRecord) -> None: ...

    def secrets(self, account_id: str | None) -> list[SecretRecord]:
        """Every secret of an account (all accounts for None), by account then issue time."""
        ...

    def active_digests(self, account_id: str) -> list[str]:
        """The digests of the account's secrets that are not revoked."""
        ...

    def revoke(self, account_id: str, secret_id: str | None, now: datetime) -> int:
        """Revoke one secret of the account (all of them for None); return how many."""
        ...

    # Transactions.
    def claim(self, claim: Claim, now: datetime) -> ClaimedAs:
        """Store the claim unless the account already has one for its id; return what is
        stored for that id (the first claim, whoever made it)."""
        ...

    def transaction(self, account_id: str, id_: str) -> TransactionView | None:
        """The account's transaction by the account's own id."""
        ...

    def changes(self, account_id: str, after: Position, limit: int) -> list[TransactionView]:
        """The account's transactions whose position is after ``after``, in position order."""
        ...

    def totals(self, account_id: str) -> dict[GatewayStatus, int]:
        """How many of the account's transactions are in each status (statuses with none
        may be absent)."""
        ...


GatewayUnitOfWork = UnitOfWork[GatewayStore]
GatewayUnitOfWorkFactory = UnitOfWorkFactory[GatewayStore]
