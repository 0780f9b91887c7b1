"""What differs between SQL engines, gathered in one small interface."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import quote

from adapters.settings import SettingsError
from service.stream.errors import StoreError

# Every engine fails a stalled attempt within these bounds, so that an invocation's retries stay
# inside the Kafka consumer's max.poll.interval.ms (tests/stream/test_retry_budget.py adds it up).
CONNECT_TIMEOUT_S = 10  # opening a connection, login included
STATEMENT_TIMEOUT_S = 30  # one statement, lock waits included
ATTEMPT_STALL_S = CONNECT_TIMEOUT_S + STATEMENT_TIMEOUT_S  # the longest an attempt hangs unnoticed

_MAX_REASON_CHARACTERS = 400  # a driver's reason, on one line, in an error message
_SHORTEST_REPLACEABLE_SECRET = 6


@dataclass(frozen=True, slots=True)
class Statement:
    """One SQL statement and the names of its parameters, in the order its SQL binds them.

    Each statement is sent once per batch whatever the batch size: rows travel as one JSON text
    parameter that the engine expands into a table. The store passes values by name.
    """

    sql: str
    params: tuple[str, ...] = ()

    def bind(self, values: Mapping[str, object]) -> tuple[object, ...]:
        """The values in the order the SQL binds them; every parameter, and only those."""
        if set(values) != set(self.params):
            raise TypeError(f"parameters {sorted(values)} given, {list(self.params)} declared")
        return tuple(values[name] for name in self.params)


class UrlError(SettingsError):
    """A database URL setting is malformed: ``<SETTING> <problem>``, never a part of the URL."""

    def __init__(self, problem: str, setting: str = "BANK2_URL") -> None:
        super().__init__(f"{setting} {problem}")
        self.problem = problem


class Connection(Protocol):
    """The part of a DB-API 2.0 connection the adapters use."""

    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


class Engine(Protocol):
    """One SQL engine: how to connect, begin, classify errors, and speak its dialect."""

    name: str
    # The consumers' migration streams that connect() applies (adapters.engines.registry).
    streams: tuple[str, ...]
    # The app setting the URL came from (BANK2_URL, PAYMENTS_DB_URL), and where it leads
    # (user, host, port, database: never a password), so that an error says which to fix.
    setting: str
    location: str

    def connect(self) -> Connection:
        """Open a new physical connection, schema migrated, outside any transaction."""
        ...

    def begin(self, connection: Connection) -> None:
        """Start a write transaction."""
        ...

    def timestamp(self, moment: datetime) -> object:
        """The parameter value the driver needs for a UTC timestamp column."""
        ...

    def is_transient(self, error: BaseException) -> bool:
        """Whether retrying on a fresh connection may succeed."""
        ...

    def describe(self, error: BaseException) -> str:
        """The error's class and code, without its message (which may quote row values)."""
        ...

    def reason(self, error: BaseException) -> str | None:
        """The driver's own words, where they cannot hold row data (signing in, privileges,
        schema, connection), secrets removed; None for errors about data."""
        ...

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]: ...


def failure_message(engine: Engine, operation: str, detail: str) -> str:
    """``BANK2_URL (postgresql at bank2@db:5432/bank2): connect failed: <detail>``."""
    return f"{engine.setting} ({engine.name} at {engine.location}): {operation} failed: {detail}"


def without_secrets(text: str, secrets: Iterable[str | None]) -> str | None:
    """``text`` on one line, each secret replaced; None if a secret too short to replace safely
    (a few characters would match ordinary words) appears in it at all."""
    line = " ".join(text.split())
    for secret in secrets:
        if not secret:
            continue
        for form in {secret, quote(secret, safe="")}:
            if form not in line:
                continue
            if len(form) < _SHORTEST_REPLACEABLE_SECRET:
                return None
            line = line.replace(form, "***")
    # Cut after the secrets are gone: a cut through one would leave the rest of it unmatched.
    return line[:_MAX_REASON_CHARACTERS]


def import_driver(module: str, install: str) -> Any:
    """The engine's DB-API driver, imported when first needed, so that a Bank 2 on another engine
    never loads it; a missing one is a store error that says how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        pass
    # Raised outside the handler, so that no chained error rides along.
    raise StoreError(f"cannot load {module}: {install}")


def loaded_driver(module: str) -> Any | None:
    """The driver if it can be imported, else None: to classify an error without requiring it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def close_quietly(connection: Any) -> None:
    """Close a connection that may be half-open; it is dropped either way."""
    with contextlib.suppress(Exception):
        connection.close()


def engine_statements(module: str, engine: str, what: str) -> Any:
    """The ``SQL`` an engine declares for ``what`` in ``module``, imported when first needed (a
    function on SQLite never loads another engine's); a ValueError if the engine has none."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError:
        raise ValueError(f"no {what} statements for the {engine!r} engine") from None
    return found.SQL
