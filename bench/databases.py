"""Scratch Bank 2 databases for one benchmark run, on every engine that can be reached.

SQLite is a file in the run's work folder. PostgreSQL and MariaDB are fresh databases on the
servers the tests use (``tests/databases.py``): 127.0.0.1 with the ``postgres`` and ``root`` users,
overridable with ``BANK2_BENCH_POSTGRES_ADMIN_URL`` and ``BANK2_BENCH_MYSQL_ADMIN_URL`` (or the
tests' ``BANK2_TEST_*_ADMIN_URL``). A server that cannot be reached is skipped, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from adapters.engines.registry import ENGINES as REGISTERED
from adapters.engines.registry import canonical
from adapters.engines.scratch import mysql_database, postgres_database

# The registered engines the benchmark runs on, by the name of the server it uses (MariaDB for
# the mysql engine); SQL Server cannot run here.
_RUN_AS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mariadb"}
ENGINES = tuple(_RUN_AS[name] for name in REGISTERED if name in _RUN_AS)

_CONNECT_TIMEOUT_S = 5
_PREFIX = "bank2_bench"


def postgres_admin_url() -> str:
    return os.environ.get(
        "BANK2_BENCH_POSTGRES_ADMIN_URL",
        os.environ.get(
            "BANK2_TEST_POSTGRES_ADMIN_URL",
            "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable",
        ),
    )


def mysql_admin_url() -> str:
    return os.environ.get(
        "BANK2_BENCH_MYSQL_ADMIN_URL",
        os.environ.get("BANK2_TEST_MYSQL_ADMIN_URL", "mysql://root@127.0.0.1:3306/mysql?ssl=false"),
    )


@contextmanager
def scratch_database(engine: str, folder: Path, label: str) -> Iterator[str]:
    """A ``BANK2_URL`` naming an empty database, dropped (or deleted) afterwards."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    name = canonical(engine)
    if name == "sqlite":
        path = folder / f"{label}.db"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
    elif name == "postgresql":
        with postgres_database(postgres_admin_url(), _PREFIX) as url:
            yield url
    else:
        with mysql_database(mysql_admin_url(), _PREFIX) as url:
            yield url


def log_position(engine: str, url: str) -> int | None:
    """How many bytes the server has written to its transaction log so far, or None.

    Server-wide: any other client writing at the same time is counted too, so on PostgreSQL the
    benchmark reads only its own database's records between two positions
    (``wal_bytes_of_database``). PostgreSQL's WAL and InnoDB's redo log stand in for Azure SQL's
    transaction log, whose write rate is what each service tier limits (docs/capacity.md).
    """
    if engine == "postgresql":
        import psycopg  # noqa: PLC0415

        with psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S) as db:
            row = db.execute("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint").fetchone()
        return int(row[0]) if row else None
    if engine == "mariadb":
        import pymysql  # noqa: PLC0415

        parts = urlsplit(url)
        with (
            pymysql.connect(
                host=parts.hostname or "127.0.0.1",
                port=parts.port or 3306,
                user=parts.username or "root",
                password=parts.password or "",
                connect_timeout=_CONNECT_TIMEOUT_S,
            ) as db,
            db.cursor() as cursor,
        ):
            cursor.execute("SHOW GLOBAL STATUS LIKE 'Innodb_lsn_current'")
            row = cursor.fetchone()
        return int(row[1]) if row else None
    return None


# The WAL records between two positions that belong to this database: those of its transactions
# (each record of a transaction carries its xid, the commit record included) and those of its
# pages written outside a transaction (pruning, hint bits, full-page images). Another database's
# records name another database OID in their block references and other xids.
_DATABASE_WAL = """
WITH records AS (
    SELECT xid, record_length, block_ref
    FROM pg_get_wal_records_info(%(start)s::pg_lsn, %(end)s::pg_lsn)
),
ours AS (
    SELECT DISTINCT xid FROM records
    WHERE xid <> '0'::xid AND block_ref LIKE %(pattern)s
)
SELECT coalesce(sum(record_length), 0) FROM records
WHERE block_ref LIKE %(pattern)s OR xid IN (SELECT xid FROM ours)
"""


def wal_bytes_of_database(url: str, start: int, end: int) -> int | None:
    """The bytes of WAL records this database wrote between two ``log_position``s, or None.

    Right on a shared server: read with ``pg_walinspect`` (PostgreSQL 15+, superuser), counting
    only the records of this database's transactions and pages. None where it cannot be read.
    """
    import psycopg  # noqa: PLC0415

    def lsn(position: int) -> str:
        return f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S) as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
            oid = db.execute(
                "SELECT oid FROM pg_database WHERE datname = current_database()"
            ).fetchone()
            if oid is None:
                return None
            row = db.execute(
                _DATABASE_WAL,
                {"start": lsn(start), "end": lsn(end), "pattern": f"%rel %/{oid[0]}/%"},
            ).fetchone()
    except psycopg.Error:
        return None
    return int(row[0]) if row else None
