"""An in-memory database: the executable reference that every store's contract suite runs on.

Each consumer keeps its committed state in one ``MemoryDatabase``. A unit of work takes the
database's lock (one writer at a time, as SQLite's ``BEGIN IMMEDIATE``), works on a deep copy of
the state, and swaps it in on ``commit()``: leaving without it leaves the state as it was. That is
the whole transaction model the SQL engines provide, without a server, so the contract suites
can state each port's behaviour once and check every engine against it.

It keeps nothing across processes: it is for tests and tools, never for a deployment.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Generic, Self, TypeVar

from adapters.stream.dead_letters import RejectedAt
from service.stream.errors import StoreError

StateT = TypeVar("StateT")
StoreT = TypeVar("StoreT")


class MemoryDatabase(Generic[StateT]):
    """One consumer's committed state, behind a lock."""

    def __init__(self, state: StateT) -> None:
        self.state = state
        self.lock = threading.Lock()


class MemoryUnitOfWork(Generic[StateT, StoreT]):
    """One transaction on a ``MemoryDatabase``, lending a store built on its working copy."""

    store: StoreT

    def __init__(
        self, database: MemoryDatabase[StateT], make_store: Callable[[StateT], StoreT]
    ) -> None:
        self._database = database
        self._make_store = make_store
        self._working: StateT | None = None

    def __enter__(self) -> Self:
        self._database.lock.acquire()
        try:
            self._working = copy.deepcopy(self._database.state)
            self.store = self._make_store(self._working)
        except BaseException:
            self._database.lock.release()
            raise
        return self

    def commit(self) -> None:
        if self._working is None:
            raise RuntimeError("commit() outside the unit of work")
        self._database.state = self._working

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._working = None
        self._database.lock.release()


# Where a reject sits (topic, partition, offset), and its reason: the rejected_messages table.
Rejects = dict[tuple[str, int, int], str]
# The rejected_messages table's widths, in characters.
REJECT_WIDTHS = {"topic": 249, "reason": 40}


def record_rejects(recorded: Rejects, rejects: Iterable[RejectedAt]) -> None:
    """Record each reject once: the first one recorded at a position is kept."""
    for reject in rejects:
        check_width(REJECT_WIDTHS, "topic", reject.topic)
        check_width(REJECT_WIDTHS, "reason", str(reject.reason))
        recorded.setdefault((reject.topic, reject.partition, reject.offset), str(reject.reason))


def check_width(widths: Mapping[str, int], column: str, value: str) -> None:
    """Refuse a value longer than its column, as a SQL engine does, naming the column only:
    the value may be personal data."""
    if len(value) > widths[column]:
        raise StoreError(f"write failed: {column} is longer than {widths[column]} characters")
