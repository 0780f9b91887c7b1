"""Which PostgreSQL errors may pass on a new attempt, and what an error may say about itself.

Every error the server reports on an open session carries a SQLSTATE, and the SQLSTATE decides.
A connection that could not be opened carries none: libpq keeps the server's refusal ("FATAL:
password authentication failed for user ...") and its own ("server does not support SSL, but SSL
was required", "Connection refused") as text only, one attempt per line when the URL names
several hosts or libpq tried more than one way. Such a failure is transient only when EVERY
attempt failed in a way that passes: the server could not be reached, or it answered that it is
starting, stopping, in recovery or full. A refusal of the sign-in itself (unknown role or
database, wrong password, no ``pg_hba.conf`` entry, ``NOLOGIN``, no CONNECT right) and a TLS or
option setting libpq refuses are terminal: retrying cannot fix them, so the batch fails at once
and says why.

libpq's own words are English unless the worker runs under another ``LANG``; the server's are in
its ``lc_messages``. A refusal in another language is not recognised as passing and fails the
batch at once; the host's retries and Kafka's redelivery still apply (docs/operations.md, "When
Bank 2 fails").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from adapters.engines.engine import loaded_driver, without_secrets

# Connection-level failures (class 08), serialization failure and deadlock (40001, 40P01), lock
# wait timeout (55P03), statement timeout or cancel (57014), admin shutdown and crash shutdown
# (57P01, as pg_terminate_backend sends; 57P02), server starting up or shutting down (57P03),
# too many connections (53300), and a write on a read-only server after a failover (25006).
# 57P05: the server ended an idle session (idle_session_timeout).
TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "57P05", "53300", "25006"}
)

# What a failed attempt without a SQLSTATE says when another attempt may succeed: the network
# or the host failed, the session was lost, or the server (or a PgBouncer in front of it) is
# busy, starting, stopping or in recovery (the texts of 53300 and 57P0x that libpq only relays).
_PASSING_TEXTS = (
    r"connection refused",
    r"timeout expired",
    r"timed out",
    r"could not translate host name",
    r"failed to resolve host",
    r"name or service not known",
    r"temporary failure in name resolution",
    r"no route to host",
    r"network is unreachable",
    r"host is down",
    r"server closed the connection unexpectedly",
    r"connection reset",
    r"broken pipe",
    r"software caused connection abort",
    r"could not (?:receive|send) data",
    r"ssl syscall error",
    r"ssl connection has been closed unexpectedly",
    r"eof detected",
    r"the connection is (?:lost|closed|broken)",
    r"consuming input failed",
    r"sending query",
    r"connection not open",
    r"no connection to the server",
    r"too many (?:clients|connections)",
    r"remaining connection slots are reserved",
    r"the database system is (?:starting up|shutting down|in recovery mode)",
    r"the database system is (?:not yet accepting|not accepting) connections",
    r"terminating connection due to administrator command",
    r"server is in hot standby mode",
    r"session is read-only",
    # PgBouncer, in front of the server: full, or the server behind it unreachable for now.
    r"no more connections allowed",
    r"pgbouncer cannot connect to server",
    r"server login has been failing, try again later",
    r"query_wait_timeout",
)
_PASSING = re.compile("|".join(_PASSING_TEXTS), re.IGNORECASE)
# libpq reports each attempt of one connect on a line of its own, after psycopg's prefix.
_ATTEMPT_START = "connection to server "
_ATTEMPT = re.compile(f"(?={_ATTEMPT_START})")

# SQLSTATE classes whose primary message names objects, rights, settings or states, never a
# row's values: connection (08), authorisation (28), catalog and schema names (3D, 3F), syntax
# and access rules (42), resources (53), object state (55), operator intervention (57),
# transaction rollback (40) and state (25), unsupported features (0A). Data exceptions (22),
# integrity violations (23) and internal errors (XX) may quote values: they show their code only.
_NAMING_CLASSES = frozenset({"08", "28", "3D", "3F", "42", "53", "55", "57", "40", "25", "0A"})


def sqlstate_of(error: BaseException) -> str | None:
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate if isinstance(sqlstate, str) and sqlstate else None


def is_transient(error: BaseException) -> bool:
    """Whether retrying on a fresh connection may succeed."""
    sqlstate = sqlstate_of(error)
    if sqlstate is not None:
        return sqlstate.startswith("08") or sqlstate in TRANSIENT_SQLSTATES
    # No SQLSTATE: the connection failed, or the driver itself did. Only a failure of the
    # connection (OperationalError, InterfaceError) can pass, and only for a passing reason.
    psycopg = loaded_driver("psycopg")
    if psycopg is None or not isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return False
    text = str(error)
    attempts = [part for part in _ATTEMPT.split(text) if part.startswith(_ATTEMPT_START)]
    return all(_PASSING.search(attempt) for attempt in attempts or [text])


def describe(error: BaseException) -> str:
    """The error's class and SQLSTATE."""
    sqlstate = sqlstate_of(error)
    described = type(error).__name__
    return f"{described} SQLSTATE {sqlstate}" if sqlstate is not None else described


def reason(error: BaseException, secrets: Iterable[str | None]) -> str | None:
    """What the server or libpq said, where that cannot hold row data; secrets removed."""
    sqlstate = sqlstate_of(error)
    if sqlstate is None:
        # A failed connect or a lost session: libpq's text names hosts, users, databases and
        # settings. (A statement's parameters never reach an error without a SQLSTATE.)
        text = str(error)
    elif sqlstate[:2] in _NAMING_CLASSES:
        # The primary message only: a DETAIL line may quote the failing row.
        diag = getattr(error, "diag", None)
        text = getattr(diag, "message_primary", None) or ""
    else:
        return None
    return without_secrets(text, secrets) or None
