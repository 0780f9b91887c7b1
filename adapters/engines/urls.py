"""Choosing the engine from a database URL setting (``BANK2_URL``, ``PAYMENTS_DB_URL``)."""

from __future__ import annotations

from adapters.engines.database import SqlBank2
from adapters.engines.engine import Engine, UrlError
from adapters.engines.mssql import MssqlEngine
from adapters.engines.mssql_auth import SCHEMES as MSSQL_SCHEMES
from adapters.engines.mssql_auth import parse_mssql_url
from adapters.engines.mysql import SCHEMES as MYSQL_SCHEMES
from adapters.engines.mysql import MysqlEngine
from adapters.engines.postgresql import SCHEMES as POSTGRES_SCHEMES
from adapters.engines.postgresql import PostgresEngine
from adapters.engines.sqlite import SqliteEngine

_SQLITE_PREFIX = "sqlite:///"


class Bank2UrlError(UrlError):
    """The setting names no engine we support, or is malformed."""


def open_bank2(url: str, setting: str = "BANK2_URL") -> SqlBank2:
    """The database a URL names, read from the app setting ``setting``; nothing connects until
    the first batch. Every error, now or when connecting, names that setting.

    ``sqlite:///bank2.db`` is a path relative to the working directory, ``sqlite:////srv/bank2.db``
    an absolute one and ``sqlite:///:memory:`` a private in-memory database.
    ``mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi&client_id=<id>`` is
    Azure SQL or SQL Server (see ``adapters.engines.mssql_auth`` for every form).
    """
    try:
        return SqlBank2(_engine(url, setting))
    except UrlError as error:
        problem = error.problem
    # Raised outside the handler, so that no part of the URL rides along in the error's chain.
    raise Bank2UrlError(problem, setting)


def _engine(url: str, setting: str) -> Engine:
    if url.startswith(_SQLITE_PREFIX):
        path = url.removeprefix(_SQLITE_PREFIX)
        if not path:
            raise UrlError("sqlite:/// needs a file path, e.g. sqlite:///bank2.db")
        return SqliteEngine(path, setting)
    scheme = url.split(":", 1)[0] if ":" in url else "(none)"
    if scheme.lower() in MSSQL_SCHEMES:
        return MssqlEngine(parse_mssql_url(url), setting=setting)
    if scheme.lower() in POSTGRES_SCHEMES:
        return PostgresEngine.from_url(url, setting)
    if scheme.lower() in MYSQL_SCHEMES:
        return MysqlEngine.from_url(url, setting)
    # Only the scheme is quoted: the rest of a URL may hold credentials.
    raise UrlError(
        f"scheme {scheme!r} is not supported; use sqlite:///path/to/bank2.db, "
        "mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi, "
        "postgresql://<host>/<database> or mysql://<host>/<database>"
    )
