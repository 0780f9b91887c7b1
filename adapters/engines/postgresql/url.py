"""Bank 2 on PostgreSQL, through psycopg 3.

``BANK2_URL`` is a libpq connection URI (``postgresql://user:password@host:5432/bank2``), passed to
the driver as it is: every libpq parameter works, several hosts too. Without an ``sslmode`` the
connection is verified TLS (see ``DEFAULT_PARAMETERS``); ``?sslmode=disable`` for a local server.
psycopg is imported only when a connection is opened or a driver error is classified, so that
importing this module stays cheap where another engine is configured.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, unquote

from adapters.engines.engine import (
    UrlError,
)
from adapters.engines.registry import ENGINES

SCHEMES = ENGINES["postgresql"].schemes  # the registry's list, aliases included


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
LIBPQ_ENVIRONMENT = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


class PostgresUrlError(UrlError):
    """Not a usable PostgreSQL URI. The message never quotes the URL."""


def check_what_libpq_would_quote(url: str, parts: SplitResult, setting: str) -> None:
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


def passwords_in(userinfo_password: str, query: str) -> tuple[str, ...]:
    """Every form of the URL's passwords, as the URL holds them and as libpq reads them: a
    driver's message may quote either."""
    in_query = [
        value for key, _, value in (p.partition("=") for p in query.split("&")) if key == "password"
    ]
    forms = {userinfo_password, *in_query}
    return tuple(sorted(f for form in forms for f in {form, unquote(form)} if f))


def check_port(host: str, setting: str) -> None:
    # "[::1]:5432" and "db:5432" carry a port after the last colon outside brackets.
    _, _, port = host.rpartition("]") if host.startswith("[") else ("", "", host)
    if ":" not in port:
        return
    number = port.rpartition(":")[2]
    if not number.isdigit() or not 0 < int(number) <= _MAX_PORT:
        raise PostgresUrlError("port must be a number from 1 to 65535", setting)
