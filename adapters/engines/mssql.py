"""Bank 2 on Azure SQL Database / SQL Server, in T-SQL through pyodbc and ODBC Driver 18.

pyodbc is imported only when a connection is opened or a driver error is classified: importing
this module must stay cheap and must work where the ODBC driver manager is not installed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.engines.engine import (
    CONNECT_TIMEOUT_S,
    STATEMENT_TIMEOUT_S,
    Connection,
    ProjectionSql,
    close_quietly,
    import_driver,
    loaded_driver,
    without_secrets,
)
from adapters.engines.migrations import Migration, migrations_for
from adapters.engines.mssql_auth import (
    SQL_COPT_SS_ACCESS_TOKEN,
    Authentication,
    AzureIdentityToken,
    MssqlTarget,
    connection_string,
    pack_access_token,
)
from service.stream.errors import StoreError, TransientStoreError

# T-SQL notes that hold for every statement below:
# * Rows travel as ONE NVARCHAR(MAX) JSON parameter expanded by OPENJSON, because a
#   request takes at most 2,100 parameters and a batch must cost one round trip whatever its
#   size. Arrays are read by position ('$[0]'...). OPENJSON needs compatibility level >= 130.
# * ``DECLARE @x ... = ?`` prologues name the positional parameters, in the order ProjectionSql
#   documents, so a value can be used twice, and fix the JSON's type as NVARCHAR(MAX) however
#   the driver binds a long string.
# * OPENJSON's text columns are declared wider than the table's (JSON_VALUE returns up to
#   NVARCHAR(4000)): a value too long for its column then fails the batch loudly (error 2628)
#   instead of being cut short silently.
# * JSON values carry the database's default collation, often case-insensitive, while
#   identifiers and versions are stored in Latin1_General_BIN2 (exact, and text order = version
#   order). Incoming keys are therefore collated to Latin1_General_BIN2 before they are compared,
#   grouped or ordered; mixing two collations would also fail with error 468.
# * MERGE ... WITH (HOLDLOCK) runs the MERGE serializable: the key-range lock stops two
#   instances racing on a customer that is not there yet from both inserting it (the loser
#   waits, then updates or skips). A deadlock between them (1205) is transient and retried.
# * MERGE must end with a semicolon; the statement before a WITH (CTE) must end with one too.
# * MERGE fails (8672) if two source rows hit one target row, so each source is deduplicated
#   per key first, keeping what SQLite keeps (the newest version, the first on a tie).
SQL = ProjectionSql(
    applied_offsets="""
SELECT topic, kafka_partition, last_offset
FROM dbo.consumer_offsets
WHERE consumer_group = ?;
""",
    # UPDLOCK, HOLDLOCK: the rows read (and the key ranges of those not there) stay locked
    # until the transaction ends, so the upsert writes over exactly what was read.
    held_contacts="""
DECLARE @customer_ids_json NVARCHAR(MAX) = ?;
SELECT customer_id, version, name, phone, region, region_from_state,
       CAST(CASE WHEN removed_at IS NULL THEN 0 ELSE 1 END AS BIT) AS removed
FROM dbo.contact_state WITH (UPDLOCK, HOLDLOCK)
WHERE customer_id IN (
    SELECT CAST(j.[value] AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
    FROM OPENJSON(@customer_ids_json) AS j
);
""",
    # OPENJSON's default schema gives each row's JSON text ([value]) and its position in the
    # array ([key]), the tie-breaker for equal versions. (OPENJSON ... WITH over one row's array
    # would iterate the row's elements instead, so its fields are read with JSON_VALUE.)
    # DATETIME2 has no offset: @now is naive UTC (see MssqlEngine.timestamp).
    write_contacts="""
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT JSON_VALUE(r.[value], '$[0]') COLLATE Latin1_General_BIN2 AS customer_id,
           JSON_VALUE(r.[value], '$[1]') COLLATE Latin1_General_BIN2 AS version,
           JSON_VALUE(r.[value], '$[2]') AS name,
           JSON_VALUE(r.[value], '$[3]') AS phone,
           JSON_VALUE(r.[value], '$[4]') AS region,
           CAST(JSON_VALUE(r.[value], '$[5]') AS BIT) AS removed,
           CAST(JSON_VALUE(r.[value], '$[6]') AS BIT) AS region_from_state,
           CAST(r.[key] AS INT) AS batch_position
    FROM OPENJSON(@rows_json) AS r
), ranked AS (
    SELECT customer_id, version, name, phone, region, removed, region_from_state,
           ROW_NUMBER() OVER (
               PARTITION BY customer_id ORDER BY version DESC, batch_position
           ) AS rank_in_batch
    FROM incoming
)
MERGE dbo.contact_state WITH (HOLDLOCK) AS t
USING (
    SELECT customer_id, version, name, phone, region, removed, region_from_state
    FROM ranked
    WHERE rank_in_batch = 1
) AS s
ON t.customer_id = s.customer_id
WHEN MATCHED AND s.version > t.version THEN UPDATE SET
    version = s.version, name = s.name, phone = s.phone, region = s.region,
    region_from_state = s.region_from_state,
    removed_at = CASE WHEN s.removed = 1 THEN @now END,
    updated_at = @now
WHEN NOT MATCHED THEN
    INSERT (customer_id, version, name, phone, region, region_from_state, removed_at,
            updated_at)
    VALUES (s.customer_id, s.version, s.name, s.phone, s.region, s.region_from_state,
            CASE WHEN s.removed = 1 THEN @now END, @now)
OUTPUT inserted.customer_id;
""",
    # MERGE's OUTPUT names the rows it inserted or updated (not those its AND condition
    # skipped): no need to read the stored versions first.
    stored_versions=None,
    # Through the primary key (topic, kafka_partition, kafka_offset): one range seek per span.
    rejects_between="""
DECLARE @spans_json NVARCHAR(MAX) = ?;
SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason
FROM OPENJSON(@spans_json) WITH (
    topic           NVARCHAR(4000) '$[0]',
    kafka_partition INT            '$[1]',
    first_offset    BIGINT         '$[2]',
    last_offset     BIGINT         '$[3]'
) AS s
JOIN dbo.rejected_messages AS r
  ON r.topic = s.topic COLLATE Latin1_General_BIN2 AND r.kafka_partition = s.kafka_partition
 AND r.kafka_offset BETWEEN s.first_offset AND s.last_offset;
""",
    # A message rejected twice keeps its first record: only missing keys are inserted.
    record_rejects="""
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT j.topic COLLATE Latin1_General_BIN2 AS topic, j.kafka_partition, j.kafka_offset,
           j.reason
    FROM OPENJSON(@rows_json) WITH (
        topic           NVARCHAR(4000) '$[0]',
        kafka_partition INT            '$[1]',
        kafka_offset    BIGINT         '$[2]',
        reason          NVARCHAR(4000) '$[3]'
    ) AS j
)
MERGE dbo.rejected_messages WITH (HOLDLOCK) AS t
USING (
    SELECT topic, kafka_partition, kafka_offset, MIN(reason) AS reason
    FROM incoming
    GROUP BY topic, kafka_partition, kafka_offset
) AS s
ON t.topic = s.topic AND t.kafka_partition = s.kafka_partition
   AND t.kafka_offset = s.kafka_offset
WHEN NOT MATCHED THEN
    INSERT (topic, kafka_partition, kafka_offset, reason, rejected_at)
    VALUES (s.topic, s.kafka_partition, s.kafka_offset, s.reason, @now);
""",
    # The group is a source column, not a filter in ON: MERGE's documentation warns that
    # filtering the target in ON can give wrong results. Offsets keep their maximum (there is
    # no GREATEST before SQL Server 2022), so a late, older batch never moves them back.
    advance_offsets="""
DECLARE @consumer_group NVARCHAR(4000) = ?;
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT @consumer_group COLLATE Latin1_General_BIN2 AS consumer_group,
           j.topic COLLATE Latin1_General_BIN2 AS topic, j.kafka_partition, j.last_offset
    FROM OPENJSON(@rows_json) WITH (
        topic           NVARCHAR(4000) '$[0]',
        kafka_partition INT            '$[1]',
        last_offset     BIGINT         '$[2]'
    ) AS j
)
MERGE dbo.consumer_offsets WITH (HOLDLOCK) AS t
USING (
    SELECT consumer_group, topic, kafka_partition, MAX(last_offset) AS last_offset
    FROM incoming
    GROUP BY consumer_group, topic, kafka_partition
) AS s
ON t.consumer_group = s.consumer_group AND t.topic = s.topic
   AND t.kafka_partition = s.kafka_partition
WHEN MATCHED THEN UPDATE SET
    last_offset = CASE WHEN s.last_offset > t.last_offset THEN s.last_offset
                       ELSE t.last_offset END,
    updated_at = @now
WHEN NOT MATCHED THEN
    INSERT (consumer_group, topic, kafka_partition, last_offset, updated_at)
    VALUES (s.consumer_group, s.topic, s.kafka_partition, s.last_offset, @now);
""",
    # No prologue: the caller reads the DELETE's row count, the batch's first and only one.
    purge_removal_markers="""
DELETE FROM dbo.contact_state
WHERE removed_at IS NOT NULL AND removed_at < ?;
""",
)


@dataclass(frozen=True, slots=True)
class SessionSql:
    """What each new connection runs before it is used: options, checks and migrations."""

    session_options: str  # ()
    compatibility_level: str  # () -> one row: (compatibility_level)
    schema_migrations_exists: str  # () -> one row: (object id or NULL)
    applied_migrations: str  # () -> rows of (version)
    lock_migrations: str  # () -> one row: (sp_getapplock's result)
    create_schema_migrations: str  # ()
    record_migration: str  # (version, name)
    unlock_migrations: str  # ()


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
    record_migration="""
INSERT INTO dbo.schema_migrations (version, name, applied_at)
VALUES (?, ?, SYSUTCDATETIME());
""",
    unlock_migrations=f"""
EXEC sp_releaseapplock @Resource = {_MIGRATION_LOCK}, @LockOwner = N'Session';
""",
)

# Azure SQL's documented transient errors (926, 4060, 40197, 40501, 40613, 49918-49920, 4221,
# 615), plus deadlock victim (1205), lock request timeout (1222), resource limits (10928,
# 10929), transaction aborted by failover (40143), service error (40540), and connection-level
# failures: no process on the pipe's other end (233), TCP aborts and resets (10053, 10054),
# connect timeout (10060) and transport errors (64).
TRANSIENT_ERROR_NUMBERS = frozenset(
    {926, 4060, 40197, 40501, 40613, 49918, 49919, 49920, 4221, 615}
    | {1205, 1222, 10928, 10929, 40143, 40540, 233, 10053, 10054, 10060, 64}
)
# 08xxx: connection exceptions; HYT00/HYT01: query and connection timeouts; 40001: deadlock.
_TRANSIENT_SQLSTATES = frozenset({"HYT00", "HYT01", "40001"})
# The server refused the sign-in, whatever class the driver gives the error: login failed
# (18456, also an identity that is no database user), password expired or must change (18487,
# 18488), account disabled (18470), not an Entra-trusted login (18452), the firewall refuses the
# client's address (40615), the server name is wrong (40532), the login's default database
# cannot be opened (4064). Retrying cannot fix these: the batch fails at once.
_SIGN_IN_REFUSED = frozenset({18456, 18487, 18488, 18470, 18452, 40615, 40532, 4064})
# Errors whose message names logins, servers, databases, objects or states, never a row's
# values: the sign-in refusals above, permissions (229, 230, 262, 916), missing objects (208,
# 207 invalid column, 2812 missing procedure) and the passing conditions; SQLSTATEs of
# connections (08), sign-in (28), timeouts (HYT) and the driver manager (IM). Data errors
# (duplicate key 2627 and 2601, truncation 2628 and 8152, conversion 245, constraints 547) quote
# values: they show their number only.
_NAMING_ERROR_NUMBERS = (
    _SIGN_IN_REFUSED | frozenset({229, 230, 262, 916, 208, 207, 2812}) | TRANSIENT_ERROR_NUMBERS
)
_NAMING_SQLSTATE_PREFIXES = ("08", "28", "IM", "HYT")
# ODBC Driver 18's words for a server certificate it refuses (OpenSSL's on Linux, SChannel's on
# Windows): reported as a connection failure (08001), it is a setting to fix.
_CERTIFICATE_REFUSED = re.compile(
    r"certificate verify failed|certificate chain was issued by an authority that is not trusted",
    re.IGNORECASE,
)

_MIN_COMPATIBILITY_LEVEL = 130  # OPENJSON
_LOGIN_TIMEOUT_S = CONNECT_TIMEOUT_S
_QUERY_TIMEOUT_S = STATEMENT_TIMEOUT_S
_APPLOCK_RETRYABLE = frozenset({-1, -3})  # timed out, chosen as deadlock victim

_SQLSTATE = re.compile(r"[0-9A-Z]{5}")
_BRACKETED_SQLSTATE = re.compile(r"^\[([0-9A-Z]{5})\]")
# pyodbc writes each diagnostic record as "[SQLSTATE] message (native number)", the first one
# followed by " (ODBC function)", later ones separated by "; ".
_NATIVE_NUMBER = re.compile(r"\((-?\d+)\)(?= \(SQL\w*\)|;|\s*$)")
_GO = re.compile(r"^\s*GO\s*$", re.IGNORECASE)

TokenProvider = Callable[[], str]


class MssqlEngine:
    """Azure SQL Database or SQL Server as Bank 2."""

    name = "mssql"
    sql = SQL

    def __init__(
        self,
        target: MssqlTarget,
        *,
        token: TokenProvider | None = None,
        setting: str = "BANK2_URL",
    ) -> None:
        self.target = target
        self.setting = setting
        identity = target.user if target.authentication is Authentication.SQL_LOGIN else None
        self.location = (
            f"{identity + '@' if identity else ''}{target.server}:{target.port}/{target.database}"
            f" ({target.authentication.value})"
        )
        self._token = token or AzureIdentityToken(target.client_id)

    def __repr__(self) -> str:
        return f"MssqlEngine({self.target!r})"

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        pyodbc = loaded_driver("pyodbc")
        # Without pyodbc no driver error can exist, and ``except ()`` catches nothing.
        return (pyodbc.Error,) if pyodbc is not None else ()

    def connect(self) -> Connection:
        pyodbc = import_driver("pyodbc", "install unixODBC and Microsoft ODBC Driver 18")
        # Without this check a missing driver surfaces as SQLSTATE 01000, native error 0.
        installed = pyodbc.drivers()
        if self.target.driver not in installed:
            raise StoreError(
                f"ODBC driver {self.target.driver!r} is not installed "
                f"(installed: {', '.join(installed) or 'none'}); set driver= in {self.setting}"
            )
        options: dict[str, Any] = {"autocommit": False, "timeout": _LOGIN_TIMEOUT_S}
        if self.target.authentication is Authentication.ACCESS_TOKEN:
            # Fetched for every physical connection: the server checks a token only at login.
            options["attrs_before"] = {SQL_COPT_SS_ACCESS_TOKEN: pack_access_token(self._fetch())}
        connection = pyodbc.connect(connection_string(self.target), **options)
        opened: Connection = connection
        try:
            connection.timeout = _QUERY_TIMEOUT_S
            cursor = connection.cursor()
            cursor.execute(SESSION_SQL.session_options)
            _check_compatibility_level(cursor)
            _migrate(connection, migrations_for("mssql"))
            connection.commit()
        except BaseException:
            close_quietly(connection)
            raise
        return opened

    def begin(self, connection: Connection) -> None:
        """Nothing to send: with autocommit off, the driver opens a transaction implicitly at
        the first statement after each commit or rollback, and every unit of work ends in one.
        """

    def timestamp(self, moment: datetime) -> object:
        # DATETIME2 has no offset: columns hold UTC, so pass the UTC wall time.
        return moment.astimezone(UTC).replace(tzinfo=None)

    def is_transient(self, error: BaseException) -> bool:
        sqlstate, numbers = diagnostics(error)
        texts = " ".join(arg for arg in error.args if isinstance(arg, str))
        if _CERTIFICATE_REFUSED.search(texts):
            return False  # a TLS setting or certificate to fix: retrying cannot help
        # A documented transient number wins: Azure SQL sends 4060 (the database cannot be
        # opened for now) together with the login failure 18456.
        if TRANSIENT_ERROR_NUMBERS.intersection(numbers):
            return True
        if _SIGN_IN_REFUSED.intersection(numbers) or sqlstate == "28000":
            return False
        if sqlstate is not None and (sqlstate.startswith("08") or sqlstate in _TRANSIENT_SQLSTATES):
            return True
        pyodbc = loaded_driver("pyodbc")
        return pyodbc is not None and isinstance(error, pyodbc.OperationalError)

    def describe(self, error: BaseException) -> str:
        sqlstate, numbers = diagnostics(error)
        described = type(error).__name__
        if sqlstate is not None:
            described += f" SQLSTATE {sqlstate}"
        if numbers:
            described += f" error {numbers[0]}"
        return described

    def reason(self, error: BaseException) -> str | None:
        sqlstate, numbers = diagnostics(error)
        naming = (sqlstate is not None and sqlstate.startswith(_NAMING_SQLSTATE_PREFIXES)) or (
            bool(numbers) and set(numbers) <= _NAMING_ERROR_NUMBERS
        )
        texts = [arg for arg in error.args if isinstance(arg, str) and not _SQLSTATE.fullmatch(arg)]
        if not naming or not texts:
            return None
        return without_secrets(texts[0], (self.target.password,))

    def _fetch(self) -> str:
        try:
            return self._token()
        except ImportError as error:
            raise StoreError("token authentication needs the azure-identity package") from error
        except Exception as error:  # noqa: BLE001 - azure-identity raises several kinds
            # IMDS and Entra ID hiccups are common and pass; a wrong client id fails every
            # retry, which the retry budget bounds. azure-identity's messages name the
            # credential and the identity endpoint, never a token.
            failure = f"no access token: {type(error).__name__}"
            said = without_secrets(str(error).partition("\n")[0], ())
            detail = f"{failure}: {said}" if said else failure
        raise TransientStoreError(detail)


def diagnostics(error: BaseException) -> tuple[str | None, list[int]]:
    """The SQLSTATE and the native error numbers that a pyodbc error carries in its args."""
    texts = [arg for arg in error.args if isinstance(arg, str)]
    sqlstate = next((text for text in texts if _SQLSTATE.fullmatch(text)), None)
    messages = [text for text in texts if not _SQLSTATE.fullmatch(text)]
    if sqlstate is None:
        sqlstate = next(
            (found.group(1) for text in messages if (found := _BRACKETED_SQLSTATE.match(text))),
            None,
        )
    numbers = [int(number) for text in messages for number in _NATIVE_NUMBER.findall(text)]
    return sqlstate, numbers


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


def _check_compatibility_level(cursor: Any) -> None:
    cursor.execute(SESSION_SQL.compatibility_level)
    row = cursor.fetchone()
    level = int(row[0]) if row is not None and row[0] is not None else 0
    if level < _MIN_COMPATIBILITY_LEVEL:
        raise StoreError(
            f"database compatibility level is {level}; OPENJSON needs "
            f"{_MIN_COMPATIBILITY_LEVEL} or higher (ALTER DATABASE ... SET COMPATIBILITY_LEVEL)"
        )


def _migrate(connection: Any, migrations: list[Migration]) -> None:
    """Apply the missing migrations, each in its own transaction; safe to run concurrently.

    The usual case, nothing to apply, takes no lock and needs no DDL rights.
    """
    cursor = connection.cursor()
    if {m.version for m in migrations} <= _applied_versions(cursor):
        connection.commit()
        return
    cursor.execute(SESSION_SQL.lock_migrations)
    result = int(_first_row(cursor)[0])
    if result < 0:
        error = TransientStoreError if result in _APPLOCK_RETRYABLE else StoreError
        raise error(f"migration lock not granted (sp_getapplock {result})")
    cursor.execute(SESSION_SQL.create_schema_migrations)
    connection.commit()
    applied = _applied_versions(cursor)  # again, under the lock: another instance may have won
    for migration in migrations:
        if migration.version in applied:
            continue
        try:
            for batch in split_batches(migration.script):
                cursor.execute(batch)
            cursor.execute(SESSION_SQL.record_migration, migration.version, migration.name)
            connection.commit()
        except BaseException:
            with contextlib.suppress(Exception):  # the migration's error is the one to report
                connection.rollback()
            raise
    # On failure the caller closes the connection, which releases the lock too.
    cursor.execute(SESSION_SQL.unlock_migrations)
    connection.commit()


def _applied_versions(cursor: Any) -> set[int]:
    cursor.execute(SESSION_SQL.schema_migrations_exists)
    if _first_row(cursor)[0] is None:
        return set()
    cursor.execute(SESSION_SQL.applied_migrations)
    return {int(row[0]) for row in cursor.fetchall()}


def _first_row(cursor: Any) -> Any:
    """The first row of the batch's first result set, skipping any row-count-only results."""
    while cursor.description is None:
        if not cursor.nextset():
            break
    row = cursor.fetchone() if cursor.description is not None else None
    if row is None:
        raise StoreError("setup query returned no row")
    return row
