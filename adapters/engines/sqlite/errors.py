"""Which SQLite errors may pass on a new attempt."""

from __future__ import annotations

import sqlite3

TRANSIENT_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
