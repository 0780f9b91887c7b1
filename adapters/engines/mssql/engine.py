"""Bank 2 on Azure SQL Database / SQL Server, in T-SQL through pyodbc and ODBC Driver 18.

pyodbc is imported only when a connection is opened or a driver error is classified: importing
this module must stay cheap and must work where the ODBC driver manager is not installed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from adapters.engines.engine import (
    CONNECT_TIMEOUT_S,
    STATEMENT_TIMEOUT_S,
    Connection,
    close_quietly,
    import_driver,
    loaded_driver,
    without_secrets,
)
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import apply_migrations
from adapters.engines.mssql.auth import (
    SQL_COPT_SS_ACCESS_TOKEN,
    AzureIdentityToken,
    pack_access_token,
)
from adapters.engines.mssql.errors import (
    CERTIFICATE_REFUSED,
    NAMING_ERROR_NUMBERS,
    NAMING_SQLSTATE_PREFIXES,
    SIGN_IN_REFUSED,
    SQLSTATE,
    TRANSIENT_ERROR_NUMBERS,
    TRANSIENT_SQLSTATES,
    diagnostics,
)
from adapters.engines.mssql.session import MIGRATIONS, SESSION_SQL
from adapters.engines.mssql.url import (
    Authentication,
    MssqlTarget,
    connection_string,
    parse_mssql_url,
)
from adapters.engines.registry import ALL_STREAMS
from service.stream.errors import StoreError, TransientStoreError

_MIN_COMPATIBILITY_LEVEL = 130  # OPENJSON


_LOGIN_TIMEOUT_S = CONNECT_TIMEOUT_S


_QUERY_TIMEOUT_S = STATEMENT_TIMEOUT_S


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
        if CERTIFICATE_REFUSED.search(texts):
            return False  # a TLS setting or certificate to fix: retrying cannot help
        # A documented transient number wins: Azure SQL sends 4060 (the database cannot be
        # opened for now) together with the login failure 18456.
        if TRANSIENT_ERROR_NUMBERS.intersection(numbers):
            return True
        if SIGN_IN_REFUSED.intersection(numbers) or sqlstate == "28000":
            return False
        if sqlstate is not None and (sqlstate.startswith("08") or sqlstate in TRANSIENT_SQLSTATES):
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
        naming = (sqlstate is not None and sqlstate.startswith(NAMING_SQLSTATE_PREFIXES)) or (
            bool(numbers) and set(numbers) <= NAMING_ERROR_NUMBERS
        )
        texts = [arg for arg in error.args if isinstance(arg, str) and not SQLSTATE.fullmatch(arg)]
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


def _check_compatibility_level(cursor: Any) -> None:
    cursor.execute(SESSION_SQL.compatibility_level)
    row = cursor.fetchone()
    level = int(row[0]) if row is not None and row[0] is not None else 0
    if level < _MIN_COMPATIBILITY_LEVEL:
        raise StoreError(
            f"database compatibility level is {level}; OPENJSON needs "
            f"{_MIN_COMPATIBILITY_LEVEL} or higher (ALTER DATABASE ... SET COMPATIBILITY_LEVEL)"
        )
