"""The customer projection's store contract: what telesales and operators see, on every backend.

Each test runs on the in-memory reference (``memory``) and on every engine that runs here
(SQLite, PostgreSQL, MariaDB, and SQL Server when configured), a fresh database per test. What
only a SQL engine can show (its statements, schema, migrations, concurrent sessions, driver
errors) is tested in ``test_projection_store_sql.py`` and ``tests/engines/``.
"""

from __future__ import annotations

import traceback
from datetime import datetime, timedelta

import pytest

from domain.customers.changes import Contact, ContactChange, Removal
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.removals import RemovalReason
from service.customers.ports import RejectedRecord, RemovalEntry
from service.stream.errors import StoreError, TransientStoreError
from service.stream.records import Partition
from tests.backends import ProjectionBackend, projection_backend
from tests.customers.builders import NOW, PHONE, contact, v

__all__ = ["projection_backend"]  # the fixture, run on every backend


def write(backend: ProjectionBackend, *changes: ContactChange, now: datetime = NOW) -> None:
    with backend.units()() as uow:
        uow.store.write_contacts(list(changes), now)
        uow.commit()


def test_the_view_shows_the_contacts_name_phone_and_region(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, contact("1", 1), contact("2", 1, "João Silva"))
    assert projection_backend.telesales() == [
        ("1", "Maria Souza", PHONE, "Sudeste"),
        ("2", "João Silva", PHONE, "Sudeste"),
    ]


def test_a_newer_version_replaces_the_contact(projection_backend: ProjectionBackend) -> None:
    write(projection_backend, contact("1", 1))
    write(projection_backend, contact("1", 2, "Maria Souza Lima"))
    assert projection_backend.telesales() == [("1", "Maria Souza Lima", PHONE, "Sudeste")]


def test_an_older_or_equal_version_changes_nothing_even_if_sent(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, contact("1", 5, "Current"))
    write(projection_backend, contact("1", 4, "Older"))
    write(projection_backend, contact("1", 5, "Same version"))
    assert projection_backend.telesales() == [("1", "Current", PHONE, "Sudeste")]


def test_ids_differing_only_in_case_are_different_customers(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, contact("abc", 1, "Lower"), contact("ABC", 1, "Upper"))
    assert sorted(str(row[1]) for row in projection_backend.telesales()) == ["Lower", "Upper"]


def test_one_write_may_carry_a_customer_twice_and_keeps_the_newest(
    projection_backend: ProjectionBackend,
) -> None:
    write(
        projection_backend,
        contact("1", 2, "Second"),
        contact("1", 3, "Third"),
        contact("1", 1, "First"),
    )
    assert projection_backend.telesales() == [("1", "Third", PHONE, "Sudeste")]


def test_a_write_names_exactly_the_customers_it_changed(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, contact("held", 5), contact("same", 5))
    with projection_backend.units()() as uow:
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
        assert written.customer_ids == {"new", "held", "older", "twice"}
        assert uow.store.write_contacts([contact("held", 4)], NOW).customer_ids == set()
        uow.commit()


def test_removal_hides_the_contact_and_leaves_a_marker_without_personal_data(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, contact("1", 1))
    write(projection_backend, Removal("1", v(2)))
    assert projection_backend.telesales() == []
    assert projection_backend.held() == [("1", None, None, None)]


def test_an_older_event_replayed_after_a_removal_does_not_bring_the_contact_back(
    projection_backend: ProjectionBackend,
) -> None:
    write(projection_backend, Removal("1", v(3)))
    write(projection_backend, contact("1", 2))
    assert projection_backend.telesales() == []
    write(projection_backend, contact("1", 4, "Back"))
    assert projection_backend.telesales() == [("1", "Back", PHONE, "Sudeste")]


def test_markers_older_than_the_retention_are_purged(projection_backend: ProjectionBackend) -> None:
    write(projection_backend, Removal("old", v(1)), now=NOW - timedelta(days=40))
    write(projection_backend, Removal("recent", v(1)), now=NOW - timedelta(days=1))
    write(projection_backend, contact("alive", 1), now=NOW - timedelta(days=400))
    with projection_backend.units()() as uow:
        purged = uow.store.purge_removal_markers(NOW - timedelta(days=30))
        uow.commit()
    assert purged == 1
    assert [row[0] for row in projection_backend.held()] == ["alive", "recent"]


def test_offsets_only_move_forward(projection_backend: ProjectionBackend) -> None:
    p0, p1 = Partition("customers", 0), Partition("customers", 1)
    with projection_backend.units()() as uow:
        uow.store.advance_offsets("telesales", {p0: 10, p1: 3}, NOW)
        uow.commit()
    with projection_backend.units()() as uow:
        uow.store.advance_offsets("telesales", {p0: 7, p1: 9}, NOW)
        uow.commit()
    with projection_backend.units()() as uow:
        assert uow.store.applied_offsets("telesales") == {p0: 10, p1: 9}
        assert uow.store.applied_offsets("another-group") == {}


def test_rejects_are_recorded_once_with_coordinates_and_reason_only(
    projection_backend: ProjectionBackend,
) -> None:
    reject = RejectedRecord("customers", 2, 41, RejectReason.INVALID_PHONE)
    for _ in range(2):
        with projection_backend.units()() as uow:
            uow.store.record_rejects([reject, reject], NOW)
            uow.commit()
    assert projection_backend.rejects() == [("customers", 2, 41, "invalid_phone")]


def test_the_rejects_of_a_span_of_offsets_are_found_again(
    projection_backend: ProjectionBackend,
) -> None:
    recorded = [
        RejectedRecord("customers", 2, 40, RejectReason.INVALID_PHONE),
        RejectedRecord("customers", 2, 45, RejectReason.MALFORMED_JSON),
        RejectedRecord("customers", 3, 41, RejectReason.INVALID_NAME),
        RejectedRecord("customers-eu", 2, 41, RejectReason.OVERSIZED),
        RejectedRecord("customers", 2, 46, RejectReason.OVERSIZED),
    ]
    with projection_backend.units()() as uow:
        uow.store.record_rejects(recorded, NOW)
        uow.commit()
    with projection_backend.units()() as uow:
        found = uow.store.rejects_between(
            {Partition("customers", 2): (40, 45), Partition("customers", 3): (0, 99)}
        )
    assert sorted(found, key=lambda r: (r.topic, r.partition, r.offset)) == recorded[:3]
    with projection_backend.units()() as uow:
        assert uow.store.rejects_between({Partition("customers", 9): (0, 99)}) == []


def test_a_reject_code_this_release_does_not_know_is_read_back_as_text(
    projection_backend: ProjectionBackend,
) -> None:
    # Written by a newer release before a rollback: a redelivery must not fail on it.
    newer = RejectedRecord("customers", 0, 7, "reason_of_a_newer_release")
    with projection_backend.units()() as uow:
        uow.store.record_rejects([newer], NOW)
        uow.commit()
    with projection_backend.units()() as uow:
        assert uow.store.rejects_between({Partition("customers", 0): (7, 7)}) == [newer]


def test_a_refused_write_fails_and_its_error_chain_holds_no_row_data(
    projection_backend: ProjectionBackend,
) -> None:
    # A region outside the five: the schema refuses it, and a driver's error (and, on some
    # engines, its detail) quotes the failing row; nothing that walks the store error's chain
    # may see it.
    bad = Contact("7", v(1), "Joana Secreta", "+5511912345678", "Atlantis")  # type: ignore[arg-type]
    with pytest.raises(StoreError) as raised, projection_backend.units()() as uow:
        uow.store.write_contacts([bad], NOW)
    shown = "".join(traceback.format_exception(raised.value))
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None
    for personal in ("Joana", "Secreta", "+5511912345678", "912345678", "Atlantis"):
        assert personal not in shown
    assert projection_backend.telesales() == []


def test_a_value_longer_than_its_column_is_never_cut_short(
    projection_backend: ProjectionBackend,
) -> None:
    # The domain never makes a name over 120 characters. A store with column widths refuses one
    # loudly, terminally, without quoting it, and keeps nothing of the write; SQLite, which has
    # no widths, keeps it whole.
    long_name = "Joana " * 30
    if not projection_backend.enforces_widths:
        write(projection_backend, contact("7", 1, long_name))
        assert projection_backend.telesales() == [("7", long_name, PHONE, "Sudeste")]
        return
    with pytest.raises(StoreError) as raised, projection_backend.units()() as uow:
        uow.store.write_contacts([contact("6", 1), contact("7", 1, long_name)], NOW)
    assert not isinstance(raised.value, TransientStoreError)
    assert "Joana" not in "".join(traceback.format_exception(raised.value))
    assert projection_backend.telesales() == []


def test_where_the_region_came_from_is_kept_and_replaced_with_the_contact(
    projection_backend: ProjectionBackend,
) -> None:
    state = Contact("1", v(1), "Ana", PHONE, Region.SUL, region_from_state=True)
    phone = Contact("1", v(2), "Ana", PHONE, Region.SUDESTE, region_from_state=False)
    write(projection_backend, state)
    with projection_backend.units()() as uow:
        held = uow.store.held_contacts(["1", "2"])
    assert held["1"].contact is not None
    assert held["1"].contact.region_from_state is True
    assert "2" not in held
    write(projection_backend, phone)
    with projection_backend.units()() as uow:
        held = uow.store.held_contacts(["1"])
    assert held["1"].contact is not None
    assert (held["1"].contact.region, held["1"].contact.region_from_state) == (
        Region.SUDESTE,
        False,
    )
    write(projection_backend, Removal("1", v(3)))
    with projection_backend.units()() as uow:
        assert uow.store.held_contacts(["1"])["1"].contact is None


def test_leaving_a_unit_of_work_without_commit_rolls_back(
    projection_backend: ProjectionBackend,
) -> None:
    with projection_backend.units()() as uow:
        uow.store.write_contacts([contact("1", 1)], NOW)

    def fail_midway() -> None:
        with projection_backend.units()() as uow:
            uow.store.write_contacts([contact("2", 1)], NOW)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        fail_midway()
    assert projection_backend.telesales() == []


def test_a_contact_whose_phone_a_do_not_call_list_holds_is_kept_but_not_shown(
    projection_backend: ProjectionBackend,
) -> None:
    projection_backend.list_phone("+5511987654321")
    with projection_backend.units()() as uow:
        written = uow.store.write_contacts(
            [
                Contact("1", v(1), "Maria Souza", "+5511987654321", Region.SUDESTE),
                Contact("2", v(1), "Ana Lima", "+552123456789", Region.SUDESTE),
                Removal("3", v(1)),
            ],
            NOW,
        )
        uow.commit()
    # The upsert says which contacts it wrote a list holds; a marker has no phone.
    assert written.customer_ids == {"1", "2", "3"}
    assert written.suppressed == {"1"}
    assert [row[0] for row in projection_backend.telesales()] == ["2"]
    assert [row[0] for row in projection_backend.held()] == ["1", "2", "3"]


def test_only_contacts_the_upsert_wrote_are_reported_suppressed(
    projection_backend: ProjectionBackend,
) -> None:
    listed = "+5511987654321"
    write(projection_backend, Contact("1", v(2), "Maria Souza", listed, Region.SUDESTE))
    projection_backend.list_phone(listed)
    with projection_backend.units()() as uow:
        written = uow.store.write_contacts(
            [
                Contact("1", v(1), "Maria Souza", listed, Region.SUDESTE),  # older: not written
                Contact("2", v(1), "Ana Lima", listed, Region.SUDESTE),  # the same listed phone
                Contact("3", v(1), "Rui Costa", "+552123456789", Region.SUDESTE),
            ],
            NOW,
        )
        uow.commit()
    assert written.customer_ids == {"2", "3"}
    assert written.suppressed == {"2"}


def test_a_customer_sent_twice_is_suppressed_by_its_newest_change_only(
    projection_backend: ProjectionBackend,
) -> None:
    listed = "+5511987654321"
    projection_backend.list_phone(listed)
    with projection_backend.units()() as uow:
        written = uow.store.write_contacts(
            [
                Contact("d", v(1), "Maria Souza", listed, Region.SUDESTE),
                Contact("d", v(2), "Maria Souza", "+552123456789", Region.SUDESTE),
                Contact("f", v(1), "Ana Lima", listed, Region.SUDESTE),
                Removal("f", v(2)),
                Contact("g", v(2), "Rui Costa", listed, Region.SUDESTE),
                Contact("g", v(1), "Rui Costa", "+552123456789", Region.SUDESTE),
            ],
            NOW,
        )
        uow.commit()
    assert written.customer_ids == {"d", "f", "g"}
    assert written.suppressed == {"g"}
    assert [row[0] for row in projection_backend.telesales()] == ["d"]


def test_the_removal_log_is_appended_to_and_never_rewritten(
    projection_backend: ProjectionBackend,
) -> None:
    first = RemovalEntry("1", RemovalReason.DELETED, v(2).key, "customers", 0, 7)
    again = RemovalEntry("1", RemovalReason.OPTED_OUT, v(5).key, "customers", 1, 3)
    for seconds, entry in enumerate((first, again)):
        with projection_backend.units()() as uow:
            uow.store.log_removals([entry], NOW + timedelta(seconds=seconds))
            uow.commit()
    assert projection_backend.removal_log() == [
        ("1", "deleted", v(2).key, "customers", 0, 7),
        ("1", "opted_out", v(5).key, "customers", 1, 3),
    ]


def test_a_reject_keeps_the_customer_it_was_about_once(
    projection_backend: ProjectionBackend,
) -> None:
    about = RejectedRecord("customers", 0, 4, RejectReason.INVALID_NAME, "7")
    anonymous = RejectedRecord("customers", 0, 5, RejectReason.MALFORMED_JSON)
    for rejects in ([about, anonymous], [RejectedRecord("customers", 0, 4, "x", "8")]):
        with projection_backend.units()() as uow:
            uow.store.record_rejects(rejects, NOW)
            uow.commit()
    assert projection_backend.reject_subjects() == [("customers", 0, 4, "7")]
