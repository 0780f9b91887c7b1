"""Bank 2 on MySQL 8.0.16+ / MariaDB 10.6+ (Azure Database for MySQL included), through PyMySQL.

``BANK2_URL`` is ``mysql://<user>:<password>@<host>[:<port>]/<database>[?<options>]``; the
schemes ``mysql+pymysql://`` and ``mariadb://`` mean the same. The user and password are
percent-encoded (``@`` as ``%40``, ``/`` as ``%2F``...). Options:

* TLS is on by default: the server's certificate is checked against the system's CA bundle and
  its host name, and a server that offers no TLS is refused. Azure Database for MySQL requires
  TLS.
* ``ssl_ca=<path>``: the certificate checked against this PEM file instead.
* ``ssl=false``: plaintext, for a local server without TLS only, said on purpose.

PyMySQL is imported only when a connection is opened or a driver error is classified: importing
this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from adapters.engines.engine import (
    Connection,
    Statement,
    UrlError,
    close_quietly,
    import_driver,
    loaded_driver,
    without_secrets,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import MigrationFacts, apply_migrations
from adapters.engines.migrator import split_on_semicolons as split_statements
from adapters.engines.registry import ALL_STREAMS
from service.stream.errors import StoreError, TransientStoreError

if TYPE_CHECKING:
    import ssl

SCHEMES = frozenset({"mysql", "mysql+pymysql", "mariadb"})


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

# Server error numbers after which a new attempt on a fresh connection may succeed:
# lock wait timeout (1205), deadlock (1213), too many connections (1040, 1203 per user),
# server shutting down (1053), network errors reading or writing packets (1158-1161), query or
# connection killed (1317, MariaDB 1927), MySQL's idle disconnection (4031; MariaDB's 4031 is
# a trigger error our statements cannot raise), read-only mode after a failover (1836;
# 1290 is classified by its text, see below), Group Replication's certification rollback (3101)
# and MariaDB's "record changed" serialization failure (1020, REPEATABLE READ only).
# Client errors: cannot connect (2002, 2003), server gone away (2006), connection lost (2013,
# 2055). 2014 (commands out of sync) is a bug in the caller, not a passing fault.
TRANSIENT_ERROR_NUMBERS = frozenset(
    {1205, 1213, 1040, 1203, 1053, 1158, 1159, 1160, 1161, 1317, 1927, 4031, 1836, 3101, 1020}
    | {2002, 2003, 2006, 2013, 2055}
)
# 1290 means "the server runs with an option that forbids this statement". --read-only and
# --super-read-only pass: during a failover the old primary turns read-only until the host name
# points at the new one. Other options (--secure-file-priv...) do not.
_OPTION_PREVENTS_STATEMENT = 1290
_DEADLOCK_SQLSTATE = "40001"

# Errors whose message names accounts, hosts, databases, tables, columns, settings or states,
# never a row's values, and so may be shown: the client's connection errors (2002-2061), signing
# in and privileges (access denied 1044/1045/1698, host not allowed 1130, command denied
# 1142/1143/1370, privilege needed 1227, old client 1251, expired or locked accounts
# 1820/1862/3118, TLS required 3159, connection limits 1040/1203/1226, blocked host 1129),
# schema (no database 1046, unknown database 1049, unknown column 1054, no table 1146, broken
# view 1356, statement-based binlog 1665) and the passing conditions above. A data or syntax
# error (duplicate entry 1062, incorrect value 1366, syntax 1064, where PyMySQL has already put
# the parameters into the text) shows its number only.
_NAMING_ERROR_NUMBERS = (
    frozenset({2002, 2003, 2005, 2006, 2013, 2026, 2055, 2059, 2061})
    | frozenset({1044, 1045, 1698, 1130, 1142, 1143, 1370, 1227, 1251, 1820, 1862, 3118, 3159})
    | frozenset({1040, 1203, 1226, 1129, 1046, 1049, 1054, 1146, 1356, 1665, 1290})
    | TRANSIENT_ERROR_NUMBERS
)

_DEFAULT_PORT = 3306
_CONNECT_TIMEOUT_S = 10
# Longer than the lock wait above, far below the Kafka consumer's max.poll.interval.ms.
_READ_TIMEOUT_S = 30
_WRITE_TIMEOUT_S = 30

_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


class MysqlUrlError(UrlError):
    """Not a usable MySQL URL. The message never quotes the URL."""


@dataclass(frozen=True, slots=True)
class MysqlTarget:
    """Where and as whom to connect; ``repr`` leaves the password out."""

    host: str
    port: int
    user: str
    database: str
    password: str = field(default="", repr=False)
    tls: bool = True
    ssl_ca: str | None = None


def parse_mysql_url(url: str, setting: str = "BANK2_URL") -> MysqlTarget:
    """Read a ``mysql://`` URL. Errors name what is wrong, never quote a part of the URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MysqlUrlError(
            "is not a valid MySQL URL (is the port a number, and are the password's "
            "special characters percent-encoded?)",
            setting,
        ) from None
    if parts.scheme.lower() not in SCHEMES:
        raise MysqlUrlError("must start with mysql://, mysql+pymysql:// or mariadb://", setting)
    if not parts.hostname:
        raise MysqlUrlError("names no host: mysql://<user>:<password>@<host>/<database>", setting)
    if not parts.username:
        raise MysqlUrlError("names no user: mysql://<user>:<password>@<host>/<database>", setting)
    database = unquote(parts.path.removeprefix("/"))
    if not database or "/" in database:
        raise MysqlUrlError("must name one database: mysql://<host>/<database>", setting)
    tls, ssl_ca = _tls_options(parts.query, setting)
    return MysqlTarget(
        host=parts.hostname,
        port=port or _DEFAULT_PORT,
        user=unquote(parts.username),
        database=database,
        password=unquote(parts.password or ""),
        tls=tls,
        ssl_ca=ssl_ca,
    )


def _tls_options(query: str, setting: str) -> tuple[bool, str | None]:
    tls = True  # verified TLS unless the URL says ssl=false
    ssl_ca: str | None = None
    # Names and values stay unquoted in errors: a password with an unencoded '?' ends up here.
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name == "ssl" and value.lower() in _TRUE:
            tls = True
        elif name == "ssl" and value.lower() in _FALSE:
            tls = False
        elif name == "ssl":
            raise MysqlUrlError("option ssl must be true or false", setting)
        elif name == "ssl_ca" and value:
            ssl_ca = value
        else:
            raise MysqlUrlError("has an unsupported option; supported: ssl, ssl_ca", setting)
    return tls or ssl_ca is not None, ssl_ca


class MysqlEngine:
    """MySQL or MariaDB (InnoDB) as Bank 2."""

    name = "mysql"
    # The migration streams applied at connect: the consumers this database serves.
    streams: tuple[str, ...] = ALL_STREAMS

    def __init__(self, target: MysqlTarget, setting: str = "BANK2_URL") -> None:
        self.target = target
        self.setting = setting
        self.location = f"{target.user}@{target.host}:{target.port}/{target.database}"

    @classmethod
    def from_url(cls, url: str, setting: str = "BANK2_URL") -> MysqlEngine:
        return cls(parse_mysql_url(url, setting), setting)

    def __repr__(self) -> str:
        return f"MysqlEngine({self.target!r})"

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        pymysql = loaded_driver("pymysql")
        # Without PyMySQL no driver error can exist, and ``except ()`` catches nothing.
        return (pymysql.err.MySQLError,) if pymysql is not None else ()

    def connect(self) -> Connection:
        pymysql = import_driver("pymysql", "pip install PyMySQL")
        connection = pymysql.connect(**self._connect_options())
        opened: Connection = connection
        try:
            cursor = connection.cursor()
            if self.target.tls:
                _check_encrypted(cursor)
            for statement in SESSION_SQL.session_options:
                cursor.execute(statement)
            apply_migrations(connection, MIGRATIONS, migrations_for(self.name, self.streams))
            connection.commit()
        except BaseException:
            close_quietly(connection)
            raise
        return opened

    def begin(self, connection: Connection) -> None:
        cursor = connection.cursor()
        try:
            cursor.execute(SESSION_SQL.begin)
        finally:
            cursor.close()

    def timestamp(self, moment: datetime) -> object:
        # DATETIME has no offset: columns hold UTC, so pass the UTC wall time.
        return moment.astimezone(UTC).replace(tzinfo=None)

    def is_transient(self, error: BaseException) -> bool:
        if _certificate_refused(error):
            return False  # a TLS setting or certificate to fix: retrying cannot help
        pymysql = loaded_driver("pymysql")
        # Raised by PyMySQL itself when the connection is already closed.
        if pymysql is not None and isinstance(error, pymysql.err.InterfaceError):
            return True
        number = error_number(error)
        if number in TRANSIENT_ERROR_NUMBERS:
            return True
        if number == _OPTION_PREVENTS_STATEMENT:
            return _names_read_only_option(error)
        return getattr(error, "sqlstate", None) == _DEADLOCK_SQLSTATE

    def describe(self, error: BaseException) -> str:
        described = type(error).__name__
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate:
            described += f" SQLSTATE {sqlstate}"
        number = error_number(error)
        if number:
            described += f" error {number}"
        return described

    def reason(self, error: BaseException) -> str | None:
        if error_number(error) not in _NAMING_ERROR_NUMBERS or len(error.args) < 2:
            return None
        return without_secrets(str(error.args[1]), (self.target.password,))

    def _connect_options(self) -> dict[str, Any]:
        target = self.target
        options: dict[str, Any] = {
            "host": target.host,
            "port": target.port,
            "user": target.user,
            "password": target.password,
            "database": target.database,
            # utf8mb4: all of Unicode; the server's "utf8" may mean the 3-byte utf8mb3.
            "charset": "utf8mb4",
            "autocommit": False,
            "connect_timeout": _CONNECT_TIMEOUT_S,
            "read_timeout": _READ_TIMEOUT_S,
            "write_timeout": _WRITE_TIMEOUT_S,
        }
        if target.tls:
            options["ssl"] = _tls_context(target.ssl_ca)
        else:
            options["ssl_disabled"] = True  # not even PyMySQL's unverified "preferred" TLS
        return options


def error_number(error: BaseException) -> int | None:
    """The MySQL error number PyMySQL puts first in an error's args, if any."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, int) and not isinstance(first, bool) else None


def _check_encrypted(cursor: Any) -> None:
    """The session really is TLS: PyMySQL before 1.2 fell back to plaintext, without a word,
    when the server offered no TLS; this holds whatever the driver does."""
    cursor.execute(SESSION_SQL.session_cipher)
    row = cursor.fetchone()
    if row is None or not row[1]:
        raise StoreError(
            "TLS is required (the default; ssl=false turns it off) but the session is not encrypted"
        )


def _certificate_refused(error: BaseException) -> bool:
    """PyMySQL reports a refused server certificate as "cannot connect" (2003), with the
    ssl module's error kept beside it."""
    import ssl  # noqa: PLC0415 - loaded already wherever a TLS connection was tried

    return isinstance(getattr(error, "original_exception", None), ssl.SSLCertVerificationError)


def _names_read_only_option(error: BaseException) -> bool:
    # The text is only searched, never logged: it names a server option, but stays private.
    texts = [arg.lower() for arg in error.args if isinstance(arg, str)]
    return any("read-only" in text or "read_only" in text for text in texts)


def _tls_context(ssl_ca: str | None) -> ssl.SSLContext:
    import ssl  # noqa: PLC0415 - lazy: only TLS connections need it

    # The default context checks the certificate chain and the host name.
    try:
        return ssl.create_default_context(cafile=ssl_ca)
    except (OSError, ssl.SSLError):
        raise StoreError("cannot read the CA certificates named by ssl_ca") from None
