"""Real Bank 2 engines for the tests: a fresh, empty database per test on each server.

SQLite always runs. PostgreSQL and MariaDB run on the servers this machine (and CI) provides;
the admin URLs can be overridden with ``BANK2_TEST_POSTGRES_ADMIN_URL`` and
``BANK2_TEST_MYSQL_ADMIN_URL``. A server that cannot be reached skips its tests locally but fails
them in CI (``CI`` set), so CI can never pass by silently testing nothing. SQL Server runs only
when ``BANK2_TEST_MSSQL_URL`` names a scratch database (see README): its tables are emptied
before each test.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "BANK2_TEST_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
MYSQL_ADMIN_URL = os.environ.get("BANK2_TEST_MYSQL_ADMIN_URL", "mysql://root@127.0.0.1:3306/test")
MSSQL_URL = os.environ.get("BANK2_TEST_MSSQL_URL")

ENGINES = ["sqlite", "postgresql", "mariadb"] + (["mssql"] if MSSQL_URL else [])


def _unavailable(engine: str, error: Exception) -> None:
    reason = f"{engine} server unreachable: {type(error).__name__}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must test every engine; .ci/run starts the servers)")
    pytest.skip(reason)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need the driver

    name = f"bank2_test_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        _unavailable("PostgreSQL", error)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield with_database(POSTGRES_ADMIN_URL, name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mysql_database() -> Iterator[str]:
    import pymysql  # noqa: PLC0415 - only the MariaDB tests need the driver

    name = f"bank2_test_{secrets.token_hex(6)}"
    parts = urlsplit(MYSQL_ADMIN_URL)
    try:
        admin = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            autocommit=True,
            connect_timeout=5,
        )
    except pymysql.err.OperationalError as error:
        _unavailable("MariaDB", error)
    with admin:
        admin.cursor().execute(f"CREATE DATABASE `{name}`")
        try:
            yield with_database(MYSQL_ADMIN_URL, name)
        finally:
            admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


@contextmanager
def database_url(engine: str, tmp_path: Path) -> Iterator[str]:
    """A URL for ``BANK2_URL`` naming an empty database on the engine."""
    if engine == "sqlite":
        yield f"sqlite:///{tmp_path / 'bank2.db'}"
    elif engine == "postgresql":
        with postgres_database() as url:
            yield url
    elif engine == "mariadb":
        with mysql_database() as url:
            yield url
    elif engine == "mssql" and MSSQL_URL:
        _empty_mssql_tables(MSSQL_URL)
        yield MSSQL_URL
    else:
        pytest.skip(f"no {engine} server configured")


def _empty_mssql_tables(url: str) -> None:
    from adapters.bank2.urls import open_bank2  # noqa: PLC0415 - only for a configured server

    bank = open_bank2(url)  # connecting creates the schema if needed
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        for table in ("contact_state", "consumer_offsets", "rejected_messages"):
            cursor.execute(f"DELETE FROM dbo.{table}")  # noqa: S608 - fixed names
        connection.commit()
    finally:
        bank.release(broken=False)
        bank.close()
