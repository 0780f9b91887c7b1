"""Choosing the Bank 2 engine from the ``BANK2_URL`` setting."""

from __future__ import annotations

from adapters.bank2.mssql import MssqlEngine
from adapters.bank2.mssql_auth import SCHEMES as MSSQL_SCHEMES
from adapters.bank2.mssql_auth import MssqlUrlError, parse_mssql_url
from adapters.bank2.mysql import SCHEMES as MYSQL_SCHEMES
from adapters.bank2.mysql import MysqlEngine, MysqlUrlError
from adapters.bank2.postgres import SCHEMES as POSTGRES_SCHEMES
from adapters.bank2.postgres import PostgresEngine, PostgresUrlError
from adapters.bank2.sql_store import SqlBank2
from adapters.bank2.sqlite import SqliteEngine

_SQLITE_PREFIX = "sqlite:///"


class Bank2UrlError(ValueError):
    """``BANK2_URL`` names no engine we support, or is malformed."""


def open_bank2(url: str) -> SqlBank2:
    """Bank 2 for a URL; nothing connects until the first batch.

    ``sqlite:///bank2.db`` is a path relative to the working directory, ``sqlite:////srv/bank2.db``
    an absolute one and ``sqlite:///:memory:`` a private in-memory database.
    ``mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi&client_id=<id>`` is
    Azure SQL or SQL Server (see ``adapters.bank2.mssql_auth`` for every form).
    """
    if url.startswith(_SQLITE_PREFIX):
        path = url.removeprefix(_SQLITE_PREFIX)
        if not path:
            raise Bank2UrlError("BANK2_URL sqlite:/// needs a file path, e.g. sqlite:///bank2.db")
        return SqlBank2(SqliteEngine(path))
    scheme = url.split(":", 1)[0] if ":" in url else "(none)"
    if scheme.lower() in MSSQL_SCHEMES:
        try:
            target = parse_mssql_url(url)
        except MssqlUrlError as error:
            # Its message names the problem and never quotes the URL.
            raise Bank2UrlError(str(error)) from None
        return SqlBank2(MssqlEngine(target))
    try:
        if scheme.lower() in POSTGRES_SCHEMES:
            return SqlBank2(PostgresEngine.from_url(url))
        if scheme.lower() in MYSQL_SCHEMES:
            return SqlBank2(MysqlEngine.from_url(url))
    except (PostgresUrlError, MysqlUrlError) as error:
        # Their messages name the problem and never quote the URL.
        raise Bank2UrlError(str(error)) from None
    # Only the scheme is quoted: the rest of a URL may hold credentials.
    raise Bank2UrlError(
        f"BANK2_URL scheme {scheme!r} is not supported; use sqlite:///path/to/bank2.db, "
        "mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi, "
        "postgresql://<host>/<database> or mysql://<host>/<database>"
    )
