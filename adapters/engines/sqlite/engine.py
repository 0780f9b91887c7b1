"""Bank 2 on SQLite, through the standard library: the embedded default for local runs and tests."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from adapters.engines.engine import Connection, without_secrets
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import apply_migrations
from adapters.engines.registry import ALL_STREAMS
from adapters.engines.sqlite.errors import TRANSIENT_CODES
from adapters.engines.sqlite.session import MIGRATIONS

_BUSY_TIMEOUT_S = 5.0  # well under STATEMENT_TIMEOUT_S: a locked file is retried as transient

# The write's I/O (docs/performance.md, "SQLite's pages"). A batch upserts contacts at random
# places in the primary key, so each row dirties its own page, which a commit appends to the WAL
# and a checkpoint writes again into the database file: 1 KiB pages write a quarter of the bytes
# per row that 4 KiB ones do. The page size is fixed when the file is created (a database
# created with another keeps it); it must be set before the switch to WAL.
_PAGE_SIZE = 1024
# Checkpoint every 10,000 WAL pages (about 10 MiB) instead of SQLite's 1,000: a page rewritten
# by many batches in between reaches the database file once.
_WAL_AUTOCHECKPOINT_PAGES = 10_000
# Temporary storage in memory: a statement that writes many rows inside a transaction (the
# batch's upsert, its removal log) keeps the pages it changes in a statement journal, to undo
# the statement alone if it fails; past 64 KiB SQLite spills that journal to a temporary file,
# which then took 40 % of the write calls and a third of the bytes a batch wrote. Kept in memory
# it costs at most the pages one statement changes, and those pages, names and phones included,
# never reach a temporary file on disk. Recovery does not depend on it: the WAL does that.
_TEMP_STORE = "MEMORY"

_WAL_RETRY_PAUSE_S = 0.01


class SqliteEngine:
    """A SQLite file (or ``:memory:``) as Bank 2."""

    name = "sqlite"
    # The migration streams applied at connect: the consumers this database serves.
    streams: tuple[str, ...] = ALL_STREAMS
    # OSError: the database file's folder cannot be created or opened.
    driver_errors: tuple[type[BaseException], ...] = (sqlite3.Error, OSError)

    def __init__(self, path: str, setting: str = "BANK2_URL") -> None:
        self.path = path
        self.location = path
        self.setting = setting

    def connect(self) -> Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are begun explicitly, as BEGIN IMMEDIATE, so that a
        # second writer waits for the lock up front instead of failing on upgrade mid-batch.
        connection = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        try:
            # WAL: telesales read while a batch is written. FULL: a commit reaches the disk
            # before the function returns and the host commits the Kafka offset; with NORMAL a
            # power cut could roll back a batch whose offsets Kafka has already passed.
            connection.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
            _enable_wal(connection)
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute(f"PRAGMA wal_autocheckpoint = {_WAL_AUTOCHECKPOINT_PAGES}")
            connection.execute(f"PRAGMA temp_store = {_TEMP_STORE}")
            apply_migrations(connection, MIGRATIONS, migrations_for(self.name, self.streams))
        except BaseException:
            connection.close()
            raise
        return connection

    def begin(self, connection: Connection) -> None:
        connection.cursor().execute("BEGIN IMMEDIATE")

    def timestamp(self, moment: datetime) -> object:
        # ISO 8601 in UTC with fixed precision, so that text order is time order.
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def is_transient(self, error: BaseException) -> bool:
        return getattr(error, "sqlite_errorcode", None) in TRANSIENT_CODES or (
            isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
        )

    def describe(self, error: BaseException) -> str:
        code = getattr(error, "sqlite_errorname", None)
        return f"{type(error).__name__} {code}" if code else type(error).__name__

    def reason(self, error: BaseException) -> str | None:
        # SQLite never quotes bound values in its messages, but a constraint or data error is
        # about a row: those show their code only, like every engine's.
        if isinstance(error, sqlite3.IntegrityError | sqlite3.DataError):
            return None
        return without_secrets(str(error), ())


def _enable_wal(connection: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting for another connection that holds it.

    The switch takes an exclusive lock without calling the busy handler, so a second instance
    opening the same new file at that moment fails at once ("database is locked"): it waits here
    as long as the busy timeout would have.
    """
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(_WAL_RETRY_PAUSE_S)
        else:
            return
