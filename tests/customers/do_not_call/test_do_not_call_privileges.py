"""The do-not-call tables under the least-privilege scripts, on the real PostgreSQL and MariaDB
servers: telesales read the view, which hides a listed contact with its owner's rights, and never
the lists themselves; the functions' identities need nothing on them and get nothing.

The databases, logins and scripts are the privilege suites' own (tests/engines/), so these
checks follow the scripts as they change."""

from __future__ import annotations

from typing import Any

import psycopg

from adapters.engines.urls import open_bank2
from tests.customers.do_not_call.support import JUNE, Export, SqlBackend, lists
from tests.engines import test_mysql_privileges as mysql
from tests.engines import test_postgres_privileges as postgres
from tests.engines.test_mysql_privileges import Setup, setup  # noqa: F401 - the fixture
from tests.engines.test_postgres_privileges import Logins, logins, owner_url  # noqa: F401

LIST_TABLES = ("suppressed_phones", "do_not_call_lists", "removal_log")
LIST_WRITES = (
    (
        "INSERT INTO suppressed_phones (phone, list_name, listed_on, added_in, seen_in)"
        " VALUES ('+5521998765432', 'x', '2025-01-01', 1, 1)"
    ),
    "DELETE FROM suppressed_phones",
    "UPDATE do_not_call_lists SET phones = 0",
)


def listed_bank2(url: str) -> None:
    """Two contacts, one of whose phones the owner loads on a list."""
    bank = open_bank2(url)
    try:
        backend = SqlBackend("owner", bank)
        backend.add_contact("c-listed", "+5511987654321")
        backend.add_contact("c-free", "+5571988887777")
        lists(backend).load("procon-sp", JUNE, Export("11987654321"))
    finally:
        bank.close()


def test_postgres_telesales_see_the_view_without_listed_contacts_and_never_the_lists(
    owner_url: str,  # noqa: F811
    logins: Logins,  # noqa: F811
) -> None:
    listed_bank2(owner_url)
    telesales_url = postgres.as_login(owner_url, logins.telesales, logins.password)

    with psycopg.connect(telesales_url) as telesales:
        rows = telesales.execute("SELECT customer_id FROM telesales_contacts").fetchall()

    assert rows == [("c-free",)]
    for table in LIST_TABLES:
        assert postgres.denied(telesales_url, f"SELECT * FROM {table}"), table  # noqa: S608


def test_postgres_the_functions_have_no_right_on_the_lists(
    owner_url: str,  # noqa: F811
    logins: Logins,  # noqa: F811
) -> None:
    listed_bank2(owner_url)
    for login in (logins.function, logins.payments):
        url = postgres.as_login(owner_url, login, logins.password)
        for table in LIST_TABLES[:2]:
            assert postgres.denied(url, f"SELECT * FROM {table}"), (login, table)  # noqa: S608
        for sql in LIST_WRITES:
            assert postgres.denied(url, sql), (login, sql)


def rows(connection: Any, sql: str) -> list[tuple[object, ...]]:
    cursor = connection.cursor()
    cursor.execute(sql)
    return [tuple(row) for row in cursor.fetchall()]


def test_mariadb_telesales_see_the_view_without_listed_contacts_and_never_the_lists(
    setup: Setup,  # noqa: F811
) -> None:
    listed_bank2(setup.url)

    with mysql.connect(setup.url, setup.telesales) as telesales:
        assert rows(telesales, "SELECT customer_id FROM telesales_contacts") == [("c-free",)]
        for table in LIST_TABLES:
            assert mysql.denied(telesales, f"SELECT * FROM {table}"), table  # noqa: S608


def test_mariadb_the_functions_have_no_right_on_the_lists(setup: Setup) -> None:  # noqa: F811
    listed_bank2(setup.url)
    for account in (setup.function, setup.payments):
        with mysql.connect(setup.url, account) as connection:
            for table in LIST_TABLES[:2]:
                assert mysql.denied(connection, f"SELECT * FROM {table}"), table  # noqa: S608
            for sql in LIST_WRITES:
                assert mysql.denied(connection, sql), sql
