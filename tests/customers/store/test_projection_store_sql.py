"""The customer projection's store on SQL engines only: what a SQL engine adds to the contract.

The store contract (test_projection_store_contract.py) runs on the in-memory reference and every
engine; here, what only a SQL engine can show: the schema, one statement per write, migrations,
and instances racing on their own connections. Each test runs once per engine (``engine_url``:
SQLite, PostgreSQL, MariaDB, and SQL Server when configured) on a fresh database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest

from adapters.customers.sql import projection_sql
from adapters.customers.store import projection_unit_of_work
from adapters.engines.database import SqlBank2
from adapters.engines.migrations import migrations_for
from adapters.engines.urls import open_bank2
from domain.customers.changes import ContactChange
from service.stream.retries import RetryPolicy
from tests.customers.builders import NOW, contact
from tests.support import columns_of, query


@pytest.fixture
def bank2(engine_url: str) -> Iterator[SqlBank2]:
    bank = open_bank2(engine_url)
    yield bank
    bank.close()


def write(bank: SqlBank2, *changes: ContactChange, now: datetime = NOW) -> None:
    with projection_unit_of_work(bank) as uow:
        uow.store.write_contacts(list(changes), now)
        uow.commit()


def contacts(bank: SqlBank2) -> list[tuple[object, ...]]:
    return query(bank, "SELECT customer_id, name, phone, region FROM telesales_contacts ORDER BY 1")


def test_the_view_shows_exactly_customer_id_name_phone_region(bank2: SqlBank2) -> None:
    # What the rows hold is the contract suite's (test_projection_store_contract.py); that the
    # view has these four columns and no other is the schema's.
    assert columns_of(bank2, "telesales_contacts") == ["customer_id", "name", "phone", "region"]


def test_a_write_larger_than_any_parameter_limit_costs_a_constant_number_of_statements(
    bank2: SqlBank2,
) -> None:
    # SQL Server takes at most 2,100 parameters per request: rows travel as one JSON parameter.
    before = bank2.statements_executed
    write(bank2, *(contact(str(n), 1, f"Cliente {n}") for n in range(3000)))
    # The upsert and the commit, after reading the stored versions where the upsert cannot
    # return the rows it wrote, and asking the do-not-call lists where its rows cannot say.
    sql = projection_sql(bank2.engine.name)
    reads = (sql.stored_versions is not None) + (sql.suppressed_among is not None)
    assert bank2.statements_executed - before == 2 + reads
    assert len(contacts(bank2)) == 3000


def test_rejects_are_kept_with_coordinates_and_reason_only(bank2: SqlBank2) -> None:
    # Recorded once, by the contract suite; here, that the table holds nothing more.
    assert columns_of(bank2, "rejected_messages") == [
        "topic",
        "kafka_partition",
        "kafka_offset",
        "reason",
        "rejected_at",
    ]


def test_the_schema_is_created_once_and_reopening_is_harmless(engine_url: str) -> None:
    for _ in range(3):
        bank = open_bank2(engine_url)
        write(bank, contact("1", 1))
        assert query(bank, "SELECT version FROM schema_migrations ORDER BY version") == [
            (m.version,) for m in migrations_for(bank.engine.name)
        ]
        bank.close()


def test_instances_starting_together_migrate_once(engine_url: str) -> None:
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def start() -> None:
        engine = open_bank2(engine_url).engine
        barrier.wait()
        try:
            engine.connect().close()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    bank = open_bank2(engine_url)
    assert query(bank, "SELECT version, name FROM schema_migrations ORDER BY version") == [
        (m.version, m.name) for m in migrations_for(bank.engine.name)
    ]
    bank.close()


def test_two_writers_racing_on_the_same_customers_keep_the_newest_versions(
    engine_url: str,
) -> None:
    customers = [str(n) for n in range(50)]
    barrier = threading.Barrier(2)

    def writer(versions: range) -> None:
        bank = open_bank2(engine_url)
        barrier.wait()
        # Lock waits and deadlocks between the writers are transient: retried as the service does.
        retry = RetryPolicy(attempts=10, first_delay_s=0.05, max_delay_s=0.5, budget_s=30.0)
        for n in versions:
            changes = [contact(c, n, f"Cliente {c} v{n}") for c in customers]
            retry.run(lambda changes=changes: write(bank, *changes))  # type: ignore[misc]
        bank.close()

    threads = [
        threading.Thread(target=writer, args=(range(1, 40, 2),)),
        threading.Thread(target=writer, args=(range(2, 41, 2),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bank = open_bank2(engine_url)
    assert {row[0]: row[1] for row in contacts(bank)} == {c: f"Cliente {c} v40" for c in customers}
    bank.close()
