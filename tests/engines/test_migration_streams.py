"""Each consumer owns a migration stream; a database gets only the streams of the consumers it
serves, and one that the former single stream migrated is up to date for each of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.bank2.__main__ import main as bank2_cli
from adapters.customers.sql import projection_sql
from adapters.engines.database import SqlBank2
from adapters.engines.migrations import migrations_for, stream
from adapters.engines.registry import ENGINES, STREAMS
from adapters.engines.urls import open_bank2
from adapters.payments.sql import payment_sql
from tests.databases import ENGINES as SERVERS
from tests.databases import database_url

CUSTOMER_TABLES = {
    "contact_state",
    "consumer_offsets",
    "rejected_messages",
    "removal_log",
    "rejected_message_subjects",
    "do_not_call_lists",
    "suppressed_phones",
}
# The payment processor's stream also holds the gateway's tables (migration 0007).
PAYMENT_TABLES = {
    "transactions",
    "rejected_messages",
    "gateway_account_secrets",
    "gateway_transactions",
}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_registered_engine_has_statements_and_migrations_for_every_consumer(
    engine: str,
) -> None:
    assert projection_sql(engine) is not None
    assert payment_sql(engine) is not None
    for consumer in STREAMS:
        assert stream(consumer, engine), consumer
    versions = [m.version for consumer in STREAMS for m in stream(consumer, engine)]
    assert len(versions) == len(set(versions))  # numbered across streams
    # The versions the former single stream recorded keep their meaning.
    assert [m.version for m in stream("customers", engine)][:2] == [1, 3]
    assert [m.version for m in stream("payments", engine)][:2] == [2, 4]
    assert [m.version for m in migrations_for(engine)] == sorted(versions)


@pytest.fixture(params=SERVERS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def tables_and_versions(bank: SqlBank2) -> tuple[set[str], set[int]]:
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version FROM schema_migrations")
        versions = {int(row[0]) for row in cursor.fetchall()}
        names = set()
        for table in (*CUSTOMER_TABLES, *PAYMENT_TABLES):
            try:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
                cursor.fetchall()
                names.add(table)
            except Exception:  # noqa: BLE001 - a missing table, whatever the driver says
                connection.rollback()
        connection.rollback()
        return names, versions
    finally:
        bank.release(broken=False)


def opened(url: str, *streams: str) -> tuple[set[str], set[int]]:
    bank = open_bank2(url, streams=streams)
    try:
        return tables_and_versions(bank)
    finally:
        bank.close()


def test_a_payments_database_gets_only_the_payment_tables(url: str) -> None:
    tables, versions = opened(url, "payments")
    assert tables == PAYMENT_TABLES
    assert versions == {m.version for m in stream("payments", "sqlite")}
    # Serving the customer projection later adds its tables beside them.
    tables, versions = opened(url, "customers", "payments")
    assert tables == CUSTOMER_TABLES | PAYMENT_TABLES
    assert versions == {m.version for m in migrations_for("sqlite")}


def test_bank2_opened_for_customers_gets_only_the_customer_tables(url: str) -> None:
    tables, versions = opened(url, "customers")
    assert tables == CUSTOMER_TABLES
    assert versions == {m.version for m in stream("customers", "sqlite")}


def test_a_database_the_single_stream_migrated_is_up_to_date_for_each_stream(url: str) -> None:
    # The former single stream applied 0001..0004, in order, into one schema_migrations; the
    # streams' later versions come after them.
    everything = opened(url, *STREAMS)
    assert everything[1] == {m.version for m in migrations_for("sqlite")} >= {1, 2, 3, 4}
    for streams in (("customers",), ("payments",), tuple(STREAMS)):
        bank = open_bank2(url, streams=streams)
        try:
            assert tables_and_versions(bank) == everything
            # Nothing was applied again, and nothing is missing.
        finally:
            bank.close()


def test_the_cli_migrates_the_chosen_consumer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'payments.db'}"
    assert bank2_cli(["migrate", "--url", url, "--consumer", "payments"]) == 0
    latest = max(m.version for m in stream("payments", "sqlite"))
    assert f"schema is at version {latest}" in capsys.readouterr().out
    assert opened(url, "payments")[0] == PAYMENT_TABLES


@pytest.mark.parametrize(
    "url", ["foo://user:s3cret@host/db", "postgresql://user:s3cret@host:99999/db", "sqlite:///"]
)
def test_the_cli_reports_a_malformed_url_on_one_line(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bank2_cli(["migrate", "--url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("migration failed: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "s3cret" not in err


def test_the_cli_gives_bank2_every_table_and_the_payments_database_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank2_url = f"sqlite:///{tmp_path / 'bank2.db'}"
    payments_url = f"sqlite:///{tmp_path / 'payments.db'}"
    monkeypatch.setenv("BANK2_URL", bank2_url)
    monkeypatch.setenv("PAYMENTS_DB_URL", payments_url)
    assert bank2_cli(["migrate"]) == 0
    assert bank2_cli(["migrate", "--url", payments_url]) == 0
    assert opened(bank2_url, "customers")[0] == CUSTOMER_TABLES | PAYMENT_TABLES
    assert opened(payments_url, "payments")[0] == PAYMENT_TABLES
