"""Statements written once for every engine: plain SQL whose parameters are ``:name``.

The batch path's statements are each engine's own (``adapters/<consumer>/sql/<engine>.py``),
tuned to its dialect. The privacy officer's reads and deletes are plain SQL that every engine
speaks alike; only the parameter marker differs (sqlite3 and pyodbc take ``?``, psycopg and
PyMySQL ``%s``). Such SQL must hold no ``%`` (PyMySQL and psycopg would read it as a marker) and
no ``::`` cast (it would read as a parameter).
"""

from __future__ import annotations

import re

from adapters.engines.engine import Statement

# The DB-API parameter marker of each registered engine's driver
# (tests/engines/test_registry.py checks that every engine has one).
MARKERS = {"sqlite": "?", "postgresql": "%s", "mysql": "%s", "mssql": "?"}
_PARAMETER = re.compile(r":([a-z_][a-z0-9_]*)")


def portable(sql: str, engine: str) -> Statement:
    """``sql`` for the engine of this name: each ``:name`` becomes its marker, bound in order
    (a name used twice is bound twice)."""
    if "%" in sql or "::" in sql:
        raise ValueError("portable SQL holds no '%' and no '::'")
    marker = MARKERS[engine]
    return Statement(_PARAMETER.sub(marker, sql), params=tuple(_PARAMETER.findall(sql)))
