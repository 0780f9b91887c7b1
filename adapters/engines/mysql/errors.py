"""Which MySQL / MariaDB errors may pass on a new attempt, and which may be quoted."""

from __future__ import annotations

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
OPTION_PREVENTS_STATEMENT = 1290


DEADLOCK_SQLSTATE = "40001"


# Errors whose message names accounts, hosts, databases, tables, columns, settings or states,
# never a row's values, and so may be shown: the client's connection errors (2002-2061), signing
# in and privileges (access denied 1044/1045/1698, host not allowed 1130, command denied
# 1142/1143/1370, privilege needed 1227, old client 1251, expired or locked accounts
# 1820/1862/3118, TLS required 3159, connection limits 1040/1203/1226, blocked host 1129),
# schema (no database 1046, unknown database 1049, unknown column 1054, no table 1146, broken
# view 1356, statement-based binlog 1665) and the passing conditions above. A data or syntax
# error (duplicate entry 1062, incorrect value 1366, syntax 1064, where PyMySQL has already put
# the parameters into the text) shows its number only.
NAMING_ERROR_NUMBERS = (
    frozenset({2002, 2003, 2005, 2006, 2013, 2026, 2055, 2059, 2061})
    | frozenset({1044, 1045, 1698, 1130, 1142, 1143, 1370, 1227, 1251, 1820, 1862, 3118, 3159})
    | frozenset({1040, 1203, 1226, 1129, 1046, 1049, 1054, 1146, 1356, 1665, 1290})
    | TRANSIENT_ERROR_NUMBERS
)


def error_number(error: BaseException) -> int | None:
    """The MySQL error number PyMySQL puts first in an error's args, if any."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, int) and not isinstance(first, bool) else None


def certificate_refused(error: BaseException) -> bool:
    """PyMySQL reports a refused server certificate as "cannot connect" (2003), with the
    ssl module's error kept beside it."""
    import ssl  # noqa: PLC0415 - loaded already wherever a TLS connection was tried

    return isinstance(getattr(error, "original_exception", None), ssl.SSLCertVerificationError)


def names_read_only_option(error: BaseException) -> bool:
    # The text is only searched, never logged: it names a server option, but stays private.
    texts = [arg.lower() for arg in error.args if isinstance(arg, str)]
    return any("read-only" in text or "read_only" in text for text in texts)
