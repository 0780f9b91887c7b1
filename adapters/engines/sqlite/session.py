"""SQLite's migration capabilities: BEGIN IMMEDIATE holds the write lock."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.engines.migrator import MigrationFacts, split_on_semicolons

# BEGIN IMMEDIATE takes the database's write lock: each migration runs in one transaction
# with its record, one instance at a time.
MIGRATIONS = MigrationFacts(
    create_table=(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    ),
    applied="SELECT version FROM schema_migrations",
    record=Statement(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        params=("version", "name", "applied_at"),
    ),
    split=split_on_semicolons,
    transactional_ddl=True,
    begin="BEGIN IMMEDIATE",
)
