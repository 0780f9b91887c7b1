"""SQL Server's session settings, setup checks and migration capabilities."""

from __future__ import annotations

import re
from dataclasses import dataclass

from adapters.engines.engine import (
    Statement,
)
from adapters.engines.migrator import MigrationFacts
from service.stream.errors import StoreError, TransientStoreError


@dataclass(frozen=True, slots=True)
class SessionSql:
    """What each new connection runs before it is used: options, checks and migrations."""

    session_options: str
    compatibility_level: str  # -> one row: (compatibility_level)
    schema_migrations_exists: str  # -> one row: (object id or NULL)
    applied_migrations: str  # -> rows of (version)
    lock_migrations: str  # -> one row: (sp_getapplock's result)
    create_schema_migrations: str
    record_migration: Statement
    unlock_migrations: str


_MIGRATION_LOCK = "N'bank2.schema_migrations'"


SESSION_SQL = SessionSql(
    # XACT_ABORT ON: any run-time error, and a client-side query timeout, rolls the whole
    # transaction back instead of leaving it open with half a batch applied.
    session_options="SET XACT_ABORT ON;",
    compatibility_level="""
SELECT compatibility_level FROM sys.databases WHERE name = DB_NAME();
""",
    schema_migrations_exists="SELECT OBJECT_ID(N'dbo.schema_migrations', N'U');",
    applied_migrations="SELECT version FROM dbo.schema_migrations;",
    # A session-owned application lock: instances starting together migrate one after the
    # other. It needs no open transaction, and a dropped connection releases it. The wait is
    # shorter than the query timeout so that a timeout is reported as the lock's.
    lock_migrations=f"""
DECLARE @result INT;
EXEC @result = sp_getapplock @Resource = {_MIGRATION_LOCK}, @LockMode = N'Exclusive',
    @LockOwner = N'Session', @LockTimeout = 20000;
SELECT @result AS result;
""",
    create_schema_migrations="""
IF OBJECT_ID(N'dbo.schema_migrations', N'U') IS NULL
CREATE TABLE dbo.schema_migrations (
    version    INT           NOT NULL CONSTRAINT schema_migrations_pk PRIMARY KEY,
    name       NVARCHAR(200) NOT NULL,
    applied_at DATETIME2     NOT NULL
);
""",
    record_migration=Statement(
        """
INSERT INTO dbo.schema_migrations (version, name, applied_at)
VALUES (?, ?, SYSUTCDATETIME());
""",
        params=("version", "name"),
    ),
    unlock_migrations=f"""
EXEC sp_releaseapplock @Resource = {_MIGRATION_LOCK}, @LockOwner = N'Session';
""",
)


_APPLOCK_RETRYABLE = frozenset({-1, -3})  # timed out, chosen as deadlock victim


_GO = re.compile(r"^\s*GO\s*$", re.IGNORECASE)


def split_batches(script: str) -> list[str]:
    """Split a migration script on lines holding only ``GO``, as sqlcmd and SSMS do.

    GO is not T-SQL: it is the client's batch separator, and some statements (CREATE VIEW)
    must be alone in their batch. Batches holding only comments are dropped.
    """
    batches: list[list[str]] = [[]]
    for line in script.splitlines():
        if _GO.match(line):
            batches.append([])
        else:
            batches[-1].append(line)
    return ["\n".join(lines).strip() for lines in batches if _has_code(lines)]


def _has_code(lines: list[str]) -> bool:
    return any(line.strip() and not line.lstrip().startswith("--") for line in lines)


def _granted(result: object) -> None:
    code = int(str(result))
    if code < 0:
        error = TransientStoreError if code in _APPLOCK_RETRYABLE else StoreError
        raise error(f"migration lock not granted (sp_getapplock {code})")


# A session-owned application lock around the run; each migration's batches (GO) and its
# record are committed together, and rolled back on failure.
MIGRATIONS = MigrationFacts(
    create_table=SESSION_SQL.create_schema_migrations,
    applied=SESSION_SQL.applied_migrations,
    record=SESSION_SQL.record_migration,
    split=split_batches,
    transactional_ddl=False,
    exists=SESSION_SQL.schema_migrations_exists,
    lock=Statement(SESSION_SQL.lock_migrations),
    granted=_granted,
    unlock=SESSION_SQL.unlock_migrations,
)
