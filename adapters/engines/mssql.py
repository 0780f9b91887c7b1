"""Bank 2 on Azure SQL Database / SQL Server, in T-SQL through pyodbc and ODBC Driver 18.

pyodbc is imported only when a connection is opened or a driver error is classified: importing
this module must stay cheap and must work where the ODBC driver manager is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from adapters.engines.engine import (
    CONNECT_TIMEOUT_S,
    STATEMENT_TIMEOUT_S,
    Connection,
    Statement,
    close_quietly,
    import_driver,
    loaded_driver,
    without_secrets,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import MigrationFacts, apply_migrations
from adapters.engines.mssql_auth import (
    SQL_COPT_SS_ACCESS_TOKEN,
    Authentication,
    AzureIdentityToken,
    MssqlTarget,
    connection_string,
    pack_access_token,
    parse_mssql_url,
)
from adapters.engines.registry import ALL_STREAMS
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
    # The migration streams applied at connect: the consumers this database serves.
    streams: tuple[str, ...] = ALL_STREAMS

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

    @classmethod
    def from_url(cls, url: str, setting: str = "BANK2_URL") -> MssqlEngine:
        return cls(parse_mssql_url(url, setting), setting=setting)

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
            apply_migrations(connection, MIGRATIONS, migrations_for(self.name, self.streams))
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
