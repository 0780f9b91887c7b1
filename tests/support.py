"""Helpers shared by the tests."""

from __future__ import annotations

from adapters.bank2.sql_store import SqlBank2


def query(bank: SqlBank2, sql: str) -> list[tuple[object, ...]]:
    """Read Bank 2 on the adapter's own connection, outside the code under test."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        rows = [tuple(row) for row in cursor.fetchall()]
        connection.rollback()
        return rows
    finally:
        bank.release(broken=False)


def columns_of(bank: SqlBank2, table: str) -> list[str]:
    """A table's or view's column names, in order, as the driver reports them."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")  # noqa: S608 - test-owned names
        names = [column[0] for column in cursor.description]
        cursor.fetchall()
        connection.rollback()
        return names
    finally:
        bank.release(broken=False)
