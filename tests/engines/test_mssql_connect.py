"""Opening connections to Azure SQL: sign-in, session options and migrations, against a fake
pyodbc that plays the server's side of the setup statements (no SQL Server runs here).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from adapters.engines.migrations import migrations_for
from adapters.engines.mssql.auth import pack_access_token
from adapters.engines.mssql.engine import MssqlEngine
from adapters.engines.mssql.session import SESSION_SQL, split_batches
from adapters.engines.mssql.url import Authentication, MssqlTarget
from service.stream.errors import StoreError, TransientStoreError

SETUP = {
    getattr(getattr(SESSION_SQL, name), "sql", getattr(SESSION_SQL, name)): name
    for name in SESSION_SQL.__dataclass_fields__
}
MIGRATION_BATCHES = [b for m in migrations_for("mssql") for b in split_batches(m.script)]


class FakeError(Exception):
    pass


class FakeServer:
    """The database side: which migrations are recorded, and what the setup queries return."""

    def __init__(self, *, compatibility_level: int = 150, lock_result: int = 0) -> None:
        self.compatibility_level = compatibility_level
        self.lock_result = lock_result
        self.has_migrations_table = False
        self.applied: set[int] = set()
        self.fail_on: str | None = None
        self.on_lock: Callable[[], None] = lambda: None
        self.connections: list[FakeConnection] = []
        self.drivers = ["ODBC Driver 18 for SQL Server"]

    def connect(self, connection_string: str, **options: Any) -> FakeConnection:
        connection = FakeConnection(self, connection_string, options)
        self.connections.append(connection)
        return connection


class FakeConnection:
    def __init__(self, server: FakeServer, connection_string: str, options: dict[str, Any]):
        self.server = server
        self.connection_string = connection_string
        self.options = options
        self.executed: list[str] = []  # setup statements by name, migration batches verbatim
        self.pending: set[int] = set()
        self.commits = self.rollbacks = 0
        self.closed = False
        self.timeout = 0

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    def commit(self) -> None:
        self.server.applied |= self.pending
        self.pending = set()
        self.commits += 1

    def rollback(self) -> None:
        self.pending = set()
        self.rollbacks += 1

    def close(self) -> None:
        self.closed = True


class FakeCursor:
    def __init__(self, connection: FakeConnection) -> None:
        self.connection = connection
        self.rows: list[tuple[object, ...]] | None = None

    @property
    def description(self) -> object:
        return None if self.rows is None else [("column",)]

    def nextset(self) -> bool:
        return False

    def close(self) -> None:
        self.rows = None

    def fetchone(self) -> tuple[object, ...] | None:
        return self.rows.pop(0) if self.rows else None

    def fetchall(self) -> list[tuple[object, ...]]:
        rows, self.rows = self.rows or [], []
        return rows

    def execute(self, sql: str, *params: object) -> None:
        server, name = self.connection.server, SETUP.get(sql, sql)
        self.connection.executed.append(name)
        if server.fail_on is not None and server.fail_on in sql:
            raise FakeError("42000", "[42000] failed (2714) (SQLExecDirectW)")
        self.rows = None
        if name == "compatibility_level":
            self.rows = [(server.compatibility_level,)]
        elif name == "schema_migrations_exists":
            self.rows = [(1234 if server.has_migrations_table else None,)]
        elif name == "applied_migrations":
            self.rows = [(version,) for version in sorted(server.applied)]
        elif name == "lock_migrations":
            server.on_lock()
            self.rows = [(server.lock_result,)]
        elif name == "create_schema_migrations":
            server.has_migrations_table = True
        elif name == "record_migration":
            # The values as one sequence (pyodbc also takes them spread out).
            values = params[0] if len(params) == 1 and isinstance(params[0], tuple) else params
            self.connection.pending.add(int(str(values[0])))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    fake = FakeServer()
    module = types.ModuleType("pyodbc")
    module.connect = fake.connect  # type: ignore[attr-defined]
    module.drivers = lambda: fake.drivers  # type: ignore[attr-defined]
    module.Error = FakeError  # type: ignore[attr-defined]
    module.OperationalError = type("OperationalError", (FakeError,), {})  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyodbc", module)
    return fake


def engine(
    authentication: Authentication = Authentication.MANAGED_IDENTITY,
    token: Callable[[], str] | None = None,
) -> MssqlEngine:
    target = MssqlTarget("bank2-sql.database.windows.net", "bank2", authentication)
    return MssqlEngine(target, token=token)


def test_a_token_is_fetched_for_every_new_connection_and_never_before(server: FakeServer) -> None:
    issued: list[str] = []

    def token() -> str:
        issued.append(f"eyJ-token-{len(issued) + 1}")
        return issued[-1]

    bank = engine(Authentication.ACCESS_TOKEN, token)
    assert issued == []
    bank.connect()
    bank.connect()
    assert issued == ["eyJ-token-1", "eyJ-token-2"]
    for connection, sent in zip(server.connections, issued, strict=True):
        assert connection.options["attrs_before"] == {1256: pack_access_token(sent)}
        assert connection.options["autocommit"] is False
        lowered = connection.connection_string.lower()
        assert "uid=" not in lowered
        assert "pwd=" not in lowered
        assert "authentication=" not in lowered


def test_managed_identity_lets_the_driver_sign_in(server: FakeServer) -> None:
    engine().connect()
    (connection,) = server.connections
    assert "attrs_before" not in connection.options
    assert "Authentication=ActiveDirectoryMsi;" in connection.connection_string


def test_a_token_that_cannot_be_had_is_transient_and_opens_nothing(server: FakeServer) -> None:
    def token() -> str:
        raise RuntimeError("managed identity endpoint unavailable")

    with pytest.raises(TransientStoreError, match="no access token"):
        engine(Authentication.ACCESS_TOKEN, token).connect()
    assert server.connections == []


def test_each_connection_first_makes_errors_abort_the_whole_transaction(
    server: FakeServer,
) -> None:
    bank = engine()
    first, second = bank.connect(), bank.connect()
    for connection in (first, second):
        assert isinstance(connection, FakeConnection)
        assert connection.executed[0] == "session_options"
        assert connection.timeout > 0
    assert SESSION_SQL.session_options.strip() == "SET XACT_ABORT ON;"


def test_the_schema_is_applied_once_under_the_migration_lock(server: FakeServer) -> None:
    bank = engine()
    first = bank.connect()
    assert isinstance(first, FakeConnection)
    assert server.applied == {m.version for m in migrations_for("mssql")}
    steps = first.executed
    start = steps.index(MIGRATION_BATCHES[0])
    # Each migration's batches, then its record, in version order.
    applied = [
        step
        for m in migrations_for("mssql")
        for step in (*split_batches(m.script), "record_migration")
    ]
    assert steps.index("lock_migrations") < steps.index("create_schema_migrations") < start
    assert steps[start : start + len(applied)] == applied
    assert steps[-1] == "unlock_migrations"

    second = bank.connect()
    assert isinstance(second, FakeConnection)
    assert "lock_migrations" not in second.executed
    assert not set(MIGRATION_BATCHES) & set(second.executed)


def test_an_instance_that_waited_for_the_lock_does_not_migrate_again(server: FakeServer) -> None:
    def another_instance_finished_first() -> None:
        server.has_migrations_table = True
        server.applied = {m.version for m in migrations_for("mssql")}

    server.on_lock = another_instance_finished_first
    connection = engine().connect()
    assert isinstance(connection, FakeConnection)
    assert not set(MIGRATION_BATCHES) & set(connection.executed)
    assert connection.executed[-1] == "unlock_migrations"


def test_a_failing_migration_is_rolled_back_and_its_connection_dropped(
    server: FakeServer,
) -> None:
    server.fail_on = "CREATE OR ALTER VIEW"
    with pytest.raises(FakeError):
        engine().connect()
    (connection,) = server.connections
    assert connection.rollbacks >= 1
    assert connection.closed
    assert server.applied == set()


def test_a_database_below_compatibility_level_130_is_refused_with_the_fix(
    server: FakeServer,
) -> None:
    server.compatibility_level = 120
    with pytest.raises(StoreError, match=r"compatibility level is 120.*130") as raised:
        engine().connect()
    assert not isinstance(raised.value, TransientStoreError)
    (connection,) = server.connections
    assert connection.closed
    assert "lock_migrations" not in connection.executed


@pytest.mark.parametrize(("result", "transient"), [(-1, True), (-3, True), (-999, False)])
def test_a_migration_lock_not_granted_fails_the_connection(
    server: FakeServer, result: int, *, transient: bool
) -> None:
    server.lock_result = result
    with pytest.raises(StoreError, match="migration lock") as raised:
        engine().connect()
    assert isinstance(raised.value, TransientStoreError) is transient
    assert server.connections[0].closed


def test_without_the_odbc_driver_manager_connecting_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyodbc", None)  # makes ``import pyodbc`` fail
    bank = engine()
    assert bank.driver_errors == ()
    with pytest.raises(StoreError, match="unixODBC"):
        bank.connect()


def test_a_missing_odbc_driver_is_named_with_the_ones_installed(server: FakeServer) -> None:
    server.drivers = ["ODBC Driver 17 for SQL Server"]
    with pytest.raises(StoreError, match=r"'ODBC Driver 18 for SQL Server' is not installed.*17"):
        engine().connect()
    assert server.connections == []


def test_times_are_sent_as_naive_utc() -> None:
    brasilia = timezone(timedelta(hours=-3))
    sent = engine().timestamp(datetime(2026, 11, 22, 9, 30, 0, 123456, tzinfo=brasilia))
    assert sent == datetime(2026, 11, 22, 12, 30, 0, 123456)  # noqa: DTZ001 - DATETIME2 has no zone
    assert engine().timestamp(datetime(2026, 1, 1, tzinfo=UTC)) == datetime(2026, 1, 1)  # noqa: DTZ001
