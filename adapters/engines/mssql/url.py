"""Reaching Azure SQL / SQL Server: the ``BANK2_URL`` form, the ODBC connection string, tokens.

Three ways to sign in, chosen by the URL's ``authentication`` option:

- ``ActiveDirectoryMsi``: ODBC Driver 18 fetches a managed-identity token itself. ``client_id``
  names a user-assigned identity (sent as ``UID``); without it the system-assigned one is used.
- ``token``: azure-identity fetches the token (``ManagedIdentityCredential`` for a ``client_id``,
  ``DefaultAzureCredential`` otherwise, which also covers ``az login`` on a workstation) and it is
  handed to the driver as a pre-connect attribute. The connection string then holds no identity.
- none, with ``user:password@`` in the URL: a SQL login, for local development only.

Nothing here imports pyodbc or azure-identity at module import: the function app's cold start and
the test suite must not need the ODBC driver manager or the Azure SDK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qsl, unquote, urlsplit

from adapters.engines.engine import UrlError
from adapters.engines.registry import ENGINES

SCHEMES = ENGINES["mssql"].schemes  # the registry's list, aliases included


DEFAULT_DRIVER = "ODBC Driver 18 for SQL Server"


DEFAULT_PORT = 1433


_YES_NO = frozenset({"yes", "no"})


_ENCRYPT = frozenset({"yes", "no", "strict"})  # strict: TDS 8.0, ODBC Driver 18 only


_OPTION_NAME = re.compile(r"[A-Za-z_]{1,40}")


_EXAMPLE = (
    "mssql+pyodbc://<server>.database.windows.net/<database>?authentication=ActiveDirectoryMsi"
)


class MssqlUrlError(UrlError):
    """Not a usable SQL Server URL. The message names the problem, never values."""


class Authentication(StrEnum):
    MANAGED_IDENTITY = "activedirectorymsi"
    ACCESS_TOKEN = "token"  # noqa: S105 - names a sign-in method; it is no secret
    SQL_LOGIN = "sqlpassword"


@dataclass(frozen=True, slots=True)
class MssqlTarget:
    """Where Bank 2 lives and how to sign in; ``repr`` never shows the password."""

    server: str
    database: str
    authentication: Authentication
    port: int = DEFAULT_PORT
    driver: str = DEFAULT_DRIVER
    client_id: str | None = None
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    encrypt: str = "yes"
    trust_server_certificate: str = "no"


def parse_mssql_url(url: str, setting: str = "BANK2_URL") -> MssqlTarget:
    """Read ``mssql+pyodbc://[user:password@]server[:port]/database[?options]``."""
    try:
        return _parse(url)
    except MssqlUrlError as error:
        problem = error.problem
    # Raised outside the handler: the URL's parts stay out of the error's chain.
    raise MssqlUrlError(problem, setting)


def _parse(url: str) -> MssqlTarget:
    try:
        parts = urlsplit(url)
        port = parts.port
        user, password, host = parts.username, parts.password, parts.hostname
    except ValueError:
        # urllib's own messages may quote parts of the URL, credentials included.
        raise MssqlUrlError("is not a valid URL (check the host and port)") from None
    if parts.scheme.lower() not in SCHEMES:
        raise MssqlUrlError("scheme must be mssql+pyodbc:// for SQL Server")
    if not host:
        raise MssqlUrlError(f"needs a server name, e.g. {_EXAMPLE}")
    database = unquote(parts.path.removeprefix("/"))
    if not database or "/" in database:
        raise MssqlUrlError(f"needs exactly one database name as its path: {_EXAMPLE}")
    if parts.fragment:
        raise MssqlUrlError("must not have a #fragment")
    options = _options(parts.query)
    authentication = _authentication(options.pop("authentication", None), user, password)
    client_id = options.pop("client_id", None) or None
    if client_id is not None and authentication is Authentication.SQL_LOGIN:
        raise MssqlUrlError("client_id only applies to managed identity authentication")
    driver = options.pop("driver", DEFAULT_DRIVER)
    if not driver:
        raise MssqlUrlError("driver option is empty")
    encrypt = _choice(options, "encrypt", "yes", _ENCRYPT)
    trust = _choice(options, "trustservercertificate", "no", _YES_NO)
    if options:
        name = next(iter(options))
        shown = f" {name!r}" if _OPTION_NAME.fullmatch(name) else ""
        raise MssqlUrlError(
            f"has an unsupported option{shown}; supported: authentication, "
            "client_id, driver, encrypt, TrustServerCertificate"
        )
    return MssqlTarget(
        server=host,
        database=database,
        authentication=authentication,
        port=port or DEFAULT_PORT,
        driver=driver,
        client_id=client_id,
        user=unquote(user) if user is not None else None,
        password=unquote(password) if password is not None else None,
        encrypt=encrypt,
        trust_server_certificate=trust,
    )


def _options(query: str) -> dict[str, str]:
    options: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        name = key.lower()
        if name in options:
            raise MssqlUrlError("repeats a query option")
        options[name] = value
    return options


def _authentication(value: str | None, user: str | None, password: str | None) -> Authentication:
    if value is None:
        if user is None or password is None:
            raise MssqlUrlError(
                "needs authentication=ActiveDirectoryMsi or authentication=token, "
                "or user:password@ for a local SQL login"
            )
        return Authentication.SQL_LOGIN
    try:
        authentication = Authentication(value.lower())
    except ValueError:
        raise MssqlUrlError(
            "authentication must be ActiveDirectoryMsi, token or SqlPassword"
        ) from None
    has_credentials = user is not None or password is not None
    if authentication is Authentication.SQL_LOGIN and (user is None or password is None):
        raise MssqlUrlError("authentication=SqlPassword needs user:password@")
    if authentication is not Authentication.SQL_LOGIN and has_credentials:
        raise MssqlUrlError(
            "must not carry user:password@ with managed identity or token authentication"
        )
    return authentication


def _choice(options: dict[str, str], name: str, default: str, allowed: frozenset[str]) -> str:
    value = options.pop(name, default).lower()
    if value not in allowed:
        raise MssqlUrlError(f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


def connection_string(target: MssqlTarget) -> str:
    """The ODBC connection string; it holds the password for a SQL login, so never log it."""
    pairs = [
        ("Driver", target.driver),
        ("Server", f"tcp:{target.server},{target.port}"),
        ("Database", target.database),
        ("Encrypt", target.encrypt),
        ("TrustServerCertificate", target.trust_server_certificate),
    ]
    if target.authentication is Authentication.MANAGED_IDENTITY:
        pairs.append(("Authentication", "ActiveDirectoryMsi"))
        if target.client_id:
            # The user-assigned identity's client id (App Service and Functions take the client
            # id here, not the object id); a system-assigned identity needs no UID.
            pairs.append(("UID", target.client_id))
    elif target.authentication is Authentication.SQL_LOGIN:
        pairs += [("UID", target.user or ""), ("PWD", target.password or "")]
    # ACCESS_TOKEN: the driver refuses a token alongside UID, PWD, Authentication or
    # Trusted_Connection, so the string carries no identity at all.
    return "".join(f"{key}={_odbc_value(key, value)};" for key, value in pairs)


_ALWAYS_BRACED = frozenset({"Driver", "PWD"})


def _odbc_value(key: str, value: str) -> str:
    """Brace values that ODBC would split or trim, and always the driver name and password.

    Inside braces a ``}`` is written twice; nothing else needs escaping.
    """
    if key in _ALWAYS_BRACED or re.search(r"[;{}]|^\s|\s$", value):
        return "{" + value.replace("}", "}}") + "}"
    return value
