"""Migration 0004 on every engine that runs here: no amount where there was no money, and never
a negative one, enforced by the database, and applied to a table that already holds rows.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from adapters.engines.database import SqlBank2
from adapters.engines.migrations import Migration, migrations_for
from adapters.engines.migrator import split_on_semicolons as split_statements
from adapters.engines.mysql.url import parse_mysql_url
from adapters.engines.urls import open_bank2
from adapters.payments.store import SqlPaymentStore
from domain.payments.messages import ErrorMessage
from domain.payments.transactions import Decision
from service.stream.errors import StoreError
from tests.support import query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ENGINE_OF_URL = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql"}
MIGRATION_0004 = 4


def execute(bank: SqlBank2, sql: str) -> None:
    """A write as the schema owner (the tests' login), outside the code under test."""
    connection = bank.acquire()
    broken = False
    try:
        try:
            connection.cursor().execute(sql)
            connection.commit()
        except Exception:
            connection.rollback()
            raise
    except Exception:
        broken = bank.engine.name == "postgresql"  # psycopg may leave the session unusable
        raise
    finally:
        bank.release(broken=broken)


def amounts(bank: SqlBank2) -> dict[str, Decimal | None]:
    rows = query(bank, "SELECT id, amount FROM transactions")
    return {str(i): None if a is None else Decimal(str(a)) for i, a in rows}


def test_a_decision_without_an_amount_is_stored_with_none(bank: SqlBank2) -> None:
    no_money = Decision("t-1", "acc-1", None, ErrorMessage.INVALID_AMOUNT, None)
    negative = Decision("t-2", "acc-1", None, ErrorMessage.AMOUNT_TOO_LOW, None)
    with bank.unit_of_work_for(SqlPaymentStore) as uow:
        uow.store.record_decisions([no_money, negative], NOW)
        stored = uow.store.stored_outcomes(["t-1", "t-2"], NOW)
        uow.commit()
    assert stored["t-1"].outcome.error_message == "invalid amount"
    assert amounts(bank) == {"t-1": None, "t-2": None}


@pytest.mark.parametrize(
    "values",
    [
        "'-5.00', 'rejected', 'the amount must be greater than 1'",
        "NULL, 'approved', NULL",  # an approval always has its amount
    ],
    ids=["negative", "approved-without-amount"],
)
def test_the_database_refuses_negative_money_and_approvals_without_amount(
    bank: SqlBank2, values: str
) -> None:
    now = "'2026-11-22T12:00:00.000000Z'" if bank.engine.name == "sqlite" else "CURRENT_TIMESTAMP"
    # Each driver raises its own integrity error; all of them name the failed CHECK.
    sql = (
        "INSERT INTO transactions (id, account_id, amount, status, error_message,"  # noqa: S608
        f" created_at, updated_at) VALUES ('t-9', 'acc-1', {values}, {now}, {now})"
    )
    with pytest.raises(Exception, match=CHECK_FAILED):
        execute(bank, sql)
    assert amounts(bank) == {}


CHECK_FAILED = r"(?i)check constraint|constraint .transactions_amount. failed"


def test_a_decision_too_long_for_its_column_is_never_committed_cut_short(bank: SqlBank2) -> None:
    # MySQL's INSERT IGNORE would store it cut to 64 characters with a mere warning: the store's
    # read-back refuses it before the commit. Longer than every engine's column (SQL Server's is
    # NVARCHAR(128), for UTF-16); SQLite has no widths: it is stored whole.
    long_id = "x" * 129
    try:
        with bank.unit_of_work_for(SqlPaymentStore) as uow:
            uow.store.record_decisions(
                [Decision(long_id, "acc", None, ErrorMessage.INVALID_AMOUNT, None)], NOW
            )
            uow.store.stored_outcomes([long_id], NOW)
            uow.commit()
    except StoreError:
        assert amounts(bank) == {}
    else:
        assert bank.engine.name == "sqlite"
        assert list(amounts(bank)) == [long_id]


# --- 0004 applied to a table written by earlier versions -------------------------------------


def test_0004_drops_negative_amounts_and_keeps_every_outcome(engine_url: str) -> None:
    engine = engine_url.split(":", 1)[0]
    if engine not in ENGINE_OF_URL:
        pytest.skip(f"no raw connection for {engine} here")
    apply_migrations_before_0004(engine_url)
    bank = open_bank2(engine_url)  # connecting applies 0004
    try:
        assert amounts(bank) == {"old-1": None, "old-2": Decimal("10.00"), "old-3": Decimal("0.00")}
        statuses = query(bank, "SELECT id, status, error_message FROM transactions ORDER BY id")
        assert statuses == [
            ("old-1", "rejected", "the amount must be greater than 1"),
            ("old-2", "approved", None),
            ("old-3", "rejected", "the amount must be greater than 1"),
        ]
        versions = sorted(
            int(str(v)) for (v,) in query(bank, "SELECT version FROM schema_migrations")
        )
        # 0004 and every later migration, once each.
        assert versions == sorted(m.version for m in migrations_for(ENGINE_OF_URL[engine]))
    finally:
        bank.close()


# Amounts as text literals: exact text on SQLite, cast to the decimal type elsewhere.
OLD_ROWS = (
    "INSERT INTO transactions (id, account_id, amount, status, error_message,"
    " created_at, updated_at) VALUES"
    " ('old-1', 'acc', '-5.00', 'rejected', 'the amount must be greater than 1', {t}, {t}),"
    " ('old-2', 'acc', '10.00', 'approved', NULL, {t}, {t}),"
    " ('old-3', 'acc', '0.00', 'rejected', 'the amount must be greater than 1', {t}, {t})"
)


def apply_migrations_before_0004(url: str) -> None:
    """Migrations 1-3 as an earlier version applied them, and rows it wrote."""
    engine = ENGINE_OF_URL[url.split(":", 1)[0]]
    earlier = [m for m in migrations_for(engine) if m.version < MIGRATION_0004]
    {"sqlite": _sqlite_before, "postgresql": _postgres_before, "mysql": _mysql_before}[engine](
        url, earlier
    )


def _sqlite_before(url: str, earlier: list[Migration]) -> None:
    with closing(sqlite3.connect(Path(url.removeprefix("sqlite:///")))) as db:
        db.execute(
            "CREATE TABLE schema_migrations"
            " (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for migration in earlier:
            db.executescript(migration.script)
            db.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, '2026-01-01')",
                (migration.version, migration.name),
            )
        db.execute(OLD_ROWS.format(t="'2026-01-01'"))
        db.commit()


def _postgres_before(url: str, earlier: list[Migration]) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(
            "CREATE TABLE schema_migrations (version integer PRIMARY KEY,"
            " name varchar(200) NOT NULL, applied_at timestamptz NOT NULL)"
        )
        for migration in earlier:
            db.execute(migration.script)
            db.execute(
                "INSERT INTO schema_migrations VALUES (%s, %s, now())",
                (migration.version, migration.name),
            )
        db.execute(OLD_ROWS.format(t="now()"))


def _mysql_before(url: str, earlier: list[Migration]) -> None:
    target = parse_mysql_url(url)
    db = pymysql.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password,
        database=target.database,
        autocommit=True,
    )
    with db:
        cursor = db.cursor()
        cursor.execute(
            "CREATE TABLE schema_migrations (version INT PRIMARY KEY,"
            " name VARCHAR(200) NOT NULL, applied_at DATETIME(6) NOT NULL)"
        )
        for migration in earlier:
            for statement in split_statements(migration.script):
                cursor.execute(statement)
            cursor.execute(
                "INSERT INTO schema_migrations VALUES (%s, %s, NOW(6))",
                (migration.version, migration.name),
            )
        cursor.execute(OLD_ROWS.format(t="NOW(6)"))
