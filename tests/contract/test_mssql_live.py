"""The Bank 2 store contract against a live Azure SQL / SQL Server (opt-in).

Set ``BANK2_TEST_MSSQL_URL`` to a ``BANK2_URL`` for a database the tests may write to, e.g. a
local container: ``mssql+pyodbc://sa:<password>@localhost:1433/bank2?TrustServerCertificate=yes``
(the database must exist; the tests create the schema). Run ``pytest -m mssql``.

Each test works under its own random prefix (customer ids, topic, consumer group) and deletes
its rows afterwards, so runs can share a database. The scenarios mirror
tests/contract/test_bank2_store.py, which cannot be imported under pytest's importlib mode.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.bank2.sql_store import SqlBank2
from adapters.bank2.urls import open_bank2
from domain.customers import Contact, ContactChange, Removal
from domain.reasons import RejectReason
from domain.regions import Region
from domain.versions import Version, VersionScheme
from service.ports import RejectedRecord
from service.records import Partition
from service.retries import RetryPolicy

URL = os.environ.get("BANK2_TEST_MSSQL_URL", "")
pytestmark = [
    pytest.mark.mssql,
    pytest.mark.skipif(not URL, reason="set BANK2_TEST_MSSQL_URL to run against SQL Server"),
]

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PHONE = "+5511987654321"
# Deadlocks between racing writers are expected under HOLDLOCK; the service retries them.
RETRY = RetryPolicy(attempts=20, first_delay_s=0.05, max_delay_s=0.5, budget_s=120.0)


def v(n: int) -> Version:
    return Version(VersionScheme.PRODUCER_COUNTER, (n,))


def rows(bank: SqlBank2, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read Bank 2 on the adapter's own connection, outside the code under test."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(sql, *params)
        found = [tuple(row) for row in cursor.fetchall()] if cursor.description else []
        connection.rollback()
        return found
    finally:
        bank.release(broken=False)


def delete(bank: SqlBank2, sql: str, *params: object) -> None:
    connection = bank.acquire()
    try:
        connection.cursor().execute(sql, *params)
        connection.commit()
    finally:
        bank.release(broken=False)


class Scenario:
    """One test's corner of the shared database."""

    def __init__(self, bank: SqlBank2, prefix: str) -> None:
        self.bank = bank
        self.prefix = prefix
        self.topic = f"{prefix}-customers"
        self.group = f"{prefix}-telesales"

    def id(self, n: object) -> str:
        return f"{self.prefix}-{n}"

    def contact(self, n: object, version: int, name: str = "Maria Souza") -> Contact:
        return Contact(self.id(n), v(version), name, PHONE, Region.SUDESTE)

    def write(
        self, *changes: ContactChange, now: datetime = NOW, bank: SqlBank2 | None = None
    ) -> None:
        def once() -> None:
            with (bank or self.bank).unit_of_work() as uow:
                uow.store.write_contacts(list(changes), now)
                uow.commit()

        RETRY.run(once)

    def contacts(self) -> list[tuple[object, ...]]:
        return rows(
            self.bank,
            "SELECT customer_id, name, phone, region FROM dbo.telesales_contacts "
            "WHERE customer_id LIKE ? ORDER BY customer_id",
            f"{self.prefix}-%",
        )

    def state(self) -> list[tuple[object, ...]]:
        return rows(
            self.bank,
            "SELECT customer_id, name, phone, region, CASE WHEN removed_at IS NULL THEN 0 "
            "ELSE 1 END FROM dbo.contact_state WHERE customer_id LIKE ? ORDER BY customer_id",
            f"{self.prefix}-%",
        )


@pytest.fixture
def bank() -> Iterator[SqlBank2]:
    opened = open_bank2(URL)
    yield opened
    opened.close()


@pytest.fixture
def scenario(bank: SqlBank2) -> Iterator[Scenario]:
    prefix = f"t{uuid.uuid4().hex[:12]}"  # hex only: no LIKE wildcards
    yield Scenario(bank, prefix)
    like = f"{prefix}-%"
    delete(bank, "DELETE FROM dbo.contact_state WHERE customer_id LIKE ?", like)
    delete(bank, "DELETE FROM dbo.consumer_offsets WHERE consumer_group LIKE ?", like)
    delete(bank, "DELETE FROM dbo.rejected_messages WHERE topic LIKE ?", like)


def test_the_view_shows_exactly_customer_id_name_phone_region(scenario: Scenario) -> None:
    s = scenario
    s.write(s.contact(1, 1), s.contact(2, 1, "João Conceição"))
    assert s.contacts() == [
        (s.id(1), "Maria Souza", PHONE, "Sudeste"),
        (s.id(2), "João Conceição", PHONE, "Sudeste"),
    ]
    columns = rows(
        s.bank,
        "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = 'telesales_contacts' ORDER BY ORDINAL_POSITION",
    )
    assert [c[0] for c in columns] == ["customer_id", "name", "phone", "region"]


def test_a_newer_version_replaces_and_an_older_or_equal_one_changes_nothing(
    scenario: Scenario,
) -> None:
    s = scenario
    s.write(s.contact(1, 5, "Current"))
    s.write(s.contact(1, 4, "Older"))
    s.write(s.contact(1, 5, "Same version"))
    assert s.contacts() == [(s.id(1), "Current", PHONE, "Sudeste")]
    s.write(s.contact(1, 6, "Newer"))
    assert s.contacts() == [(s.id(1), "Newer", PHONE, "Sudeste")]


def test_ids_differing_only_in_case_are_different_customers(scenario: Scenario) -> None:
    s = scenario
    s.write(s.contact("abc", 1, "Lower"), s.contact("ABC", 1, "Upper"))
    assert sorted(str(row[1]) for row in s.contacts()) == ["Lower", "Upper"]


def test_one_batch_may_carry_a_customer_twice_and_keeps_the_newest(scenario: Scenario) -> None:
    s = scenario
    s.write(s.contact(1, 2, "Second"), s.contact(1, 3, "Third"), s.contact(1, 1, "First"))
    assert s.contacts() == [(s.id(1), "Third", PHONE, "Sudeste")]


def test_removal_hides_the_contact_and_leaves_a_marker_without_personal_data(
    scenario: Scenario,
) -> None:
    s = scenario
    s.write(s.contact(1, 1))
    s.write(Removal(s.id(1), v(2)))
    assert s.contacts() == []
    assert s.state() == [(s.id(1), None, None, None, 1)]


def test_an_older_event_replayed_after_a_removal_does_not_bring_the_contact_back(
    scenario: Scenario,
) -> None:
    s = scenario
    s.write(Removal(s.id(1), v(3)))
    s.write(s.contact(1, 2))
    assert s.contacts() == []
    s.write(s.contact(1, 4, "Back"))
    assert s.contacts() == [(s.id(1), "Back", PHONE, "Sudeste")]


def test_markers_older_than_the_retention_are_purged(scenario: Scenario) -> None:
    s = scenario
    s.write(Removal(s.id("old"), v(1)), now=NOW - timedelta(days=40))
    s.write(Removal(s.id("recent"), v(1)), now=NOW - timedelta(days=1))
    s.write(s.contact("alive", 1), now=NOW - timedelta(days=400))
    with s.bank.unit_of_work() as uow:
        purged = uow.store.purge_removal_markers(NOW - timedelta(days=30))
        uow.commit()
    assert purged >= 1  # the database may hold other runs' old markers too
    assert [row[0] for row in s.state()] == [s.id("alive"), s.id("recent")]


def test_offsets_only_move_forward(scenario: Scenario) -> None:
    s = scenario
    p0, p1 = Partition(s.topic, 0), Partition(s.topic, 1)
    with s.bank.unit_of_work() as uow:
        uow.store.advance_offsets(s.group, {p0: 10, p1: 3}, NOW)
        uow.commit()
    with s.bank.unit_of_work() as uow:
        uow.store.advance_offsets(s.group, {p0: 7, p1: 9}, NOW)
        uow.commit()
    with s.bank.unit_of_work() as uow:
        assert uow.store.applied_offsets(s.group) == {p0: 10, p1: 9}
        assert uow.store.applied_offsets(f"{s.group}-other") == {}


def test_rejects_are_recorded_once_with_coordinates_and_reason_only(scenario: Scenario) -> None:
    s = scenario
    reject = RejectedRecord(s.topic, 2, 41, RejectReason.INVALID_PHONE)
    for _ in range(2):
        with s.bank.unit_of_work() as uow:
            uow.store.record_rejects([reject, reject], NOW)
            uow.commit()
    found = rows(
        s.bank,
        "SELECT topic, kafka_partition, kafka_offset, reason FROM dbo.rejected_messages "
        "WHERE topic = ?",
        s.topic,
    )
    assert found == [(s.topic, 2, 41, "invalid_phone")]
    columns = rows(
        s.bank,
        "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
        "WHERE TABLE_NAME = 'rejected_messages' ORDER BY ORDINAL_POSITION",
    )
    assert [c[0] for c in columns] == [
        "topic",
        "kafka_partition",
        "kafka_offset",
        "reason",
        "rejected_at",
    ]


def test_leaving_a_unit_of_work_without_commit_rolls_back(scenario: Scenario) -> None:
    s = scenario

    def fail_midway() -> None:
        with s.bank.unit_of_work() as uow:
            uow.store.write_contacts([s.contact(2, 1)], NOW)
            raise RuntimeError

    with s.bank.unit_of_work() as uow:
        uow.store.write_contacts([s.contact(1, 1)], NOW)
    with pytest.raises(RuntimeError):
        fail_midway()
    assert s.contacts() == []


def test_a_batch_larger_than_the_parameter_limit_is_still_one_statement(
    scenario: Scenario,
) -> None:
    s = scenario
    changes = [s.contact(n, 1, f"Cliente {n}") for n in range(3000)]
    before = s.bank.statements_executed
    s.write(*changes)
    assert s.bank.statements_executed - before == 2  # the MERGE and the commit
    assert len(s.contacts()) == 3000


def test_the_schema_is_created_once_and_reopening_is_harmless(scenario: Scenario) -> None:
    for _ in range(3):
        bank = open_bank2(URL)
        scenario.write(scenario.contact(1, 1), bank=bank)
        assert rows(bank, "SELECT version FROM dbo.schema_migrations") == [(1,)]
        bank.close()


def test_two_writers_racing_on_the_same_new_customers_keep_the_newest_versions(
    scenario: Scenario,
) -> None:
    s = scenario
    customers = list(range(50))
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def writer(versions: range) -> None:
        bank = open_bank2(URL)
        try:
            barrier.wait()
            for n in versions:
                s.write(*(s.contact(c, n, f"Cliente {c} v{n}") for c in customers), bank=bank)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)
        finally:
            bank.close()

    threads = [
        threading.Thread(target=writer, args=(range(1, 40, 2),)),
        threading.Thread(target=writer, args=(range(2, 41, 2),)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert {row[0]: row[1] for row in s.contacts()} == {
        s.id(c): f"Cliente {c} v40" for c in customers
    }
