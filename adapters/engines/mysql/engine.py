"""MySQL or MariaDB (InnoDB) as Bank 2, through PyMySQL (imported only when connecting or
classifying an error: importing this package stays cheap)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adapters.engines.engine import (
    Connection,
    close_quietly,
    import_driver,
    loaded_driver,
    without_secrets,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import apply_migrations
from adapters.engines.registry import ALL_STREAMS
from service.stream.errors import StoreError

if TYPE_CHECKING:
    import ssl
from adapters.engines.mysql.errors import (
    DEADLOCK_SQLSTATE,
    NAMING_ERROR_NUMBERS,
    OPTION_PREVENTS_STATEMENT,
    TRANSIENT_ERROR_NUMBERS,
    certificate_refused,
    error_number,
    names_read_only_option,
)
from adapters.engines.mysql.session import MIGRATIONS, SESSION_SQL
from adapters.engines.mysql.url import MysqlTarget, parse_mysql_url

_CONNECT_TIMEOUT_S = 10


# Longer than the lock wait above, far below the Kafka consumer's max.poll.interval.ms.
_READ_TIMEOUT_S = 30


_WRITE_TIMEOUT_S = 30


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
        if certificate_refused(error):
            return False  # a TLS setting or certificate to fix: retrying cannot help
        pymysql = loaded_driver("pymysql")
        # Raised by PyMySQL itself when the connection is already closed.
        if pymysql is not None and isinstance(error, pymysql.err.InterfaceError):
            return True
        number = error_number(error)
        if number in TRANSIENT_ERROR_NUMBERS:
            return True
        if number == OPTION_PREVENTS_STATEMENT:
            return names_read_only_option(error)
        return getattr(error, "sqlstate", None) == DEADLOCK_SQLSTATE

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
        if error_number(error) not in NAMING_ERROR_NUMBERS or len(error.args) < 2:
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


def _check_encrypted(cursor: Any) -> None:
    """The session really is TLS: PyMySQL before 1.2 fell back to plaintext, without a word,
    when the server offered no TLS; this holds whatever the driver does."""
    cursor.execute(SESSION_SQL.session_cipher)
    row = cursor.fetchone()
    if row is None or not row[1]:
        raise StoreError(
            "TLS is required (the default; ssl=false turns it off) but the session is not encrypted"
        )


def _tls_context(ssl_ca: str | None) -> ssl.SSLContext:
    import ssl  # noqa: PLC0415 - lazy: only TLS connections need it

    # The default context checks the certificate chain and the host name.
    try:
        return ssl.create_default_context(cafile=ssl_ca)
    except (OSError, ssl.SSLError):
        raise StoreError("cannot read the CA certificates named by ssl_ca") from None
