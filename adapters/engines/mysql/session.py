"""MySQL's session settings and its migration capabilities."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.engines.engine import (
    Statement,
)
from adapters.engines.migrator import MigrationFacts
from adapters.engines.migrator import split_on_semicolons as split_statements
from service.stream.errors import StoreError, TransientStoreError


@dataclass(frozen=True, slots=True)
class SessionSql:
    """What each new connection runs before it is used: options and migrations."""

    session_options: tuple[str, ...]
    session_cipher: str  # -> one row: (name, the TLS cipher in use or '')
    begin: str
    schema_migrations_exists: str  # -> one row: (count)
    applied_migrations: str  # -> rows of (version)
    lock_migrations: str  # -> one row: (1 granted, 0 timed out, NULL error)
    create_schema_migrations: str
    record_migration: Statement
    unlock_migrations: str


# GET_LOCK names are server-wide; one lock per database keeps two Bank 2 databases on one
# server from waiting on each other. 24 characters + a 40-digit SHA-1 = MySQL's 64 maximum.
_MIGRATION_LOCK = "CONCAT('bank2.schema_migrations.', SHA1(DATABASE()))"


_MIGRATION_LOCK_TIMEOUT_S = 20


SESSION_SQL = SessionSql(
    session_options=(
        # TRADITIONAL is strict mode: a value too long or of the wrong type fails the statement
        # instead of being truncated or zeroed with a warning. Setting the whole mode also drops
        # whatever the server's default holds (ANSI_QUOTES, NO_BACKSLASH_ESCAPES...), so the
        # statements above parse the same on every server. The lock wait is shorter than the
        # client's read timeout, so a lock wait ends as error 1205 (transient) on a connection
        # that is still usable, not as a lost connection.
        "SET SESSION sql_mode = 'TRADITIONAL', SESSION innodb_lock_wait_timeout = 20",
        # READ COMMITTED is enough: every write is one conditional upsert whose comparison runs
        # on the row it has locked, atomically per row, so no decision rests on an earlier read.
        # It also takes no gap locks on reads, which makes deadlocks between two instances
        # racing on the same customers rarer. It needs row-based (or mixed) binary logging,
        # the default of MySQL 8, MariaDB and Azure; with binlog_format=STATEMENT every write
        # fails with error 1665.
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    ),
    session_cipher="SHOW SESSION STATUS LIKE 'Ssl_cipher'",
    begin="START TRANSACTION",
    schema_migrations_exists="""
SELECT COUNT(*) FROM information_schema.TABLES
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'
""",
    applied_migrations="SELECT version FROM schema_migrations",
    # A session-level named lock: instances starting together migrate one after the other. It
    # survives commits (DDL commits implicitly), and a dropped connection releases it.
    lock_migrations=f"SELECT GET_LOCK({_MIGRATION_LOCK}, {_MIGRATION_LOCK_TIMEOUT_S})",
    create_schema_migrations="""
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INT          NOT NULL PRIMARY KEY,
    name       VARCHAR(200) CHARACTER SET utf8mb4 NOT NULL,
    applied_at DATETIME(6)  NOT NULL
) ENGINE = InnoDB
""",
    record_migration=Statement(
        """
INSERT INTO schema_migrations (version, name, applied_at)
VALUES (%s, %s, UTC_TIMESTAMP(6))
""",
        params=("version", "name"),
    ),
    unlock_migrations=f"SELECT RELEASE_LOCK({_MIGRATION_LOCK})",
)


def _granted(result: object) -> None:
    if result != 1:
        error = TransientStoreError if result == 0 else StoreError
        raise error("migration lock not granted (GET_LOCK)")


# MySQL commits every DDL statement implicitly, so a migration cannot run in one transaction:
# its statements are idempotent instead, run under a session lock.
MIGRATIONS = MigrationFacts(
    create_table=SESSION_SQL.create_schema_migrations,
    applied=SESSION_SQL.applied_migrations,
    record=SESSION_SQL.record_migration,
    split=split_statements,
    transactional_ddl=False,
    exists=SESSION_SQL.schema_migrations_exists,
    lock=Statement(SESSION_SQL.lock_migrations),
    granted=_granted,
    unlock=SESSION_SQL.unlock_migrations,
)
