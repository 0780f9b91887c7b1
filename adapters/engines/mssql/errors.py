"""Which SQL Server errors may pass on a new attempt, and which may be quoted."""

from __future__ import annotations

import re

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
TRANSIENT_SQLSTATES = frozenset({"HYT00", "HYT01", "40001"})


# The server refused the sign-in, whatever class the driver gives the error: login failed
# (18456, also an identity that is no database user), password expired or must change (18487,
# 18488), account disabled (18470), not an Entra-trusted login (18452), the firewall refuses the
# client's address (40615), the server name is wrong (40532), the login's default database
# cannot be opened (4064). Retrying cannot fix these: the batch fails at once.
SIGN_IN_REFUSED = frozenset({18456, 18487, 18488, 18470, 18452, 40615, 40532, 4064})


# Errors whose message names logins, servers, databases, objects or states, never a row's
# values: the sign-in refusals above, permissions (229, 230, 262, 916), missing objects (208,
# 207 invalid column, 2812 missing procedure) and the passing conditions; SQLSTATEs of
# connections (08), sign-in (28), timeouts (HYT) and the driver manager (IM). Data errors
# (duplicate key 2627 and 2601, truncation 2628 and 8152, conversion 245, constraints 547) quote
# values: they show their number only.
NAMING_ERROR_NUMBERS = (
    SIGN_IN_REFUSED | frozenset({229, 230, 262, 916, 208, 207, 2812}) | TRANSIENT_ERROR_NUMBERS
)


NAMING_SQLSTATE_PREFIXES = ("08", "28", "IM", "HYT")


# ODBC Driver 18's words for a server certificate it refuses (OpenSSL's on Linux, SChannel's on
# Windows): reported as a connection failure (08001), it is a setting to fix.
CERTIFICATE_REFUSED = re.compile(
    r"certificate verify failed|certificate chain was issued by an authority that is not trusted",
    re.IGNORECASE,
)


SQLSTATE = re.compile(r"[0-9A-Z]{5}")


_BRACKETED_SQLSTATE = re.compile(r"^\[([0-9A-Z]{5})\]")


# pyodbc writes each diagnostic record as "[SQLSTATE] message (native number)", the first one
# followed by " (ODBC function)", later ones separated by "; ".
_NATIVE_NUMBER = re.compile(r"\((-?\d+)\)(?= \(SQL\w*\)|;|\s*$)")


def diagnostics(error: BaseException) -> tuple[str | None, list[int]]:
    """The SQLSTATE and the native error numbers that a pyodbc error carries in its args."""
    texts = [arg for arg in error.args if isinstance(arg, str)]
    sqlstate = next((text for text in texts if SQLSTATE.fullmatch(text)), None)
    messages = [text for text in texts if not SQLSTATE.fullmatch(text)]
    if sqlstate is None:
        sqlstate = next(
            (found.group(1) for text in messages if (found := _BRACKETED_SQLSTATE.match(text))),
            None,
        )
    numbers = [int(number) for text in messages for number in _NATIVE_NUMBER.findall(text)]
    return sqlstate, numbers
