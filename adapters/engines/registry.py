"""Every engine Bank 2 runs on, and every consumer's migration stream: the one list that the
URL dispatch, the stores, the migrations, the tests and the benchmark read.

Adding an engine: its package ``adapters/engines/<name>/`` (``engine``, ``session``, ``errors``,
``url``, ``rejects``; ``privileges.sql`` if it has logins), one line in ``ENGINES``, and for each
consumer its
statements (``adapters/<consumer>/sql/<name>.py``) and its migrations
(``adapters/<consumer>/migrations/<name>/``); tests/databases.py says how the tests reach it.
Nothing here imports an engine's package or its driver: ``engine_class`` does, when a URL names
that engine.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_ADAPTERS = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class EngineEntry:
    """What the rest of the code needs to know about an engine without importing it."""

    name: str  # canonical: Engine.name, the folder of its statements and migrations
    module: str  # the module that holds the engine class
    engine_class: str
    schemes: frozenset[str]  # URL schemes (lower case) that name it, aliases included
    # The least-privilege script a DBA runs, relative to the repository; None where none exists.
    privileges: str | None


ENGINES: dict[str, EngineEntry] = {
    entry.name: entry
    for entry in (
        EngineEntry(
            "sqlite", "adapters.engines.sqlite.engine", "SqliteEngine", frozenset({"sqlite"}), None
        ),
        EngineEntry(
            "postgresql",
            "adapters.engines.postgresql.engine",
            "PostgresEngine",
            frozenset({"postgresql", "postgres"}),
            "adapters/engines/postgresql/privileges.sql",
        ),
        EngineEntry(
            "mysql",
            "adapters.engines.mysql.engine",
            "MysqlEngine",
            frozenset({"mysql", "mysql+pymysql", "mariadb"}),
            "adapters/engines/mysql/privileges.sql",
        ),
        EngineEntry(
            "mssql",
            "adapters.engines.mssql.engine",
            "MssqlEngine",
            frozenset({"mssql", "mssql+pyodbc"}),
            "adapters/engines/mssql/privileges.sql",
        ),
    )
}

# Each consumer's migration stream: the package holding one folder of NNNN_name.sql per engine.
# Versions are numbered across streams (the customer projection has 1 and 3, the payment
# processor 2 and 4), so that schema_migrations means what it always meant.
STREAMS: dict[str, str] = {
    "customers": "adapters.customers.migrations",
    "payments": "adapters.payments.migrations",
}
ALL_STREAMS: tuple[str, ...] = tuple(STREAMS)

# Names the tests and the benchmark use for a server, mapped to the engine they run.
_ALIASES = {"postgres": "postgresql", "mariadb": "mysql"}


def canonical(name: str) -> str:
    """The engine's canonical name for a name or an alias (``postgres``, ``mariadb``)."""
    name = _ALIASES.get(name.lower(), name.lower())
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
    return name


def for_scheme(scheme: str) -> EngineEntry | None:
    """The engine a URL scheme names, if any."""
    return next((e for e in ENGINES.values() if scheme.lower() in e.schemes), None)


def engine_class(entry: EngineEntry) -> Any:
    """The engine's class, its module imported now (its driver still only when connecting)."""
    return getattr(importlib.import_module(entry.module), entry.engine_class)


def privileges_script(name: str) -> Path | None:
    """The engine's least-privilege script, if it has one."""
    relative = ENGINES[canonical(name)].privileges
    return None if relative is None else _ADAPTERS.parent / relative
