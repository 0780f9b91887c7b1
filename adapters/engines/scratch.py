"""Throwaway databases on a PostgreSQL or MariaDB server, for the tests and the benchmark.

Each is named ``<prefix>_<random>``, created through an admin URL and dropped afterwards. A
server that cannot be reached raises ``EngineUnavailableError``; one that answers but lacks the
admin URL's own database raises ``MissingDatabaseError``, whose message says how to create it.
The functions never use this module: it is kept out of the deployed package (.funcignore).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

_CONNECT_TIMEOUT_S = 5


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


def with_database(url: str, database: str) -> str:
    """The same server URL, naming another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


@contextmanager
def postgres_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database named ``<prefix>_<random>``, dropped afterwards.

    Raises ``EngineUnavailableError`` when the server cannot be reached.
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

    Raises ``EngineUnavailableError`` when the server cannot be reached.
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
