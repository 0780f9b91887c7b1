"""Real Bank 2 engines for the tests: a fresh, empty database per test on each server.

SQLite always runs. PostgreSQL and MariaDB run on the servers this machine (and CI) provides;
the admin URLs can be overridden with ``BANK2_TEST_POSTGRES_ADMIN_URL`` and
``BANK2_TEST_MYSQL_ADMIN_URL``. A server that cannot be reached, or that lacks the admin URL's
database (the skip says how to create it), skips its tests locally but fails them in CI (``CI``
set), so CI can never pass by silently testing nothing. SQL Server runs only when
``BANK2_TEST_MSSQL_URL`` names a scratch database (see docs/verification.md): its tables are
emptied before each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from adapters.engines import scratch
from adapters.engines.registry import ENGINES as REGISTERED
from adapters.engines.registry import canonical
from adapters.engines.scratch import EngineUnavailableError, MissingDatabaseError

POSTGRES_ADMIN_URL = os.environ.get(
    "BANK2_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test?sslmode=disable"
)
MYSQL_ADMIN_URL = os.environ.get(
    "BANK2_TEST_MYSQL_ADMIN_URL", "mysql://root@127.0.0.1:3306/test?ssl=false"
)
MSSQL_URL = os.environ.get("BANK2_TEST_MSSQL_URL")

# The server each registered engine is tested on (MariaDB stands for the mysql engine); SQL
# Server only where BANK2_TEST_MSSQL_URL names one. Test ids use these names.
TESTED_AS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mariadb", "mssql": "mssql"}
assert set(TESTED_AS) == set(REGISTERED), "say how the tests reach every registered engine"
ENGINES = [TESTED_AS[name] for name in REGISTERED if name != "mssql" or MSSQL_URL]
_PREFIX = "bank2_test"


def _unavailable(engine: str, error: EngineUnavailableError) -> None:
    # A server that answers but lacks the admin URL's database (a stock PostgreSQL has no
    # "test") is told apart from one that cannot be reached: the message says how to create it.
    if isinstance(error, MissingDatabaseError):
        reason = f"{engine} server reachable, but {error}"
    else:
        reason = f"{engine} server unreachable: {error}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must test every engine; .ci/run starts the servers)")
    pytest.skip(reason)


@contextmanager
def _reachable(engine: str) -> Iterator[None]:
    """Turn an unreachable server into a skip, or a failure under CI."""
    try:
        yield
    except EngineUnavailableError as error:
        _unavailable(engine, error)


@contextmanager
def postgres_database() -> Iterator[str]:
    with _reachable("PostgreSQL"), scratch.postgres_database(POSTGRES_ADMIN_URL, _PREFIX) as url:
        yield url


@contextmanager
def mysql_database() -> Iterator[str]:
    with _reachable("MariaDB"), scratch.mysql_database(MYSQL_ADMIN_URL, _PREFIX) as url:
        yield url


@contextmanager
def database_url(engine: str, tmp_path: Path) -> Iterator[str]:
    """A URL for ``BANK2_URL`` naming an empty database on the engine (a registered name or
    alias: ``mariadb`` is the mysql engine)."""
    name = canonical(engine)
    if name == "sqlite":
        yield f"sqlite:///{tmp_path / 'bank2.db'}"
    elif name == "postgresql":
        with postgres_database() as url:
            yield url
    elif name == "mysql":
        with mysql_database() as url:
            yield url
    elif name == "mssql" and MSSQL_URL:
        _empty_mssql_tables(MSSQL_URL)
        yield MSSQL_URL
    else:
        pytest.skip(f"no {engine} server configured")


def _empty_mssql_tables(url: str) -> None:
    from adapters.engines.urls import open_bank2  # noqa: PLC0415 - only for a configured server

    bank = open_bank2(url)  # connecting creates the schema if needed
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        for table in (
            "contact_state",
            "consumer_offsets",
            "rejected_messages",
            "transactions",
            "removal_log",
            "rejected_message_subjects",
            "suppressed_phones",
            "do_not_call_lists",
            "gateway_transactions",
            "gateway_account_secrets",
        ):
            cursor.execute(f"DELETE FROM dbo.{table}")  # noqa: S608 - fixed names
        connection.commit()
    finally:
        bank.release(broken=False)
        bank.close()
