"""The Bank 2 store contract, on every engine that runs here: what telesales and operators see.

Each test runs once per engine (``engine_url``: SQLite, PostgreSQL, MariaDB, and SQL Server when
configured) against a fresh database on the real server.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.customers.sql import projection_sql
from adapters.customers.store import projection_unit_of_work
from adapters.engines.database import SqlBank2
from adapters.engines.migrations import migrations_for
from adapters.engines.urls import open_bank2
from domain.customers.changes import Contact, ContactChange, Removal
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme
from service.customers.ports import RejectedRecord
from service.stream.errors import StoreError
from service.stream.records import Partition
from service.stream.retries import RetryPolicy
from tests.support import columns_of, query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture
def bank2(engine_url: str) -> Iterator[SqlBank2]:
    bank = open_bank2(engine_url)
    yield bank
    bank.close()


def v(n: int) -> Version:
    return Version(VersionScheme.PRODUCER_COUNTER, (n,))


def contact(customer_id: str, n: int, name: str = "Maria Souza") -> Contact:
    return Contact(customer_id, v(n), name, "+5511987654321", Region.SUDESTE)


def write(bank: SqlBank2, *changes: ContactChange, now: datetime = NOW) -> None:
    with projection_unit_of_work(bank) as uow:
        uow.store.write_contacts(list(changes), now)
        uow.commit()


def contacts(bank: SqlBank2) -> list[tuple[object, ...]]:
    return query(bank, "SELECT customer_id, name, phone, region FROM telesales_contacts ORDER BY 1")


def test_the_view_shows_exactly_customer_id_name_phone_region(bank2: SqlBank2) -> None:
    write(bank2, contact("1", 1), contact("2", 1, "João Silva"))
    assert contacts(bank2) == [
        ("1", "Maria Souza", "+5511987654321", "Sudeste"),
        ("2", "João Silva", "+5511987654321", "Sudeste"),
    ]


def test_a_newer_version_replaces_the_contact(bank2: SqlBank2) -> None:
    write(bank2, contact("1", 1))
    write(bank2, contact("1", 2, "Maria Souza Lima"))
    assert contacts(bank2) == [("1", "Maria Souza Lima", "+5511987654321", "Sudeste")]


def test_an_older_or_equal_version_changes_nothing_even_if_sent(bank2: SqlBank2) -> None:
    write(bank2, contact("1", 5, "Current"))
    write(
        bank2,
        contact("1", 4, "Older"),
    )
    write(bank2, contact("1", 5, "Same version"))
    assert contacts(bank2) == [("1", "Current", "+5511987654321", "Sudeste")]


def test_ids_differing_only_in_case_are_different_customers(bank2: SqlBank2) -> None:
    write(bank2, contact("abc", 1, "Lower"), contact("ABC", 1, "Upper"))
    assert sorted(str(row[1]) for row in contacts(bank2)) == ["Lower", "Upper"]


def test_one_write_may_carry_a_customer_twice_and_keeps_the_newest(bank2: SqlBank2) -> None:
    write(bank2, contact("1", 2, "Second"), contact("1", 3, "Third"), contact("1", 1, "First"))
    assert contacts(bank2) == [("1", "Third", "+5511987654321", "Sudeste")]


def test_a_write_larger_than_any_parameter_limit_is_one_statement(bank2: SqlBank2) -> None:
    # SQL Server takes at most 2,100 parameters per request: rows travel as one JSON parameter.
    before = bank2.statements_executed
    write(bank2, *(contact(str(n), 1, f"Cliente {n}") for n in range(3000)))
    # The upsert and the commit, after reading the stored versions where the upsert cannot
    # return the rows it wrote.
    reads = 0 if projection_sql(bank2.engine.name).stored_versions is None else 1
    assert bank2.statements_executed - before == 2 + reads
    assert len(contacts(bank2)) == 3000


def test_a_write_names_exactly_the_customers_it_changed(bank2: SqlBank2) -> None:
    write(bank2, contact("held", 5), contact("same", 5))
    with projection_unit_of_work(bank2) as uow:
        written = uow.store.write_contacts(
            [
                contact("new", 1),
                contact("held", 6),  # newer: written
                contact("same", 5),  # equal: not newer, not written
                Removal("older", v(1)),
                contact("twice", 1),
                contact("twice", 2),
            ],
            NOW,
        )
        assert written == {"new", "held", "older", "twice"}
        assert uow.store.write_contacts([contact("held", 4)], NOW) == set()
        uow.commit()


def test_removal_hides_the_contact_and_leaves_a_marker_without_personal_data(
    bank2: SqlBank2,
) -> None:
    write(bank2, contact("1", 1))
    write(bank2, Removal("1", v(2)))
    assert contacts(bank2) == []
    assert query(bank2, "SELECT customer_id, name, phone, region FROM contact_state") == [
        ("1", None, None, None)
    ]


def test_an_older_event_replayed_after_a_removal_does_not_bring_the_contact_back(
    bank2: SqlBank2,
) -> None:
    write(bank2, Removal("1", v(3)))
    write(bank2, contact("1", 2))
    assert contacts(bank2) == []
    write(bank2, contact("1", 4, "Back"))
    assert contacts(bank2) == [("1", "Back", "+5511987654321", "Sudeste")]


def test_markers_older_than_the_retention_are_purged(bank2: SqlBank2) -> None:
    write(bank2, Removal("old", v(1)), now=NOW - timedelta(days=40))
    write(bank2, Removal("recent", v(1)), now=NOW - timedelta(days=1))
    write(bank2, contact("alive", 1), now=NOW - timedelta(days=400))
    with projection_unit_of_work(bank2) as uow:
        purged = uow.store.purge_removal_markers(NOW - timedelta(days=30))
        uow.commit()
    assert purged == 1
    assert query(bank2, "SELECT customer_id FROM contact_state ORDER BY 1") == [
        ("alive",),
        ("recent",),
    ]


def test_offsets_only_move_forward(bank2: SqlBank2) -> None:
    p0, p1 = Partition("customers", 0), Partition("customers", 1)
    with projection_unit_of_work(bank2) as uow:
        uow.store.advance_offsets("telesales", {p0: 10, p1: 3}, NOW)
        uow.commit()
    with projection_unit_of_work(bank2) as uow:
        uow.store.advance_offsets("telesales", {p0: 7, p1: 9}, NOW)
        uow.commit()
    with projection_unit_of_work(bank2) as uow:
        assert uow.store.applied_offsets("telesales") == {p0: 10, p1: 9}
        assert uow.store.applied_offsets("another-group") == {}


def test_rejects_are_recorded_once_with_coordinates_and_reason_only(bank2: SqlBank2) -> None:
    reject = RejectedRecord("customers", 2, 41, RejectReason.INVALID_PHONE)
    for _ in range(2):
        with projection_unit_of_work(bank2) as uow:
            uow.store.record_rejects([reject], NOW)
            uow.commit()
    rows = query(
        bank2, "SELECT topic, kafka_partition, kafka_offset, reason FROM rejected_messages"
    )
    assert rows == [("customers", 2, 41, "invalid_phone")]
    assert columns_of(bank2, "rejected_messages") == [
        "topic",
        "kafka_partition",
        "kafka_offset",
        "reason",
        "rejected_at",
    ]


def test_the_rejects_of_a_span_of_offsets_are_found_again(bank2: SqlBank2) -> None:
    recorded = [
        RejectedRecord("customers", 2, 40, RejectReason.INVALID_PHONE),
        RejectedRecord("customers", 2, 45, RejectReason.MALFORMED_JSON),
        RejectedRecord("customers", 3, 41, RejectReason.INVALID_NAME),
        RejectedRecord("customers-eu", 2, 41, RejectReason.OVERSIZED),
        RejectedRecord("customers", 2, 46, RejectReason.OVERSIZED),
    ]
    with projection_unit_of_work(bank2) as uow:
        uow.store.record_rejects(recorded, NOW)
        uow.commit()
    with projection_unit_of_work(bank2) as uow:
        found = uow.store.rejects_between(
            {Partition("customers", 2): (40, 45), Partition("customers", 3): (0, 99)}
        )
    assert sorted(found, key=lambda r: (r.topic, r.partition, r.offset)) == recorded[:3]
    with projection_unit_of_work(bank2) as uow:
        assert uow.store.rejects_between({Partition("customers", 9): (0, 99)}) == []


def test_a_reject_code_this_release_does_not_know_is_read_back_as_text(bank2: SqlBank2) -> None:
    # Written by a newer release before a rollback: a redelivery must not fail on it.
    newer = RejectedRecord("customers", 0, 7, "reason_of_a_newer_release")
    with projection_unit_of_work(bank2) as uow:
        uow.store.record_rejects([newer], NOW)
        uow.commit()
    with projection_unit_of_work(bank2) as uow:
        assert uow.store.rejects_between({Partition("customers", 0): (7, 7)}) == [newer]


def test_a_failed_write_s_error_chain_holds_no_row_data(bank2: SqlBank2) -> None:
    # A region outside the CHECK constraint: the driver's error (and, on some engines, its
    # detail) quotes the failing row; nothing that walks the store error's chain may see it.
    bad = Contact("7", v(1), "Joana Secreta", "+5511912345678", "Atlantis")  # type: ignore[arg-type]
    with pytest.raises(StoreError) as raised, projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([bad], NOW)
    shown = "".join(traceback.format_exception(raised.value))
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None
    for personal in ("Joana", "Secreta", "+5511912345678", "912345678", "Atlantis"):
        assert personal not in shown


def test_where_the_region_came_from_is_kept_and_replaced_with_the_contact(
    bank2: SqlBank2,
) -> None:
    state = Contact("1", v(1), "Ana", "+5511987654321", Region.SUL, region_from_state=True)
    phone = Contact("1", v(2), "Ana", "+5511987654321", Region.SUDESTE, region_from_state=False)
    write(bank2, state)
    with projection_unit_of_work(bank2) as uow:
        held = uow.store.held_contacts(["1", "2"])
    assert held["1"].contact is not None
    assert held["1"].contact.region_from_state is True
    assert "2" not in held
    write(bank2, phone)
    with projection_unit_of_work(bank2) as uow:
        held = uow.store.held_contacts(["1"])
    assert held["1"].contact is not None
    assert (held["1"].contact.region, held["1"].contact.region_from_state) == (
        Region.SUDESTE,
        False,
    )
    write(bank2, Removal("1", v(3)))
    with projection_unit_of_work(bank2) as uow:
        assert uow.store.held_contacts(["1"])["1"].contact is None


def test_leaving_a_unit_of_work_without_commit_rolls_back(bank2: SqlBank2) -> None:
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 1)], NOW)

    def fail_midway() -> None:
        with projection_unit_of_work(bank2) as uow:
            uow.store.write_contacts([contact("2", 1)], NOW)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_midway()
    assert contacts(bank2) == []


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
