"""Bank 2 on PostgreSQL, through psycopg 3.

``BANK2_URL`` is a libpq connection URI (``postgresql://user:password@host:5432/bank2``), passed to
the driver as it is: every libpq parameter works, several hosts too. Without an ``sslmode`` the
connection is verified TLS (see ``DEFAULT_PARAMETERS``); ``?sslmode=disable`` for a local server.
psycopg is imported only when a connection is opened or a driver error is classified, so that
importing this module stays cheap where another engine is configured.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

from adapters.engines import postgresql_errors as postgres_errors
from adapters.engines.engine import (
    Connection,
    Statement,
    UrlError,
    close_quietly,
    import_driver,
    loaded_driver,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import MigrationFacts, apply_migrations, whole
from adapters.engines.registry import ALL_STREAMS
from service.stream.errors import StoreError

SCHEMES = frozenset({"postgresql", "postgres"})


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

# Libpq parameters the engine sets unless the URL sets them itself:
# * sslmode=verify-full with sslrootcert=system: TLS, the server's certificate checked against
#   the system's trusted CAs and its host name (libpq 16+; psycopg[binary] 3.2.3+ ships a recent
#   libpq). libpq's own default, prefer, silently talks in plaintext to a server that offers no
#   TLS. A local server without TLS needs sslmode=disable in the URL (or PGSSLMODE), said on
#   purpose; an explicit verify-full without an sslrootcert also gets sslrootcert=system.
# * connect_timeout: a host that does not answer fails the attempt fast enough to be retried;
# * keepalives_*: a dead server or network path is noticed within about a minute, not hours;
# * target_session_attrs=read-write: after a failover, libpq skips a host that became a
#   read-only standby (with several hosts in the URL, it moves on to the new primary).
DEFAULT_PARAMETERS: dict[str, str] = {
    "sslmode": "verify-full",
    "connect_timeout": "10",
    "application_name": "telesales-contacts",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "target_session_attrs": "read-write",
}

_MAX_PORT = 65535
# libpq reads these variables when a parameter is not in the connection string.
_ENVIRONMENT = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class PostgresUrlError(UrlError):
    """Not a usable PostgreSQL URI. The message never quotes the URL."""


class PostgresEngine:
    """A PostgreSQL database as Bank 2."""

    name = "postgresql"
    # The migration streams applied at connect: the consumers this database serves.
    streams: tuple[str, ...] = ALL_STREAMS

    def __init__(
        self,
        conninfo: str,
        *,
        summary: str,
        defaults: dict[str, str],
        passwords: tuple[str, ...] = (),
        setting: str = "BANK2_URL",
    ) -> None:
        self._conninfo = conninfo  # may hold a password: never shown
        self.summary = summary
        self.location = summary
        self.setting = setting
        self._defaults = defaults
        self._passwords = passwords  # removed from any driver text an error quotes

    @classmethod
    def from_url(cls, url: str, setting: str = "BANK2_URL") -> Self:
        """Check a ``postgresql://`` or ``postgres://`` URI's shape without connecting.

        libpq reads the URI at connect time; this catches the mistakes it would only report
        then, and remembers which parameters the URL already sets.
        """
        scheme, separator, _ = url.partition("://")
        if not separator or scheme.lower() not in SCHEMES:
            raise PostgresUrlError("must start with postgresql:// or postgres://", setting)
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. an unbalanced "[" around an IPv6 address
            raise PostgresUrlError("is not a valid URI", setting) from None
        _check_what_libpq_would_quote(url, parts, setting)
        userinfo, _, hosts = parts.netloc.rpartition("@")
        for host in hosts.split(","):
            _check_port(host, setting)
        database = unquote(parts.path.removeprefix("/"))
        if "/" in database:
            raise PostgresUrlError("path must be a single database name", setting)
        try:
            query = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=True)
        except ValueError:
            raise PostgresUrlError("query must be key=value pairs", setting) from None
        given = {key for key, _ in query}
        user, _, password = userinfo.partition(":")
        summary = f"{unquote(user) + '@' if user else ''}{hosts}/{database}"
        # What the URL sets wins, then libpq's own environment variables (PGSSLMODE...), said
        # on purpose by whoever set them; then these defaults.
        chosen = given | {key for key, variable in _ENVIRONMENT.items() if os.environ.get(variable)}
        defaults = {key: value for key, value in DEFAULT_PARAMETERS.items() if key not in chosen}
        sslmode = dict(query).get("sslmode") or os.environ.get("PGSSLMODE") or "verify-full"
        if sslmode == "verify-full" and "sslrootcert" not in chosen:
            # libpq's own default is ~/.postgresql/root.crt, which a Functions host has not.
            # (libpq refuses sslrootcert=system with verify-ca: it would trust any name a
            # public CA signed for. verify-ca keeps libpq's default file, or says it is missing.)
            defaults["sslrootcert"] = "system"
        # libpq accepts both schemes, in lower case only.
        return cls(
            "postgresql" + url[len(scheme) :],
            summary=summary,
            defaults=defaults,
            passwords=_passwords(password, parts.query),
            setting=setting,
        )

    def __repr__(self) -> str:
        return f"PostgresEngine({self.summary!r})"

    @property
    def driver_errors(self) -> tuple[type[BaseException], ...]:
        psycopg = loaded_driver("psycopg")
        # Without psycopg no driver error can exist, and ``except ()`` catches nothing.
        return (psycopg.Error,) if psycopg is not None else ()

    def connect(self) -> Connection:
        psycopg = import_driver("psycopg", "install psycopg[binary]")
        # autocommit: transactions are begun explicitly by begin() and by the migrations, so
        # none is ever open by accident. prepare_threshold=None: no server-side prepared
        # statements, which a pooler in transaction mode (PgBouncer) cannot route.
        # client_encoding=UTF8 whatever the URL or the server's default says: names are
        # Unicode, and another encoding would fail a batch in the driver, mid-statement.
        connection = psycopg.connect(
            self._conninfo,
            autocommit=True,
            prepare_threshold=None,
            **(self._defaults | {"client_encoding": "UTF8"}),
        )
        opened: Connection = connection
        try:
            _check_server_encoding(connection)
            apply_migrations(connection, MIGRATIONS, migrations_for(self.name, self.streams))
        except BaseException:
            close_quietly(connection)
            raise
        return opened

    def begin(self, connection: Connection) -> None:
        cursor = connection.cursor()
        try:
            cursor.execute(BEGIN)
        finally:
            cursor.close()

    def timestamp(self, moment: datetime) -> object:
        # An aware datetime binds as timestamptz: the instant is kept whatever the session's
        # TimeZone setting.
        return moment.astimezone(UTC)

    def is_transient(self, error: BaseException) -> bool:
        return postgres_errors.is_transient(error)

    def describe(self, error: BaseException) -> str:
        return postgres_errors.describe(error)

    def reason(self, error: BaseException) -> str | None:
        return postgres_errors.reason(error, self._passwords)


def _check_what_libpq_would_quote(url: str, parts: SplitResult, setting: str) -> None:
    """Refuse what libpq would read otherwise and then quote in an error, password included."""
    if parts.fragment:
        raise PostgresUrlError("must not have a #fragment", setting)
    if _BAD_PERCENT.search(url):
        # libpq quotes a bad token in its error, and it may be part of the password.
        raise PostgresUrlError(
            "has a '%' that is not followed by two hexadecimal digits: write '%' as %25",
            setting,
        )
    if "@" in parts.netloc.rpartition("@")[0]:
        # libpq ends the user name and password at the FIRST '@': the rest of the password
        # would be read (and shown in its errors) as a host name.
        raise PostgresUrlError(
            "has '@' in the user name or password: percent-encode it as %40", setting
        )
    if "@" in parts.path:
        # A '/' left raw in the password ends the host part early, and the rest of the
        # password would be read (and shown) as the database name.
        raise PostgresUrlError(
            "has '@' after the host: percent-encode '/' (%2F) and '@' (%40) in the "
            "user name and password",
            setting,
        )


def _passwords(userinfo_password: str, query: str) -> tuple[str, ...]:
    """Every form of the URL's passwords, as the URL holds them and as libpq reads them: a
    driver's message may quote either."""
    in_query = [
        value for key, _, value in (p.partition("=") for p in query.split("&")) if key == "password"
    ]
    forms = {userinfo_password, *in_query}
    return tuple(sorted(f for form in forms for f in {form, unquote(form)} if f))


def _check_port(host: str, setting: str) -> None:
    # "[::1]:5432" and "db:5432" carry a port after the last colon outside brackets.
    _, _, port = host.rpartition("]") if host.startswith("[") else ("", "", host)
    if ":" not in port:
        return
    number = port.rpartition(":")[2]
    if not number.isdigit() or not 0 < int(number) <= _MAX_PORT:
        raise PostgresUrlError("port must be a number from 1 to 65535", setting)


def _check_server_encoding(connection: Any) -> None:
    """A database that cannot store every name (LATIN1, SQL_ASCII...) is refused at connect,
    by name, rather than failing the first batch that holds such a name, on every delivery."""
    cursor = connection.cursor()
    try:
        cursor.execute(SERVER_ENCODING)
        (encoding,) = cursor.fetchone()
    finally:
        cursor.close()
    if str(encoding).upper() != "UTF8":
        raise StoreError(
            f"the database's encoding is {encoding}; Bank 2 needs a UTF8 database "
            "(CREATE DATABASE ... ENCODING 'UTF8')"
        )
