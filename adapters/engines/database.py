"""A database connection and units of work over any DB-API engine, for any consumer.

Each consumer's store (``adapters/<consumer>/store.py``) is built by the factory it passes to
``unit_of_work_for``, on one open transaction, and sends its own declared statements
(``Statement``) through ``Statements``: every consumer gets the same connection handling,
transaction, error translation and statement counting. A statement's rows travel as a single
JSON text parameter that the engine expands set-wise (``json_each``, ``OPENJSON``...), so a
batch costs a constant number of round trips.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from adapters.engines.engine import (
    Connection,
    Engine,
    Statement,
    close_quietly,
    failure_message,
)
from service.stream.errors import StoreError, TransientStoreError

StoreT = TypeVar("StoreT")
T = TypeVar("T")
# Builds a store on one open transaction: (engine, connection, count one statement) -> store.
StoreFactory = Callable[[Engine, Connection, Callable[[], None]], StoreT]


class Statements:
    """Sends statements on one open transaction: each counted, its cursor closed at once, and
    its driver errors translated (see ``translated``)."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._connection = connection
        self._on_statement = on_statement

    def query(self, operation: str, statement: Statement, **values: object) -> list[Any]:
        """Run a read; its parameters by name (``Statement.params``)."""
        params = statement.bind(values)
        return translated(
            self._engine, operation, lambda: self._run(statement.sql, params, _all_rows)
        )

    def execute(self, operation: str, statement: Statement, **values: object) -> int:
        """Run a write; return the number of rows it changed (0 if the driver cannot tell)."""
        params = statement.bind(values)
        return translated(
            self._engine, operation, lambda: self._run(statement.sql, params, _row_count)
        )

    def _run(self, sql: str, params: tuple[object, ...], read: Callable[[Any], T]) -> T:
        # Cursors are closed at once: a SQL Server connection with a pending result set
        # refuses the next statement ("connection is busy").
        cursor = self._connection.cursor()
        try:
            self._on_statement()
            cursor.execute(sql, params)
            return read(cursor)
        finally:
            cursor.close()


def _all_rows(cursor: Any) -> list[Any]:
    # A T-SQL batch may answer with row counts before its rows (results without columns), and
    # an error raised after the rows arrives only with the next result: both are read here,
    # inside the error translation, so no failure goes unseen.
    nextset = getattr(cursor, "nextset", None)  # sqlite3 has none: one result only
    while cursor.description is None and nextset is not None and nextset():
        pass
    rows = list(cursor.fetchall())
    while nextset is not None and nextset():
        pass
    return rows


def _row_count(cursor: Any) -> int:
    return max(int(cursor.rowcount), 0)


def translated(engine: Engine, operation: str, work: Callable[[], T]) -> T:
    """``work()``, its driver errors replaced by store errors that say which setting, engine,
    host and operation failed, with the error's code and, where it cannot quote row data, the
    driver's reason.

    The store error is raised outside the handler: the driver's error, whose text and arguments
    may hold a batch's rows, is neither its cause nor its context, so nothing that walks the
    chain (a traceback, an error tracker) can reach it.
    """
    failure: StoreError
    try:
        return work()
    except StoreError as error:  # the engine's own: a missing driver, a lock not granted...
        failure = type(error)(failure_message(engine, operation, str(error)))
    except UnicodeError as error:
        # A driver that could not encode a value: the error holds the whole text it was
        # encoding (a batch's names and phones), so only its class is told.
        failure = StoreError(failure_message(engine, operation, type(error).__name__))
    except engine.driver_errors as error:
        detail = engine.describe(error)
        reason = engine.reason(error)
        if reason:
            detail = f"{detail}: {reason}"
        kind = TransientStoreError if engine.is_transient(error) else StoreError
        failure = kind(failure_message(engine, operation, detail))
    raise failure


class SqlBank2:
    """One lazily opened connection to Bank 2, reused across batches and replaced after a failure.

    The Kafka trigger runs one batch at a time per function and instance, so one connection
    suffices; the lock keeps that true if the worker ever runs invocations in parallel threads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements_executed = 0
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def unit_of_work_for(self, make_store: StoreFactory[StoreT]) -> SqlUnitOfWork[StoreT]:
        """A unit of work whose store ``make_store`` builds, on this Bank 2's connection."""
        return SqlUnitOfWork(self, make_store)

    def count_statement(self) -> None:
        self.statements_executed += 1

    def acquire(self) -> Connection:
        self._lock.acquire()
        try:
            if self._connection is None:
                self._connection = translated(self.engine, "connect", self.engine.connect)
        except BaseException:
            self._lock.release()
            raise
        return self._connection

    def release(self, *, broken: bool) -> None:
        try:
            if broken and self._connection is not None:
                connection, self._connection = self._connection, None
                close_quietly(connection)
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                close_quietly(self._connection)
                self._connection = None


class SqlUnitOfWork(Generic[StoreT]):
    """One transaction: ``commit()`` to keep its writes; leaving without it rolls back."""

    store: StoreT

    def __init__(self, bank2: SqlBank2, make_store: StoreFactory[StoreT]) -> None:
        self._bank2 = bank2
        self._make_store = make_store
        self._committed = False

    def __enter__(self) -> Self:
        engine = self._bank2.engine
        self._connection = self._bank2.acquire()
        try:
            translated(engine, "begin", lambda: engine.begin(self._connection))
        except BaseException:
            self._bank2.release(broken=True)
            raise
        self.store = self._make_store(engine, self._connection, self._bank2.count_statement)
        return self

    def commit(self) -> None:
        self._bank2.count_statement()
        translated(self._bank2.engine, "commit", self._connection.commit)
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        broken = False
        if not self._committed:
            try:
                self._connection.rollback()
            except Exception:  # noqa: BLE001 - the connection is unusable: replace it
                broken = True
        # After a failure the connection's state is unknown (half-sent statement, killed
        # session): a fresh one is cheaper than a wrong guess.
        self._bank2.release(broken=broken or exc_type is not None)
