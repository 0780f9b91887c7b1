"""Scratch Bank 2 databases for one benchmark run, on every engine that can be reached.

SQLite is a file in the run's work folder. PostgreSQL and MariaDB are fresh databases on the
servers the tests use (``tests/databases.py``): 127.0.0.1 with the ``postgres`` and ``root`` users,
overridable with ``BANK2_BENCH_POSTGRES_ADMIN_URL`` and ``BANK2_BENCH_MYSQL_ADMIN_URL`` (or the
tests' ``BANK2_TEST_*_ADMIN_URL``). A server that cannot be reached is skipped, with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from adapters.engines.registry import ENGINES as REGISTERED
from adapters.engines.registry import canonical

# The registered engines the benchmark runs on, by the name of the server it uses (MariaDB for
# the mysql engine); SQL Server cannot run here.
_RUN_AS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mariadb"}
ENGINES = tuple(_RUN_AS[name] for name in REGISTERED if name in _RUN_AS)

_CONNECT_TIMEOUT_S = 5
_PREFIX = "bank2_bench"


class EngineUnavailableError(Exception):
    """The engine's server cannot be reached; the message names the error class only."""


class MissingDatabaseError(EngineUnavailableError):
    """The server answers, but the database the admin URL names does not exist; the message
    says how to create it."""


def _postgres_unavailable(error: Exception, admin_url: str) -> EngineUnavailableError:
    # libpq's refusal at connect time has no SQLSTATE: its text tells a missing database.
    text = str(error)
    if 'database "' in text and "does not exist" in text:
        parts = urlsplit(admin_url)
        database = parts.path.removeprefix("/")
        return MissingDatabaseError(
            f"database {database!r} does not exist; create it: createdb -h "
            f"{parts.hostname or '127.0.0.1'} -U {parts.username or 'postgres'} {database}"
        )
    return EngineUnavailableError(type(error).__name__)


def _mysql_unavailable(error: Exception, admin_url: str) -> EngineUnavailableError:
    unknown_database = 1049
    if error.args and error.args[0] == unknown_database:
        database = urlsplit(admin_url).path.removeprefix("/")
        return MissingDatabaseError(
            f"database {database!r} does not exist; create it: "
            f"mariadb -e 'CREATE DATABASE {database}'"
        )
    return EngineUnavailableError(type(error).__name__)


def postgres_admin_url() -> str:
    return os.environ.get(
        "BANK2_BENCH_POSTGRES_ADMIN_URL",
        os.environ.get(
            "BANK2_TEST_POSTGRES_ADMIN_URL",
            "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable",
        ),
    )


def mysql_admin_url() -> str:
    return os.environ.get(
        "BANK2_BENCH_MYSQL_ADMIN_URL",
        os.environ.get("BANK2_TEST_MYSQL_ADMIN_URL", "mysql://root@127.0.0.1:3306/mysql?ssl=false"),
    )


def with_database(url: str, database: str) -> str:
    """The same server URL, naming another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@contextmanager
def scratch_database(engine: str, folder: Path, label: str) -> Iterator[str]:
    """A ``BANK2_URL`` naming an empty database, dropped (or deleted) afterwards."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    name = canonical(engine)
    if name == "sqlite":
        path = folder / f"{label}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    elif name == "postgresql":
        with postgres_database(postgres_admin_url(), _PREFIX) as url:
            yield url
    else:
        with mysql_database(mysql_admin_url(), _PREFIX) as url:
            yield url


@contextmanager
def postgres_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database named ``<prefix>_<random>``, dropped afterwards.

    Raises ``EngineUnavailableError`` when the server cannot be reached. The tests use it too.
    """
    import psycopg  # noqa: PLC0415 - only a PostgreSQL run needs the driver

    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S)
    except psycopg.Error as error:
        raise _postgres_unavailable(error, admin_url) from None
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield with_database(admin_url, name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def mysql_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh MySQL/MariaDB database named ``<prefix>_<random>``, dropped afterwards.

    Raises ``EngineUnavailableError`` when the server cannot be reached. The tests use it too.
    """
    import pymysql  # noqa: PLC0415 - only a MariaDB run needs the driver

    parts = urlsplit(admin_url)
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = pymysql.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=parts.path.removeprefix("/") or None,
            autocommit=True,
            connect_timeout=_CONNECT_TIMEOUT_S,
        )
    except pymysql.err.Error as error:
        raise _mysql_unavailable(error, admin_url) from None
    with admin:
        admin.cursor().execute(f"CREATE DATABASE `{name}`")
        try:
            yield with_database(admin_url, name)
        finally:
            admin.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


def log_position(engine: str, url: str) -> int | None:
    """How many bytes the server has written to its transaction log so far, or None.

    Server-wide: any other client writing at the same time is counted too. PostgreSQL's WAL and
    InnoDB's redo log stand in for Azure SQL's transaction log, whose write rate is what each
    service tier limits (docs/capacity.md).
    """
    if engine == "postgresql":
        import psycopg  # noqa: PLC0415

        with psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S) as db:
            row = db.execute("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint").fetchone()
        return int(row[0]) if row else None
    if engine == "mariadb":
        import pymysql  # noqa: PLC0415

        parts = urlsplit(url)
        with (
            pymysql.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 3306,
                user=parts.username or "root",
                password=parts.password or "",
                connect_timeout=_CONNECT_TIMEOUT_S,
            ) as db,
            db.cursor() as cursor,
        ):
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Innodb_lsn_current'")
            row = cursor.fetchone()
        return int(row[1]) if row else None
    return None
