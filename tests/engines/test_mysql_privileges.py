"""The least-privilege script on the real MariaDB server: what each account can and cannot do.

The owner (the admin URL's account) migrates a fresh database; the test creates the customers
function's, the payment processor's, a telesales and a privacy officer's account with random
names, runs
adapters/engines/mysql/privileges.sql with those names (and random role names, since roles are
server-wide) in place of its placeholders, then connects as each account. Accounts and roles are
dropped afterwards.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from adapters.customers.store import projection_unit_of_work
from adapters.engines.migrator import split_on_semicolons as split_statements
from adapters.engines.mysql.engine import MysqlEngine
from adapters.engines.mysql.url import parse_mysql_url
from adapters.engines.registry import privileges_script
from adapters.engines.urls import open_bank2
from domain.customers.changes import Contact, Removal
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from service.customers.ports import RejectedRecord
from service.stream.errors import StoreError, TransientStoreError
from service.stream.records import Partition
from tests.customers.builders import NOW, v
from tests.databases import mysql_database
from tests.payments.support import OUTCOME_CHANGES as COMMON_OUTCOME_CHANGES
from tests.payments.support import PROJECTION_ACCESS
from tests.support import (
    LGPD_TABLES,
    REMOVAL_LOG_TAMPERING,
    decide_one_transaction,
    project_lgpd_batch,
)

_SCRIPT = privileges_script("mysql")
assert _SCRIPT is not None
SCRIPT = _SCRIPT
TABLE_ACCESS_DENIED = 1142  # "command denied to user ... for table"


@dataclass(frozen=True)
class Account:
    user: str
    password: str

    @property
    def sql(self) -> str:
        return f"'{self.user}'@'%'"


@dataclass(frozen=True)
class Setup:
    url: str  # the owner's
    function: Account
    payments: Account
    telesales: Account
    privacy: Account
    replacements: dict[str, str]  # the script's placeholders and the names used here


def random_account() -> Account:
    return Account(f"bank2_{secrets.token_hex(5)}", secrets.token_urlsafe(16))


def connect(url: str, account: Account | None = None) -> Any:
    target = parse_mysql_url(url)
    return pymysql.connect(
        host=target.host,
        port=target.port,
        user=account.user if account else target.user,
        password=account.password if account else target.password,
        database=target.database,
        autocommit=True,
    )


def as_account(url: str, account: Account) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    credentials = f"{quote(account.user, safe='')}:{quote(account.password, safe='')}"
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def create_user(admin: Any, account: Account) -> None:
    # The password as a literal: a parameter would make the host's '%' a format marker.
    password = admin.escape(account.password)
    admin.cursor().execute(f"CREATE USER {account.sql} IDENTIFIED BY {password}")


def run_script(connection: Any, replacements: dict[str, str]) -> None:
    script = SCRIPT.read_text("utf-8")
    for placeholder, name in replacements.items():
        assert placeholder in script
        script = script.replace(placeholder, name)
    cursor = connection.cursor()
    for statement in split_statements(script):
        cursor.execute(statement)
        cursor.fetchall()


@pytest.fixture
def setup() -> Iterator[Setup]:
    with mysql_database() as url:
        MysqlEngine.from_url(url).connect().close()  # the owner applies the migrations
        function, payments, telesales, privacy = (random_account() for _ in range(4))
        function_role, payments_role, telesales_role, privacy_role = (
            f"role_{secrets.token_hex(5)}" for _ in range(4)
        )
        admin = connect(url)
        with admin:
            cursor = admin.cursor()
            try:
                for account in (function, payments, telesales, privacy):
                    create_user(admin, account)
                replacements = {
                    "'bank2_function'@'%'": function.sql,
                    "'bank2_payments'@'%'": payments.sql,
                    "'telesales_reader'@'%'": telesales.sql,
                    "`telesales_function`": f"`{function_role}`",
                    "`payments_function`": f"`{payments_role}`",
                    "`telesales`": f"`{telesales_role}`",
                    "`privacy_officer`": f"`{privacy_role}`",
                }
                run_script(admin, replacements)
                # The script leaves the privacy officer's account to the DBA, as it says.
                cursor.execute(f"GRANT `{privacy_role}` TO {privacy.sql}")
                cursor.execute(f"SET DEFAULT ROLE `{privacy_role}` FOR {privacy.sql}")
                yield Setup(url, function, payments, telesales, privacy, replacements)
            finally:
                cursor.execute(
                    f"DROP USER IF EXISTS {function.sql}, {payments.sql}, {telesales.sql},"
                    f" {privacy.sql}"
                )
                cursor.execute(
                    f"DROP ROLE IF EXISTS {function_role}, {payments_role}, {telesales_role},"
                    f" {privacy_role}"
                )


def denied(connection: Any, sql: str) -> bool:
    try:
        connection.cursor().execute(sql)
    except pymysql.err.OperationalError as error:
        return bool(error.args[0] == TABLE_ACCESS_DENIED)
    return False


def test_the_function_account_runs_the_whole_projection(setup: Setup) -> None:
    bank = open_bank2(as_account(setup.url, setup.function))
    p0 = Partition("customers", 0)
    reject = RejectedRecord("customers", 0, 3, RejectReason.INVALID_PHONE)
    with projection_unit_of_work(bank) as uow:
        assert uow.store.applied_offsets("telesales") == {}
        written = uow.store.write_contacts(
            [
                Contact("1", v(1), "Maria Souza", "+5511987654321", Region.SUDESTE),
                Removal("2", v(1)),
            ],
            NOW - timedelta(days=60),
        )
        assert written.customer_ids == {"1", "2"}
        assert written.suppressed == set()
        uow.store.record_rejects([reject], NOW)
        uow.store.advance_offsets("telesales", {p0: 3}, NOW)
        uow.commit()
    with projection_unit_of_work(bank) as uow:
        uow.store.record_rejects([reject], NOW)  # the duplicate's no-op update
        uow.store.advance_offsets("telesales", {p0: 2}, NOW)
        assert uow.store.purge_removal_markers(NOW - timedelta(days=30)) == 1
        uow.commit()
    with projection_unit_of_work(bank) as uow:
        assert uow.store.applied_offsets("telesales") == {p0: 3}
        # "1" is held at v1, so v1 is not newer; "2"'s marker was purged, so it is written.
        assert uow.store.write_contacts(
            [Removal("1", v(1)), Removal("2", v(1))], NOW
        ).customer_ids == {"2"}
    bank.close()


def test_the_function_account_cannot_change_the_schema_or_read_the_view(setup: Setup) -> None:
    with connect(setup.url, setup.function) as connection:
        assert denied(connection, "DROP TABLE consumer_offsets")
        assert denied(connection, "CREATE TABLE extra (id INT PRIMARY KEY)")
        assert denied(connection, "ALTER TABLE contact_state ADD COLUMN cpf CHAR(11)")
        assert denied(connection, "CREATE OR REPLACE VIEW telesales_contacts AS SELECT 1 AS a")
        assert denied(connection, "INSERT INTO schema_migrations VALUES (2, 'x', NOW())")
        assert denied(connection, "DELETE FROM consumer_offsets")
        assert denied(connection, "SELECT * FROM telesales_contacts")


def test_a_function_account_without_the_grants_cannot_open_bank2(setup: Setup) -> None:
    stranger = random_account()
    with connect(setup.url) as admin:
        create_user(admin, stranger)
        try:
            bank = open_bank2(as_account(setup.url, stranger))
            with pytest.raises(StoreError) as caught, projection_unit_of_work(bank):
                pass
            assert not isinstance(caught.value, TransientStoreError)
            # It says why, as the server said it, and never the password.
            assert f"Access denied for user '{stranger.user}'" in str(caught.value)
            assert stranger.password not in str(caught.value)
            bank.close()
        finally:
            admin.cursor().execute(f"DROP USER {stranger.sql}")


def test_telesales_read_the_view_and_nothing_else(setup: Setup) -> None:
    bank = open_bank2(setup.url)
    with projection_unit_of_work(bank) as uow:
        uow.store.write_contacts(
            [
                Contact("1", v(1), "Maria Souza", "+5511987654321", Region.SUDESTE),
                Removal("2", v(1)),
            ],
            NOW,
        )
        uow.commit()
    bank.close()
    with connect(setup.url, setup.telesales) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT customer_id, name, phone, region FROM telesales_contacts")
        assert cursor.fetchall() == (("1", "Maria Souza", "+5511987654321", "Sudeste"),)
        for table in (
            "contact_state",
            "consumer_offsets",
            "rejected_messages",
            "schema_migrations",
            *LGPD_TABLES,
        ):
            assert denied(connection, f"SELECT * FROM {table}")  # noqa: S608 - fixed names
        assert denied(connection, "UPDATE telesales_contacts SET name = 'x'")
        assert denied(connection, "DELETE FROM telesales_contacts")


def test_the_payments_account_decides_payments(setup: Setup) -> None:
    # Twice the same id in a batch, then the batch again: the duplicates need no UPDATE.
    assert decide_one_transaction(as_account(setup.url, setup.payments)) == "approved"
    assert decide_one_transaction(as_account(setup.url, setup.payments)) == "approved"


def test_the_customers_account_cannot_read_or_write_payments(setup: Setup) -> None:
    with connect(setup.url, setup.function) as connection:
        assert denied(connection, "SELECT * FROM transactions")
        assert denied(
            connection,
            "INSERT INTO transactions (id, account_id, amount, status, created_at, updated_at)"
            " VALUES ('tx-9', 'a', 1.00, 'approved', NOW(), NOW())",
        )


def test_the_payments_account_cannot_touch_the_customer_projection(setup: Setup) -> None:
    with connect(setup.url, setup.payments) as connection:
        for sql in (*PROJECTION_ACCESS, "CREATE TABLE exfiltrated (id INT PRIMARY KEY)"):
            assert denied(connection, sql), sql


OUTCOME_CHANGES = [
    *COMMON_OUTCOME_CHANGES,
    (
        "REPLACE INTO transactions (id, account_id, amount, status, created_at, updated_at)"
        " VALUES ('tx-1', 'a', 1.00, 'approved', NOW(), NOW())"
    ),
    (
        "INSERT INTO transactions (id, account_id, amount, status, created_at, updated_at)"
        " VALUES ('tx-1', 'a', 1.00, 'approved', NOW(), NOW())"
        " ON DUPLICATE KEY UPDATE status = 'approved', error_message = NULL"
    ),
]


def rejected_outcome(setup: Setup) -> None:
    """A stored rejection the function's account then tries to change, as the owner writes it."""
    with connect(setup.url) as owner:
        owner.cursor().execute(
            "INSERT INTO transactions (id, account_id, amount, status, error_message,"
            " created_at, updated_at) VALUES ('tx-1', 'acc-1', 5000.00, 'rejected',"
            " 'you dont have limit for this transaction', NOW(6), NOW(6))"
        )


def stored_outcome(setup: Setup) -> tuple[Any, ...]:
    with connect(setup.url) as owner:
        cursor = owner.cursor()
        cursor.execute("SELECT id, amount, status, error_message FROM transactions")
        return tuple(cursor.fetchall())


@pytest.mark.parametrize("sql", OUTCOME_CHANGES)
def test_the_database_refuses_the_function_account_any_change_to_an_outcome(
    setup: Setup, sql: str
) -> None:
    rejected_outcome(setup)
    before = stored_outcome(setup)
    for account in (setup.payments, setup.function):
        with connect(setup.url, account) as connection:
            assert denied(connection, sql), account.user
    assert stored_outcome(setup) == before


def test_running_the_script_again_takes_back_what_earlier_versions_granted_on_transactions(
    setup: Setup,
) -> None:
    # Earlier versions of the script gave the customers function's role the payment grants,
    # UPDATE included (for ON DUPLICATE KEY UPDATE).
    role = setup.replacements["`telesales_function`"]
    with connect(setup.url) as admin:
        admin.cursor().execute(f"GRANT SELECT, INSERT, UPDATE ON transactions TO {role}")
        run_script(admin, setup.replacements)
    rejected_outcome(setup)
    with connect(setup.url, setup.function) as connection:
        assert denied(connection, "UPDATE transactions SET status = 'approved'")
        assert denied(connection, "SELECT * FROM transactions")
    # tx-1 is answered with its stored outcome, and the payment processor still works.
    assert decide_one_transaction(as_account(setup.url, setup.payments)) == "rejected"


def lgpd_batch_as_the_function(setup: Setup) -> tuple[int, int, int]:
    """The LGPD batch (tests/support.py) through the function's own account."""
    owner = open_bank2(setup.url)
    try:
        return project_lgpd_batch(as_account(setup.url, setup.function), owner)
    finally:
        owner.close()


def test_the_function_appends_to_the_removal_log_and_can_do_nothing_else_with_it(
    setup: Setup,
) -> None:
    assert lgpd_batch_as_the_function(setup) == (1, 1, 1)
    with connect(setup.url) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT customer_id, reason FROM removal_log ORDER BY customer_id")
        assert cursor.fetchall() == (("1", "do_not_call"), ("3", "deleted"), ("4", "withdrawn"))
        cursor.execute("SELECT customer_id FROM rejected_message_subjects")
        assert cursor.fetchall() == (("4",),)
    with connect(setup.url, setup.function) as connection:
        for sql in REMOVAL_LOG_TAMPERING:
            assert denied(connection, sql), sql
    with connect(setup.url, setup.telesales) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT customer_id FROM telesales_contacts")
        assert cursor.fetchall() == (("2",),)  # 1 is on a list, 3 deleted, 4 withdrawn


def test_the_privacy_officer_reads_keeps_the_lists_and_prunes_the_log(setup: Setup) -> None:
    lgpd_batch_as_the_function(setup)
    with connect(setup.url, setup.privacy) as connection:
        cursor = connection.cursor()
        cursor.execute("SELECT COUNT(*) FROM contact_state")
        assert cursor.fetchall() == ((4,),)
        cursor.execute("DELETE FROM suppressed_phones")
        cursor.execute("DELETE FROM removal_log WHERE applied_at < NOW() - INTERVAL 1 DAY")
        for sql in [
            "SELECT * FROM consumer_offsets",
            "SELECT * FROM transactions",
            "UPDATE removal_log SET reason = 'deleted'",
            "UPDATE contact_state SET name = 'X'",
        ]:
            assert denied(connection, sql), sql
