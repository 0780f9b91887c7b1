"""``GatewayStore`` on the payments database's unit of work, for every engine it runs on.

The gateway's tables sit beside the processor's ``transactions`` (migration 0007 of the payment
processor's stream), so one database transaction reads a transaction's claim and its outcome.
The store shares the connection handling, error translation and statement counting of every
consumer (``SqlBank2.unit_of_work_for``); its statements are chosen by the engine's name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from adapters.engines.database import SqlBank2, SqlUnitOfWork, Statements
from adapters.engines.engine import Connection, Engine
from adapters.gateway.sql import gateway_sql
from domain.gateway.cursors import Position
from domain.gateway.transactions import GatewayStatus, TransactionView
from domain.payments.brands import Brand
from domain.payments.cards import CardSummary
from service.gateway.ports import Claim, ClaimedAs, SecretRecord
from service.stream.errors import StoreError


def gateway_unit_of_work(bank: SqlBank2) -> Callable[[], SqlUnitOfWork[SqlGatewayStore]]:
    """A ``GatewayUnitOfWorkFactory`` on this database."""
    return partial(bank.unit_of_work_for, SqlGatewayStore)


class SqlGatewayStore:
    """``GatewayStore`` on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._statements = Statements(engine, connection, on_statement)
        self._sql = gateway_sql(engine.name)

    def add_secret(self, secret: SecretRecord) -> None:
        self._statements.execute(
            "add_secret",
            self._sql.add_secret,
            secret_id=secret.secret_id,
            account_id=secret.account_id,
            secret_hash=secret.digest,
            created_at=self._engine.timestamp(secret.created_at),
        )

    def secrets(self, account_id: str | None) -> list[SecretRecord]:
        rows = self._statements.query("secrets", self._sql.secrets, account_id=account_id or "")
        return [
            SecretRecord(
                str(secret_id), str(account), "", _moment(created), _optional_moment(revoked)
            )
            for secret_id, account, created, revoked in rows
        ]

    def active_digests(self, account_id: str) -> list[str]:
        rows = self._statements.query(
            "active_digests", self._sql.active_digests, account_id=account_id
        )
        return [str(row[0]) for row in rows]

    def revoke(self, account_id: str, secret_id: str | None, now: datetime) -> int:
        return self._statements.execute(
            "revoke",
            self._sql.revoke,
            account_id=account_id,
            secret_id=secret_id or "",
            now=self._engine.timestamp(now),
        )

    def claim(self, claim: Claim, now: datetime) -> ClaimedAs:
        card = claim.card
        self._statements.execute(
            "claim",
            self._sql.claim,
            account_id=claim.account_id,
            id=claim.id,
            transaction_id=claim.transaction_id,
            fingerprint=claim.fingerprint,
            amount="" if claim.amount is None else f"{claim.amount:.2f}",
            card_brand="" if card is None else str(card.brand),
            card_last_four="" if card is None else card.last_four,
            now=self._engine.timestamp(now),
        )
        rows = self._statements.query(
            "claimed", self._sql.claimed, account_id=claim.account_id, id=claim.id
        )
        if not rows:
            raise _not_stored()
        stored = ClaimedAs(str(rows[0][0]), str(rows[0][1]))
        if (
            stored.transaction_id == claim.transaction_id
            and stored.fingerprint != claim.fingerprint
        ):
            raise _not_stored()
        return stored

    def transaction(self, account_id: str, id_: str) -> TransactionView | None:
        rows = self._statements.query(
            "transaction", self._sql.transaction, account_id=account_id, id=id_
        )
        return _view(rows[0]) if rows else None

    def changes(self, account_id: str, after: Position, limit: int) -> list[TransactionView]:
        rows = self._statements.query(
            "changes",
            self._sql.changes,
            account_id=account_id,
            after_time=self._engine.timestamp(after.changed_at),
            after_id=after.transaction_id,
            page_size=limit,
        )
        return [_view(row) for row in rows]

    def totals(self, account_id: str) -> dict[GatewayStatus, int]:
        rows = self._statements.query("totals", self._sql.totals, account_id=account_id)
        return {GatewayStatus(str(status)): int(count) for status, count in rows}


def _view(row: Sequence[Any]) -> TransactionView:
    id_, transaction_id, amount, brand, last_four, created, status, error, decided = row
    return TransactionView(
        id=str(id_),
        transaction_id=str(transaction_id),
        status=GatewayStatus.PENDING if status is None else GatewayStatus(str(status)),
        error_message=None if error is None else str(error),
        amount=None if amount is None else Decimal(str(amount)),
        card=None if brand is None else CardSummary(Brand(str(brand)), str(last_four)),
        submitted_at=_moment(created),
        decided_at=_optional_moment(decided),
    )


def _moment(value: object) -> datetime:
    """A stored UTC time: text on SQLite, a naive UTC datetime on MySQL and SQL Server, an
    aware one on PostgreSQL."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise StoreError(f"a stored time came back as {type(value).__name__}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _optional_moment(value: object) -> datetime | None:
    return None if value is None else _moment(value)


def _not_stored() -> StoreError:
    # Names nothing of the request: a store error never quotes data.
    return StoreError("a transaction's claim was not stored as sent; nothing is committed")
