"""The one migration algorithm, run by every engine with the capabilities it declares.

Each connection applies the missing migrations of the streams its database serves, safely when
several instances start together:

* where the engine can check without a lock (``exists`` declared), the usual case, nothing to
  apply, takes no lock and needs no DDL rights: only SELECT on ``schema_migrations``;
* with transactional DDL, each migration runs in one transaction (begun by ``begin``), under a
  transaction-scoped lock if the engine has one, together with its record: a failure leaves
  neither tables nor record;
* otherwise (DDL commits implicitly) a session lock is held across the run, each migration's
  statements are idempotent, and its version is recorded once they all succeeded. A dropped
  connection releases the lock: on failure the caller closes it.

Versions are read again under the lock: another instance may have applied them meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any

from adapters.engines.engine import Statement
from adapters.engines.migrations import Migration
from service.stream.errors import StoreError


@dataclass(frozen=True, slots=True)
class MigrationFacts:
    """How one engine keeps ``schema_migrations``, locks and splits a script."""

    create_table: str  # creates schema_migrations where it is missing
    applied: str  # -> rows of (version)
    record: Statement  # parameters among version, name, applied_at (ISO 8601 UTC text)
    split: Callable[[str], list[str]]  # a script into what one execute() may send
    transactional_ddl: bool
    # -> one row, its first column true or non-NULL when schema_migrations exists; None where
    # the table is created first (no lock-free check).
    exists: str | None = None
    begin: str | None = None  # starts a migration's transaction; None: the driver does
    lock: Statement | None = None  # per transaction with transactional DDL, else per session
    lock_values: Mapping[str, object] = field(default_factory=dict)
    # Checks the first column of the lock's row; None: the lock returns nothing to check.
    granted: Callable[[object], None] | None = None
    unlock: str | None = None


def apply_migrations(
    connection: Any, facts: MigrationFacts, migrations: Sequence[Migration]
) -> None:
    """Apply the missing ``migrations``, in order; safe to run concurrently."""
    cursor = connection.cursor()
    try:
        wanted = {migration.version for migration in migrations}
        if facts.exists is not None and wanted <= _applied(cursor, facts, check=True):
            connection.commit()
            return
        if facts.transactional_ddl:
            for migration in migrations:
                work = partial(_locked_one, cursor, facts, migration)
                _in_transaction(connection, cursor, facts, work)
            return
        _lock(cursor, facts)
        cursor.execute(facts.create_table)
        connection.commit()
        applied = _applied(cursor, facts, check=False)
        for migration in migrations:
            if migration.version not in applied:
                _in_transaction(connection, cursor, facts, partial(_run, cursor, facts, migration))
        if facts.unlock is not None:
            cursor.execute(facts.unlock)
            if cursor.description is not None:
                cursor.fetchall()
            connection.commit()
    finally:
        cursor.close()


def _in_transaction(
    connection: Any, cursor: Any, facts: MigrationFacts, work: Callable[[], None]
) -> None:
    if facts.begin is not None:
        cursor.execute(facts.begin)
    try:
        work()
        connection.commit()
    except BaseException:
        with contextlib.suppress(Exception):  # the migration's error is the one to report
            connection.rollback()
        raise


def _locked_one(cursor: Any, facts: MigrationFacts, migration: Migration) -> None:
    _lock(cursor, facts)
    cursor.execute(facts.create_table)
    if migration.version not in _applied(cursor, facts, check=False):
        _run(cursor, facts, migration)


def _run(cursor: Any, facts: MigrationFacts, migration: Migration) -> None:
    for part in facts.split(migration.script):
        cursor.execute(part)
    values = {
        "version": migration.version,
        "name": migration.name,
        "applied_at": datetime.now(UTC).isoformat(),
    }
    chosen = {name: value for name, value in values.items() if name in facts.record.params}
    cursor.execute(facts.record.sql, facts.record.bind(chosen))


def _lock(cursor: Any, facts: MigrationFacts) -> None:
    if facts.lock is None:
        return
    cursor.execute(facts.lock.sql, facts.lock.bind(facts.lock_values))
    if facts.granted is not None:
        facts.granted(first_row(cursor)[0])


def _applied(cursor: Any, facts: MigrationFacts, *, check: bool) -> set[int]:
    if check and facts.exists is not None:
        cursor.execute(facts.exists)
        found = first_row(cursor)[0]
        if found is None or found is False or found == 0:
            return set()
    cursor.execute(facts.applied)
    return {int(row[0]) for row in cursor.fetchall()}


def first_row(cursor: Any) -> Any:
    """The first row of the first result set, skipping any row-count-only results."""
    nextset = getattr(cursor, "nextset", None)
    while cursor.description is None and nextset is not None and nextset():
        pass
    row = cursor.fetchone() if cursor.description is not None else None
    if row is None:
        raise StoreError("setup query returned no row")
    return row


def split_on_semicolons(script: str) -> list[str]:
    """Split a script on ``;`` (our scripts keep ``;`` out of literals and comments); lines
    starting with ``--`` are comments and are dropped first."""
    code = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    return [part.strip() for part in code.split(";") if part.strip()]


def whole(script: str) -> list[str]:
    """The script as one request (a driver that runs several statements in one round trip)."""
    return [script]
