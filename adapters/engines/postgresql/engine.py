"""A PostgreSQL database as Bank 2, through psycopg 3 (imported only when connecting or classifying
an error, so that importing this package stays cheap where another engine is configured)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from adapters.engines.engine import (
    Connection,
    close_quietly,
    import_driver,
    loaded_driver,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import apply_migrations
from adapters.engines.postgresql import errors as postgres_errors
from adapters.engines.postgresql.session import BEGIN, MIGRATIONS, SERVER_ENCODING
from adapters.engines.postgresql.url import (
    DEFAULT_PARAMETERS,
    LIBPQ_ENVIRONMENT,
    SCHEMES,
    PostgresUrlError,
    check_port,
    check_what_libpq_would_quote,
    passwords_in,
)
from adapters.engines.registry import ALL_STREAMS
from service.stream.errors import StoreError


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
        check_what_libpq_would_quote(url, parts, setting)
        userinfo, _, hosts = parts.netloc.rpartition("@")
        for host in hosts.split(","):
            check_port(host, setting)
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
        chosen = given | {
            key for key, variable in LIBPQ_ENVIRONMENT.items() if os.environ.get(variable)
        }
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
            passwords=passwords_in(password, parts.query),
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
