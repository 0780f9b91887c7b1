"""The PostgreSQL least-privilege script, run with psql on the real server as a DBA would.

Each test creates its own logins (random names), a fresh database migrated by its owner, and runs
adapters/engines/postgresql/privileges.sql; then it connects as each login and checks what it
can and cannot do. The logins are dropped after the database.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import psycopg.errors
import pytest

from adapters.bank2.__main__ import main as bank2_cli
from adapters.customers.store import projection_unit_of_work
from adapters.engines.registry import privileges_script
from adapters.engines.urls import open_bank2
from domain.customers.changes import Contact, Removal
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from service.customers.ports import RejectedRecord
from service.stream.records import Partition
from tests.customers.builders import NOW, v
from tests.databases import POSTGRES_ADMIN_URL, postgres_database
from tests.payments.support import OUTCOME_CHANGES as COMMON_OUTCOME_CHANGES
from tests.payments.support import PROJECTION_ACCESS
from tests.support import (
    LGPD_TABLES,
    REMOVAL_LOG_TAMPERING,
    decide_one_transaction,
    project_lgpd_batch,
)

_SCRIPT = privileges_script("postgresql")
assert _SCRIPT is not None
SCRIPT = _SCRIPT
ADMIN = urlsplit(POSTGRES_ADMIN_URL).username or "postgres"  # a superuser: it creates databases
INTERNAL_TABLES = [
    "contact_state",
    "consumer_offsets",
    "rejected_messages",
    "schema_migrations",
    *LGPD_TABLES,
]


@dataclass(frozen=True)
class Logins:
    function: str
    payments: str
    telesales: str
    privacy: str
    other: str
    password: str


@pytest.fixture
def logins() -> Logins:
    suffix = secrets.token_hex(4)
    return Logins(
        function=f"bank2_function_{suffix}",
        payments=f"bank2_payments_{suffix}",
        telesales=f"bank2_telesales_{suffix}",
        privacy=f"bank2_privacy_{suffix}",
        other=f"bank2_other_{suffix}",
        password=secrets.token_urlsafe(12),
    )


@pytest.fixture
def owner_url(logins: Logins) -> Iterator[str]:
    """A fresh Bank 2 database, migrated by its owner (the admin), with the script applied."""
    names = [logins.function, logins.payments, logins.telesales, logins.privacy, logins.other]
    created = False
    try:
        with postgres_database() as url:  # skips, or fails in CI, when the server is down
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                for name in names:
                    admin.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{logins.password}'")
            created = True
            bank = open_bank2(url)
            bank.acquire()  # connecting applies the migrations
            bank.release(broken=False)
            bank.close()
            result = run_script(url, **roles(logins))
            assert result.returncode == 0, result.stderr
            yield url
    finally:
        # After the database is dropped: a role that still holds privileges cannot be dropped.
        if created:
            with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP ROLE IF EXISTS "{name}"')


def roles(logins: Logins) -> dict[str, str]:
    return {
        "function_role": logins.function,
        "payments_role": logins.payments,
        "telesales_role": logins.telesales,
        "privacy_role": logins.privacy,
    }


def run_script(url: str, **variables: str) -> subprocess.CompletedProcess[str]:
    psql = shutil.which("psql")
    if psql is None:
        if os.environ.get("CI"):
            pytest.fail("psql is not installed (CI must run the privileges script)")
        pytest.skip("psql is not installed")
    arguments = [psql, url, "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    for name, value in variables.items():
        arguments += ["-v", f"{name}={value}"]
    return subprocess.run(  # noqa: S603 - fixed program, test-owned arguments
        [*arguments, "-f", str(SCRIPT)], capture_output=True, text=True, check=False
    )


def as_login(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(user)}:{quote(password)}@{host}"))


def denied(url: str, sql: str) -> bool:
    with psycopg.connect(url, autocommit=True) as connection:
        try:
            connection.execute(sql)
        except psycopg.errors.InsufficientPrivilege:
            return True
    return False


def write_a_batch(url: str) -> int:
    """One batch through the application's own adapter; returns the markers purged."""
    bank = open_bank2(url)
    try:
        with projection_unit_of_work(bank) as uow:
            uow.store.applied_offsets("telesales")
            written = uow.store.write_contacts(
                [
                    Contact("1", v(1), "Maria Souza", "+5511987654321", Region.SUDESTE),
                    Removal("2", v(1)),
                ],
                NOW - timedelta(days=40),
            )
            assert written.customer_ids == {"1", "2"}
            assert written.suppressed == set()
            uow.store.record_rejects(
                [RejectedRecord("customers", 0, 3, RejectReason.INVALID_PHONE)], NOW
            )
            uow.store.advance_offsets("telesales", {Partition("customers", 0): 3}, NOW)
            purged = uow.store.purge_removal_markers(NOW - timedelta(days=30))
            uow.commit()
        with projection_unit_of_work(bank) as uow:
            assert uow.store.applied_offsets("telesales") == {Partition("customers", 0): 3}
            # "1" is held at v1, so v1 is not newer; "2"'s marker was purged, so it is written.
            assert uow.store.write_contacts(
                [Removal("1", v(1)), Removal("2", v(1))], NOW
            ).customer_ids == {"2"}
    finally:
        bank.close()
    return purged


def test_the_function_writes_batches_through_its_adapter_with_its_own_login(
    owner_url: str, logins: Logins
) -> None:
    function_url = as_login(owner_url, logins.function, logins.password)
    assert write_a_batch(function_url) == 1
    with psycopg.connect(owner_url) as owner:
        rows = owner.execute("SELECT customer_id, name FROM telesales_contacts").fetchall()
    assert rows == [("1", "Maria Souza")]


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE exfiltrated (name text)",
        "CREATE TEMPORARY TABLE exfiltrated (name text)",
        "CREATE VIEW everything AS SELECT * FROM contact_state",
        "DROP TABLE contact_state",
        "ALTER TABLE contact_state ADD COLUMN cpf text",
        "TRUNCATE rejected_messages",
        "DELETE FROM consumer_offsets",
        "DELETE FROM rejected_messages",
        "INSERT INTO schema_migrations VALUES (2, 'mine', now())",
        "SELECT * FROM telesales_contacts",
    ],
)
def test_the_function_cannot_change_the_schema_nor_touch_what_it_does_not_need(
    owner_url: str, logins: Logins, sql: str
) -> None:
    assert denied(as_login(owner_url, logins.function, logins.password), sql)


def test_telesales_reads_the_view_and_nothing_else(owner_url: str, logins: Logins) -> None:
    write_a_batch(as_login(owner_url, logins.function, logins.password))
    telesales_url = as_login(owner_url, logins.telesales, logins.password)
    with psycopg.connect(telesales_url) as telesales:
        rows = telesales.execute("SELECT * FROM telesales_contacts").fetchall()
    assert rows == [("1", "Maria Souza", "+5511987654321", "Sudeste")]
    for table in INTERNAL_TABLES:
        assert denied(telesales_url, f"SELECT * FROM {table}"), table  # noqa: S608
    assert denied(telesales_url, "UPDATE telesales_contacts SET name = 'X'")
    assert denied(telesales_url, "CREATE TABLE copied AS SELECT * FROM telesales_contacts")


def test_nobody_else_connects_or_reads_the_internal_tables(owner_url: str, logins: Logins) -> None:
    other_url = as_login(owner_url, logins.other, logins.password)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(other_url, connect_timeout=5).close()
    # Even a login that a DBA lets connect later reads nothing it is not granted.
    database = urlsplit(owner_url).path.removeprefix("/")
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{logins.other}"')
    for table in [*INTERNAL_TABLES, "telesales_contacts"]:
        assert denied(other_url, f"SELECT * FROM {table}"), table  # noqa: S608


def test_the_script_can_be_run_again_and_changes_nothing(owner_url: str, logins: Logins) -> None:
    again = run_script(owner_url, **roles(logins))
    assert again.returncode == 0, again.stderr
    assert write_a_batch(as_login(owner_url, logins.function, logins.password)) == 1
    telesales_url = as_login(owner_url, logins.telesales, logins.password)
    assert denied(telesales_url, "SELECT * FROM contact_state")


@pytest.mark.parametrize(
    ("wrong", "said"),
    [
        ({"function_role": None}, "psql variable function_role is not set"),
        ({"function_role": ADMIN}, "owns the Bank 2 tables or is a superuser"),
        ({"payments_role": ADMIN}, "owns the Bank 2 tables or is a superuser"),
        ({"function_role": "no_such_login"}, 'role "no_such_login" does not exist'),
    ],
    ids=["missing-variable", "function-is-superuser", "payments-is-superuser", "unknown-login"],
)
def test_the_script_refuses_to_run_on_a_wrong_role(
    owner_url: str, logins: Logins, wrong: dict[str, str | None], said: str
) -> None:
    variables = {
        name: value for name, value in (roles(logins) | wrong).items() if value is not None
    }
    result = run_script(owner_url, **variables)
    assert result.returncode != 0
    assert said in result.stderr
    # Nothing changed: the function's grants from the fixture's run are intact.
    assert write_a_batch(as_login(owner_url, logins.function, logins.password)) == 1


def test_the_payment_processor_decides_payments_with_its_own_login(
    owner_url: str, logins: Logins
) -> None:
    payments_url = as_login(owner_url, logins.payments, logins.password)
    assert decide_one_transaction(payments_url) == "approved"
    assert decide_one_transaction(payments_url) == "approved"  # the redelivery


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM transactions",
        (
            "INSERT INTO transactions (id, account_id, amount, status, created_at, updated_at)"
            " VALUES ('tx-9', 'a', 1.00, 'approved', now(), now())"
        ),
    ],
)
def test_the_customers_login_cannot_read_or_write_payments(
    owner_url: str, logins: Logins, sql: str
) -> None:
    assert denied(as_login(owner_url, logins.function, logins.password), sql)


@pytest.mark.parametrize(
    "sql",
    [*PROJECTION_ACCESS, "CREATE TABLE exfiltrated (name text)"],
)
def test_the_payments_login_cannot_touch_the_customer_projection(
    owner_url: str, logins: Logins, sql: str
) -> None:
    assert denied(as_login(owner_url, logins.payments, logins.password), sql)


def test_without_a_payments_role_one_login_serves_both_functions(
    owner_url: str, logins: Logins
) -> None:
    result = run_script(owner_url, function_role=logins.function, telesales_role=logins.telesales)
    assert result.returncode == 0, result.stderr
    function_url = as_login(owner_url, logins.function, logins.password)
    assert write_a_batch(function_url) == 1
    assert decide_one_transaction(function_url) == "approved"
    # The payments login the first run set up has lost its grants: no role keeps what the script
    # no longer gives it.
    assert denied(
        as_login(owner_url, logins.payments, logins.password), "SELECT * FROM transactions"
    )


OUTCOME_CHANGES = [
    *COMMON_OUTCOME_CHANGES,
    "TRUNCATE transactions",
    (
        "INSERT INTO transactions (id, account_id, amount, status, created_at, updated_at)"
        " VALUES ('tx-1', 'a', 1.00, 'approved', now(), now())"
        " ON CONFLICT (id) DO UPDATE SET status = 'approved', error_message = NULL"
    ),
]


@pytest.mark.parametrize("sql", OUTCOME_CHANGES)
def test_the_database_refuses_the_function_any_change_to_an_outcome(
    owner_url: str, logins: Logins, sql: str
) -> None:
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(
            "INSERT INTO transactions (id, account_id, amount, status, error_message,"
            " created_at, updated_at) VALUES ('tx-1', 'acc-1', 5000.00, 'rejected',"
            " 'you dont have limit for this transaction', now(), now())"
        )
    for login in (logins.payments, logins.function):
        assert denied(as_login(owner_url, login, logins.password), sql), login
    with psycopg.connect(owner_url) as owner:
        rows = owner.execute("SELECT id, status FROM transactions").fetchall()
    assert rows == [("tx-1", "rejected")]


def test_running_the_script_again_takes_back_grants_made_by_hand(
    owner_url: str, logins: Logins
) -> None:
    database = urlsplit(owner_url).path.removeprefix("/")
    with psycopg.connect(owner_url, autocommit=True) as owner:
        owner.execute(f'GRANT CONNECT ON DATABASE "{database}" TO "{logins.other}"')
        owner.execute(f'GRANT SELECT ON transactions TO "{logins.other}"')
        owner.execute(f'GRANT SELECT (name, phone) ON contact_state TO "{logins.other}"')
        # A grant passed on: a role the script does not name may grant it, and grants it to
        # the payments login.
        owner.execute(f'GRANT UPDATE ON transactions TO "{logins.other}" WITH GRANT OPTION')
        owner.execute(f'SET ROLE "{logins.other}"')
        owner.execute(f'GRANT UPDATE ON transactions TO "{logins.payments}"')
        owner.execute("RESET ROLE")
        owner.execute(f'GRANT SELECT ON consumer_offsets TO "{logins.telesales}"')
    result = run_script(owner_url, **roles(logins))
    assert result.returncode == 0, result.stderr
    other_url = as_login(owner_url, logins.other, logins.password)
    assert denied(other_url, "SELECT name, phone FROM contact_state")
    assert denied(other_url, "SELECT * FROM transactions")
    assert denied(other_url, "UPDATE transactions SET status = 'approved'")
    payments_url = as_login(owner_url, logins.payments, logins.password)
    assert denied(payments_url, "UPDATE transactions SET status = 'approved'")
    telesales_url = as_login(owner_url, logins.telesales, logins.password)
    assert denied(telesales_url, "SELECT * FROM consumer_offsets")


def lgpd_batch_as_the_function(owner_url: str, logins: Logins) -> tuple[int, int, int]:
    """The LGPD batch (tests/support.py) through the function's own login."""
    owner = open_bank2(owner_url)
    try:
        function_url = as_login(owner_url, logins.function, logins.password)
        return project_lgpd_batch(function_url, owner)
    finally:
        owner.close()


def test_the_function_appends_to_the_removal_log_and_can_do_nothing_else_with_it(
    owner_url: str, logins: Logins
) -> None:
    function_url = as_login(owner_url, logins.function, logins.password)
    assert lgpd_batch_as_the_function(owner_url, logins) == (1, 1, 1)
    with psycopg.connect(owner_url) as connection:
        logged = connection.execute(
            "SELECT customer_id, reason FROM removal_log ORDER BY customer_id"
        ).fetchall()
        subjects = connection.execute(
            "SELECT customer_id FROM rejected_message_subjects"
        ).fetchall()
    assert logged == [("1", "do_not_call"), ("3", "deleted"), ("4", "withdrawn")]
    assert subjects == [("4",)]
    for sql in REMOVAL_LOG_TAMPERING:
        assert denied(function_url, sql), sql


def test_telesales_never_see_a_suppressed_contact_nor_the_lists(
    owner_url: str, logins: Logins
) -> None:
    lgpd_batch_as_the_function(owner_url, logins)
    telesales_url = as_login(owner_url, logins.telesales, logins.password)
    with psycopg.connect(telesales_url) as telesales:
        rows = telesales.execute("SELECT customer_id FROM telesales_contacts").fetchall()
    assert rows == [("2",)]  # 1 is on a list, 3 deleted, 4 withdrawn


def test_the_privacy_officer_reads_keeps_the_lists_and_prunes_the_log(
    owner_url: str, logins: Logins
) -> None:
    lgpd_batch_as_the_function(owner_url, logins)
    privacy_url = as_login(owner_url, logins.privacy, logins.password)
    with psycopg.connect(privacy_url) as privacy:
        assert privacy.execute("SELECT count(*) FROM contact_state").fetchone() == (4,)
        assert privacy.execute("SELECT count(*) FROM rejected_message_subjects").fetchone() == (1,)
        privacy.execute("DELETE FROM suppressed_phones")
        privacy.execute("DELETE FROM removal_log WHERE applied_at < now() - interval '1 day'")
    for sql in [
        "SELECT * FROM consumer_offsets",
        "SELECT * FROM transactions",
        "UPDATE removal_log SET reason = 'deleted'",
        "UPDATE contact_state SET name = 'X'",
    ]:
        assert denied(privacy_url, sql), sql


def test_the_subject_report_runs_as_the_privacy_officer_and_not_as_the_function(
    owner_url: str, logins: Logins, capsys: pytest.CaptureFixture[str]
) -> None:
    lgpd_batch_as_the_function(owner_url, logins)
    privacy_url = as_login(owner_url, logins.privacy, logins.password)
    assert bank2_cli(["subject", "1", "--url", privacy_url]) == 0
    assert "procon-sp: listed on 2025-06-01" in capsys.readouterr().out
    assert bank2_cli(["removal-log", "purge", "--url", privacy_url]) == 0
    capsys.readouterr()
    # The function's identity may not read what the report reads: it fails on one line that
    # says why, and quotes nothing of the customer.
    function_url = as_login(owner_url, logins.function, logins.password)
    assert bank2_cli(["subject", "1", "--url", function_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("subject report failed: ")
    assert "permission denied" in err
    assert err.count("\n") == 1
    assert "Maria" not in err
    assert logins.password not in err
