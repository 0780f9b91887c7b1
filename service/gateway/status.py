"""An account's transactions as it may read them: one by its id, or the changes after a cursor,
with the account's totals by status. Only the signed-in account's: another account's id is
simply not found."""

from __future__ import annotations

from dataclasses import dataclass

from domain.gateway import cursors
from domain.gateway.cursors import Position
from domain.gateway.transactions import GatewayStatus, TransactionView
from service.gateway.ports import GatewayUnitOfWorkFactory
from service.stream.clock import Clock, utc_now
from service.stream.retries import RetryPolicy

DEFAULT_PAGE = 100
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class ChangesPage:
    transactions: list[TransactionView]
    cursor: str  # pass as ?since= to read the changes after these
    more: bool  # the page was full: read again at once for the rest
    totals: dict[GatewayStatus, int]


class TransactionStatus:
    """Reads an account's transactions."""

    def __init__(
        self, units: GatewayUnitOfWorkFactory, retry: RetryPolicy, clock: Clock = utc_now
    ) -> None:
        self._units = units
        self._retry = retry
        self._clock = clock

    def transaction(self, account_id: str, id_: str) -> TransactionView | None:
        def read() -> TransactionView | None:
            with self._units() as uow:
                return uow.store.transaction(account_id, id_)

        return self._retry.run(read)

    def changes(self, account_id: str, after: Position, limit: int = DEFAULT_PAGE) -> ChangesPage:
        """The changes after ``after`` (``cursors.START`` for all), at most ``limit``."""
        limit = max(1, min(limit, MAX_PAGE))
        now = self._clock()

        def read() -> tuple[list[TransactionView], dict[GatewayStatus, int]]:
            with self._units() as uow:
                return uow.store.changes(account_id, after, limit), uow.store.totals(account_id)

        page, counted = self._retry.run(read)
        full = len(page) == limit
        reached = cursors.next_position(page, full=full, now=now)
        totals = {status: counted.get(status, 0) for status in GatewayStatus}
        return ChangesPage(page, cursors.encode(reached), full, totals)
