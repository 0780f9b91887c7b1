"""The do-not-call tables under the least-privilege scripts, on the real PostgreSQL and MariaDB
servers: telesales read the view, which hides a listed contact with its owner's rights, and never
the lists themselves; the functions' identities cannot change a list (the customer function only
reads the listed phones, to count what it suppresses); the privacy officer's login loads them.

The databases, logins and scripts are the privilege suites' own (tests/engines/), so these
checks follow the scripts as they change."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import psycopg
import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from adapters.engines.mysql.url import parse_mysql_url
from adapters.engines.urls import open_bank2
from tests.customers.do_not_call.support import JULY, JUNE, Export, SqlBackend, lists
from tests.engines import test_mysql_privileges as mysql
from tests.engines import test_postgres_privileges as postgres
from tests.engines.test_mysql_privileges import Setup, setup  # noqa: F401 - the fixture
from tests.engines.test_postgres_privileges import Logins, logins, owner_url  # noqa: F401

COLUMN_ACCESS_DENIED = 1143  # MariaDB: "command denied to user ... for column"
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


def test_postgres_the_functions_cannot_change_a_list(
    owner_url: str,  # noqa: F811
    logins: Logins,  # noqa: F811
) -> None:
    listed_bank2(owner_url)
    for login in (logins.function, logins.payments):
        url = postgres.as_login(owner_url, login, logins.password)
        assert postgres.denied(url, "SELECT * FROM do_not_call_lists"), login
        for sql in LIST_WRITES:
            assert postgres.denied(url, sql), (login, sql)
    payments_url = postgres.as_login(owner_url, logins.payments, logins.password)
    assert postgres.denied(payments_url, "SELECT * FROM suppressed_phones")


def test_postgres_the_privacy_officer_loads_and_lists_with_the_scripts_grants(
    owner_url: str,  # noqa: F811
    logins: Logins,  # noqa: F811
) -> None:
    listed_bank2(owner_url)
    load_and_replace(postgres.as_login(owner_url, logins.privacy, logins.password))


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


def test_mariadb_the_functions_cannot_change_a_list(setup: Setup) -> None:  # noqa: F811
    listed_bank2(setup.url)
    for account in (setup.function, setup.payments):
        with mysql.connect(setup.url, account) as connection:
            assert mysql.denied(connection, "SELECT * FROM do_not_call_lists"), account
            for sql in LIST_WRITES:
                assert mysql.denied(connection, sql), sql
    with mysql.connect(setup.url, setup.payments) as connection:
        assert mysql.denied(connection, "SELECT * FROM suppressed_phones")


def test_mariadb_the_privacy_officer_loads_and_lists_with_the_scripts_grants(
    setup: Setup,  # noqa: F811
) -> None:
    listed_bank2(setup.url)
    load_and_replace(mysql.as_account(setup.url, setup.privacy))


# What the do-not-call statements need, table by table: the privacy officer's grants
# (docs/do-not-call.md). PostgreSQL's LOCK TABLE ... EXCLUSIVE needs UPDATE on the table;
# contact_state is read through four columns only, never a name or a region.
PRIVACY_GRANTS = (
    "GRANT SELECT ON schema_migrations TO {who}",
    "GRANT SELECT, INSERT, UPDATE ON do_not_call_lists TO {who}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON suppressed_phones TO {who}",
    "GRANT INSERT ON removal_log TO {who}",
    "GRANT SELECT (customer_id, version, phone, removed_at) ON contact_state TO {who}",
)


def load_and_replace(url: str) -> None:
    """A first load of a list (its row inserted) and a newer export of another (its row
    updated, a phone dropped, its contact restored), on the Bank 2 ``listed_bank2`` made."""
    bank = open_bank2(url)
    try:
        service = lists(SqlBackend("privacy officer", bank))
        first = service.load("nao-me-perturbe", JUNE, Export("71988887777"))
        assert (first.load_number, first.contacts_suppressed) == (1, 1)
        newer = service.load("procon-sp", JULY, Export("21998765432"))
        assert (newer.load_number, newer.phones_dropped, newer.contacts_restored) == (2, 1, 1)
        assert [found.list_name for found in service.lists()] == ["nao-me-perturbe", "procon-sp"]
    finally:
        bank.close()


def test_postgres_these_grants_are_all_a_load_needs(
    owner_url: str,  # noqa: F811
    logins: Logins,  # noqa: F811
) -> None:
    listed_bank2(owner_url)
    database = urlsplit(owner_url).path.removeprefix("/")
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{logins.other}"')
        for grant in PRIVACY_GRANTS:
            owner.execute(grant.format(who=f'"{logins.other}"'))
    privacy_url = postgres.as_login(owner_url, logins.other, logins.password)

    load_and_replace(privacy_url)

    assert postgres.denied(privacy_url, "SELECT name FROM contact_state")
    assert postgres.denied(privacy_url, "SELECT * FROM removal_log")


def test_mariadb_these_grants_are_all_a_load_needs(setup: Setup) -> None:  # noqa: F811
    listed_bank2(setup.url)
    officer = mysql.random_account()
    database = parse_mysql_url(setup.url).database
    with mysql.connect(setup.url) as admin:
        mysql.create_user(admin, officer)
        try:
            cursor = admin.cursor()
            for grant in PRIVACY_GRANTS:
                table_grant = grant.replace(" ON ", f" ON `{database}`.", 1)
                cursor.execute(table_grant.format(who=officer.sql))
            privacy_url = mysql.as_account(setup.url, officer)

            load_and_replace(privacy_url)

            with mysql.connect(setup.url, officer) as connection:
                cursor = connection.cursor()
                with pytest.raises(pymysql.err.OperationalError) as refused:
                    cursor.execute("SELECT name FROM contact_state")
                assert refused.value.args[0] == COLUMN_ACCESS_DENIED
                assert mysql.denied(connection, "SELECT * FROM removal_log")
        finally:
            admin.cursor().execute(f"DROP USER IF EXISTS {officer.sql}")
