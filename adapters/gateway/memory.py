"""The gateway's store in memory: the reference its contract suite states.

It behaves as the SQL store does (``adapters/gateway/store.py`` and migration 0007): a claim is
stored once per (account, id), the first one stays; a transaction is pending until the
processor's store (``adapters/payments/memory.py``, on the same state) holds its outcome; the
list of changes is in position order. For tests and tools only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from adapters.payments.memory import MemoryPaymentStore, PaymentState
from adapters.stream.memory import MemoryDatabase, MemoryUnitOfWork, check_width
from domain.gateway.cursors import Position, position_of
from domain.gateway.transactions import GatewayStatus, TransactionView
from domain.payments.cards import CardSummary
from service.gateway.ports import Claim, ClaimedAs, SecretRecord

WIDTHS = {"account_id": 64, "id": 64, "transaction_id": 64}


@dataclass(frozen=True, slots=True)
class ClaimRow:
    transaction_id: str
    fingerprint: str
    amount: Decimal | None
    card: CardSummary | None
    created_at: datetime


@dataclass(slots=True)
class GatewayState:
    """The gateway's tables and the processor's, in one database as in SQL."""

    secrets: dict[str, SecretRecord] = field(default_factory=dict)
    claims: dict[tuple[str, str], ClaimRow] = field(default_factory=dict)
    payments: PaymentState = field(default_factory=PaymentState)


class MemoryGatewayStore:
    """``GatewayStore`` on a unit of work's working copy."""

    def __init__(self, state: GatewayState) -> None:
        self._state = state

    def add_secret(self, secret: SecretRecord) -> None:
        self._state.secrets[secret.secret_id] = secret

    def secrets(self, account_id: str | None) -> list[SecretRecord]:
        chosen = [
            SecretRecord(s.secret_id, s.account_id, "", s.created_at, s.revoked_at)
            for s in self._state.secrets.values()
            if account_id is None or s.account_id == account_id
        ]
        return sorted(chosen, key=lambda s: (s.account_id, s.created_at, s.secret_id))

    def active_digests(self, account_id: str) -> list[str]:
        return [
            s.digest
            for s in self._state.secrets.values()
            if s.account_id == account_id and s.revoked_at is None
        ]

    def revoke(self, account_id: str, secret_id: str | None, now: datetime) -> int:
        revoked = 0
        for key, secret in list(self._state.secrets.items()):
            if secret.account_id != account_id or secret.revoked_at is not None:
                continue
            if secret_id is None or secret.secret_id == secret_id:
                self._state.secrets[key] = SecretRecord(
                    secret.secret_id, secret.account_id, secret.digest, secret.created_at, now
                )
                revoked += 1
        return revoked

    def claim(self, claim: Claim, now: datetime) -> ClaimedAs:
        for column in WIDTHS:
            check_width(WIDTHS, column, getattr(claim, column))
        row = ClaimRow(claim.transaction_id, claim.fingerprint, claim.amount, claim.card, now)
        stored = self._state.claims.setdefault((claim.account_id, claim.id), row)
        return ClaimedAs(stored.transaction_id, stored.fingerprint)

    def transaction(self, account_id: str, id_: str) -> TransactionView | None:
        row = self._state.claims.get((account_id, id_))
        return None if row is None else self._view(account_id, id_, row)

    def changes(self, account_id: str, after: Position, limit: int) -> list[TransactionView]:
        views = [
            self._view(account, id_, row)
            for (account, id_), row in self._state.claims.items()
            if account == account_id
        ]
        later = sorted((v for v in views if position_of(v) > after), key=position_of)
        return later[:limit]

    def totals(self, account_id: str) -> dict[GatewayStatus, int]:
        totals: dict[GatewayStatus, int] = {}
        for (account, id_), row in self._state.claims.items():
            if account == account_id:
                status = self._view(account, id_, row).status
                totals[status] = totals.get(status, 0) + 1
        return totals

    def _view(self, account_id: str, id_: str, row: ClaimRow) -> TransactionView:
        outcome = self._state.payments.transactions.get(row.transaction_id)
        if outcome is not None and outcome.account_id != account_id:
            outcome = None
        return TransactionView(
            id=id_,
            transaction_id=row.transaction_id,
            status=GatewayStatus.PENDING if outcome is None else GatewayStatus(outcome.status),
            error_message=None if outcome is None else outcome.error_message,
            amount=row.amount,
            card=row.card,
            submitted_at=row.created_at,
            decided_at=None if outcome is None else outcome.created_at,
        )


def memory_gateway_units(
    database: MemoryDatabase[GatewayState],
) -> Callable[[], MemoryUnitOfWork[GatewayState, MemoryGatewayStore]]:
    """The gateway's unit-of-work factory on an in-memory database."""
    return lambda: MemoryUnitOfWork(database, MemoryGatewayStore)


def memory_payment_units_beside(
    database: MemoryDatabase[GatewayState],
) -> Callable[[], MemoryUnitOfWork[GatewayState, MemoryPaymentStore]]:
    """The processor's unit-of-work factory on the gateway's in-memory database."""
    return lambda: MemoryUnitOfWork(database, lambda state: MemoryPaymentStore(state.payments))
