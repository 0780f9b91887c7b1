"""Choosing the engine from a database URL setting (``BANK2_URL``, ``PAYMENTS_DB_URL``), through
the registry (``adapters.engines.registry``): only the engine the URL names is imported."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.engines.database import SqlBank2
from adapters.engines.engine import Engine, UrlError
from adapters.engines.registry import ALL_STREAMS, ENGINES, STREAMS, engine_class, for_scheme

_SQLITE_PREFIX = "sqlite:///"


class Bank2UrlError(UrlError):
    """The setting names no engine we support, or is malformed."""


def open_bank2(
    url: str, setting: str = "BANK2_URL", streams: Iterable[str] = ALL_STREAMS
) -> SqlBank2:
    """The database a URL names, read from the app setting ``setting``; nothing connects until
    the first batch. Every error, now or when connecting, names that setting.

    ``streams`` names the consumers whose migrations the first connection applies
    (``customers``, ``payments``; all by default): a payments database gets only the payment
    processor's tables.

    ``sqlite:///bank2.db`` is a path relative to the working directory, ``sqlite:////srv/bank2.db``
    an absolute one and ``sqlite:///:memory:`` a private in-memory database.
    ``mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi&client_id=<id>`` is
    Azure SQL or SQL Server (see ``adapters.engines.mssql.url`` for every form).
    """
    chosen = tuple(dict.fromkeys(streams))
    unknown = [name for name in chosen if name not in STREAMS]
    if unknown or not chosen:
        raise ValueError(f"migration streams must be among {', '.join(STREAMS)}")
    try:
        engine = _engine(url, setting)
    except UrlError as error:
        problem = error.problem
    else:
        engine.streams = chosen
        return SqlBank2(engine)
    # Raised outside the handler, so that no part of the URL rides along in the error's chain.
    raise Bank2UrlError(problem, setting)


def _engine(url: str, setting: str) -> Engine:
    if url.startswith(_SQLITE_PREFIX):
        path = url.removeprefix(_SQLITE_PREFIX)
        if not path:
            raise UrlError("sqlite:/// needs a file path, e.g. sqlite:///bank2.db")
        engine: Engine = engine_class(ENGINES["sqlite"])(path, setting)
        return engine
    scheme = url.split(":", 1)[0] if ":" in url else "(none)"
    entry = for_scheme(scheme)
    if entry is not None and entry.name != "sqlite":
        opened: Engine = engine_class(entry).from_url(url, setting)
        return opened
    # Only the scheme is quoted: the rest of a URL may hold credentials.
    raise UrlError(
        f"scheme {scheme!r} is not supported; use sqlite:///path/to/bank2.db, "
        "mssql+pyodbc://<server>/<database>?authentication=ActiveDirectoryMsi, "
        "postgresql://<host>/<database> or mysql://<host>/<database>"
    )
