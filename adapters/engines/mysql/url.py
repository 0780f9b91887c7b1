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
from urllib.parse import parse_qsl, unquote, urlsplit

from adapters.engines.engine import (
    UrlError,
)
from adapters.engines.registry import ENGINES

SCHEMES = ENGINES["mysql"].schemes  # the registry's list, aliases included


_DEFAULT_PORT = 3306


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
