"""PostgreSQL's session settings, the statements run at connect, and its migration capabilities."""

from __future__ import annotations

from adapters.engines.engine import (
    Statement,
)
from adapters.engines.migrator import MigrationFacts, whole

# READ COMMITTED is enough: every statement above is one atomic conditional upsert (or delete)
# per row, and the batch's read (applied offsets) only lets the service skip
# work early, never decide alone what is written. It is named explicitly so that a server whose
# default is SERIALIZABLE behaves the same (and does not fail batches with 40001 needlessly).
# SET LOCAL scopes the limits to this transaction, so they also hold behind a pooler in
# transaction mode and never leak into a role's or database's own settings:
# * lock_timeout: a writer waiting on rows that another instance locked (a rebalance) gives up
#   with 55P03, which is retried, instead of waiting for as long as that instance hangs;
# * statement_timeout: bounds each statement well inside the retry budget (57014, retried);
# * idle_in_transaction_session_timeout: if this process stalls mid-batch, the server ends the
#   session and releases its locks instead of blocking the other instances.
# Sent as one simple-protocol query: one round trip.
BEGIN = (
    "BEGIN ISOLATION LEVEL READ COMMITTED;"
    " SET LOCAL lock_timeout = '20s';"
    " SET LOCAL statement_timeout = '30s';"
    " SET LOCAL idle_in_transaction_session_timeout = '60s'"
)


# Any fixed bigint works as long as no other application on the database uses it: "bank2" in
# ASCII.
MIGRATION_LOCK_KEY = 0x62616E6B32


# to_regclass resolves the name through search_path, as the unqualified names everywhere do, and
# returns NULL instead of failing when the table does not exist.
SERVER_ENCODING = "SHOW server_encoding"


SCHEMA_MIGRATIONS_EXISTS = "SELECT to_regclass('schema_migrations') IS NOT NULL"


APPLIED_MIGRATIONS = "SELECT version FROM schema_migrations"


# Transaction-scoped: released at COMMIT or ROLLBACK, and when the session dies.
LOCK_MIGRATIONS = "SELECT pg_advisory_xact_lock(%s)"


# IF NOT EXISTS is safe here only because the lock is held: two sessions creating the same table
# concurrently may otherwise fail on a catalog unique index.
CREATE_SCHEMA_MIGRATIONS = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer      NOT NULL PRIMARY KEY,
    name       varchar(200) NOT NULL,
    applied_at timestamptz  NOT NULL
)
"""


RECORD_MIGRATION = (
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, now())"
)


# DDL is transactional: each migration runs in one transaction with its record, under the
# advisory lock; psycopg sends a script without parameters with the simple query protocol,
# which runs several statements in one round trip.
MIGRATIONS = MigrationFacts(
    create_table=CREATE_SCHEMA_MIGRATIONS,
    applied=APPLIED_MIGRATIONS,
    record=Statement(RECORD_MIGRATION, params=("version", "name")),
    split=whole,
    transactional_ddl=True,
    exists=SCHEMA_MIGRATIONS_EXISTS,
    begin="BEGIN",
    lock=Statement(LOCK_MIGRATIONS, params=("key",)),
    lock_values={"key": MIGRATION_LOCK_KEY},
)
