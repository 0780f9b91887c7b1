"""What loading a do-not-call list does, stated once and run on every backend: the in-memory
reference and SQLite, PostgreSQL and MariaDB (SQL Server where one is configured).

What telesales see is read from the view itself on the real engines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.customers.do_not_call import BadLineReason
from service.customers.do_not_call import (
    DoNotCallError,
    EmptyExportError,
    FutureExportError,
    LoadOutcome,
    OlderExportError,
)
from tests.customers.do_not_call.support import (
    JULY,
    JUNE,
    LANDLINE_SP,
    MAY,
    MOBILE_BA,
    MOBILE_RJ,
    MOBILE_SP,
    NOW,
    Backend,
    Export,
    lists,
)


def with_contacts(backend: Backend) -> None:
    backend.add_contact("c-sp", MOBILE_SP)
    backend.add_contact("c-rj", MOBILE_RJ, version="v7")
    backend.add_contact("c-land", LANDLINE_SP)
    backend.add_contact("c-ba", MOBILE_BA)


def test_a_load_hides_listed_contacts_from_telesales_and_logs_each_removal(
    backend: Backend,
) -> None:
    with_contacts(backend)
    export = Export("(11) 98765-4321", ("21 99876-5432", "15/03/2024"), "1134567890")
    summary = lists(backend).load("procon-sp", JUNE, export)

    assert summary.outcome is LoadOutcome.LOADED
    assert summary.load_number == 1
    assert (summary.phones_read, summary.phones_loaded, summary.phones_added) == (3, 3, 3)
    assert (summary.phones_dropped, summary.contacts_suppressed) == (0, 3)
    assert backend.visible() == ["c-ba"]
    assert backend.suppressed() == [
        (LANDLINE_SP, "procon-sp", "2025-06-01", 1, 1),  # a landline: the lists hold both
        (MOBILE_SP, "procon-sp", "2025-06-01", 1, 1),  # no date on the line: the export's
        (MOBILE_RJ, "procon-sp", "2024-03-15", 1, 1),
    ]
    assert backend.removals() == [
        ("c-land", "do_not_call", "v1", "procon-sp", "2025-06-01"),
        ("c-rj", "do_not_call", "v7", "procon-sp", "2025-06-01"),
        ("c-sp", "do_not_call", "v1", "procon-sp", "2025-06-01"),
    ]
    (loaded,) = lists(backend).lists()
    assert (loaded.list_name, loaded.exported_on, loaded.load_number) == ("procon-sp", JUNE, 1)
    assert (loaded.phones, loaded.file_sha256, loaded.loaded_at) == (3, export.sha256, NOW)


def test_the_same_file_again_changes_nothing_and_appends_nothing(backend: Backend) -> None:
    with_contacts(backend)
    export = Export("11987654321", "21998765432")
    lists(backend).load("procon-sp", JUNE, export)
    before = (backend.suppressed(), backend.removals(), lists(backend).lists())

    again = lists(backend).load("procon-sp", JUNE, export)

    assert again.outcome is LoadOutcome.ALREADY_LOADED
    assert (again.load_number, again.phones_loaded, again.contacts_suppressed) == (1, 2, 0)
    assert (backend.suppressed(), backend.removals(), lists(backend).lists()) == before


def test_a_newer_export_replaces_the_list_and_shows_dropped_numbers_again(
    backend: Backend,
) -> None:
    with_contacts(backend)
    lists(backend).load("procon-sp", JUNE, Export("11987654321", "21998765432"))
    assert backend.visible() == ["c-ba", "c-land"]

    summary = lists(backend).load("procon-sp", JULY, Export("21998765432", "71988887777"))

    assert summary.load_number == 2
    assert (summary.phones_added, summary.phones_dropped) == (1, 1)
    assert (summary.contacts_suppressed, summary.contacts_restored) == (1, 1)
    # c-sp is back without any new event; c-ba is hidden now.
    assert backend.visible() == ["c-land", "c-sp"]
    assert backend.suppressed() == [
        (MOBILE_RJ, "procon-sp", "2025-06-01", 1, 2),  # kept: added by load 1, seen by load 2
        (MOBILE_BA, "procon-sp", "2025-07-01", 2, 2),
    ]
    assert [(r[0], r[4]) for r in backend.removals()] == [
        ("c-ba", "2025-07-01"),
        ("c-rj", "2025-06-01"),
        ("c-sp", "2025-06-01"),
    ]
    (loaded,) = lists(backend).lists()
    assert (loaded.exported_on, loaded.load_number, loaded.phones) == (JULY, 2, 2)


def test_an_older_export_is_refused_and_nothing_changes(backend: Backend) -> None:
    with_contacts(backend)
    lists(backend).load("procon-sp", JUNE, Export("11987654321"))
    before = (backend.suppressed(), backend.removals(), lists(backend).lists())

    with pytest.raises(OlderExportError, match="2025-05-01 is older than the one loaded"):
        lists(backend).load("procon-sp", MAY, Export("21998765432"))

    assert (backend.suppressed(), backend.removals(), lists(backend).lists()) == before


def test_the_same_date_with_another_file_replaces_the_export(backend: Backend) -> None:
    lists(backend).load("procon-sp", JUNE, Export("11987654321"))

    summary = lists(backend).load("procon-sp", JUNE, Export("21998765432"))

    assert (summary.outcome, summary.load_number, summary.phones_dropped) == (
        LoadOutcome.LOADED,
        2,
        1,
    )
    assert [row[0] for row in backend.suppressed()] == [MOBILE_RJ]


def test_bad_lines_are_counted_by_reason_and_line_number_never_fatal(backend: Backend) -> None:
    summary = lists(backend).load(
        "nao-me-perturbe",
        JUNE,
        Export(
            "11987654321",
            "0800 123 4567",  # toll-free: not a mobile or landline
            "",
            ("21998765432", "31/02/2024"),
            ("71988887777", "2025-06-02"),  # listed after the export
            BadLineReason.NOT_UTF8,
            "11 98765-4321",  # the first line's phone again
            "+1 212 555 0100",
        ),
    )

    assert summary.lines == 8
    assert (summary.phones_read, summary.phones_loaded, summary.duplicates) == (2, 1, 1)
    assert summary.bad_lines == {
        BadLineReason.INVALID_PHONE: 2,
        BadLineReason.NO_PHONE: 1,
        BadLineReason.INVALID_DATE: 1,
        BadLineReason.DATE_AFTER_EXPORT: 1,
        BadLineReason.NOT_UTF8: 1,
    }
    assert summary.first_bad_lines == [
        (3, BadLineReason.INVALID_PHONE),
        (4, BadLineReason.NO_PHONE),
        (5, BadLineReason.INVALID_DATE),
        (6, BadLineReason.DATE_AFTER_EXPORT),
        (7, BadLineReason.NOT_UTF8),
        (9, BadLineReason.INVALID_PHONE),
    ]
    assert [row[0] for row in backend.suppressed()] == [MOBILE_SP]


def test_an_export_without_a_valid_phone_is_refused_rather_than_emptying_the_list(
    backend: Backend,
) -> None:
    with_contacts(backend)
    lists(backend).load("procon-sp", JUNE, Export("11987654321"))

    with pytest.raises(EmptyExportError, match=r"no valid phone \(2 bad lines of 2\)"):
        lists(backend).load("procon-sp", JULY, Export("telefone", "xx"))

    assert backend.visible() == ["c-ba", "c-land", "c-rj"]
    assert lists(backend).lists()[0].load_number == 1


def test_a_phone_two_lists_hold_stays_suppressed_until_neither_does(backend: Backend) -> None:
    with_contacts(backend)
    lists(backend).load("procon-sp", JUNE, Export("11987654321", "21998765432"))
    national = lists(backend).load("nao-me-perturbe", JUNE, Export("11987654321"))
    # Already hidden by procon-sp: no second removal record for the same contact.
    assert (national.phones_added, national.contacts_suppressed) == (1, 0)

    dropped = lists(backend).load("procon-sp", JULY, Export("21998765432"))

    assert (dropped.phones_dropped, dropped.contacts_restored) == (1, 0)
    assert backend.visible() == ["c-ba", "c-land"]
    lifted = lists(backend).load("nao-me-perturbe", JULY, Export("71988887777"))
    assert (lifted.contacts_restored, lifted.contacts_suppressed) == (1, 1)
    assert backend.visible() == ["c-land", "c-sp"]
    assert [(r[0], r[3]) for r in backend.removals()] == [
        ("c-ba", "nao-me-perturbe"),
        ("c-rj", "procon-sp"),
        ("c-sp", "procon-sp"),
    ]
    assert [found.list_name for found in lists(backend).lists()] == [
        "nao-me-perturbe",
        "procon-sp",
    ]


def test_removed_customers_are_neither_suppressed_nor_restored(backend: Backend) -> None:
    with_contacts(backend)
    backend.remove_contact("c-sp")

    first = lists(backend).load("procon-sp", JUNE, Export("11987654321"))
    second = lists(backend).load("procon-sp", JULY, Export("21998765432"))

    assert (first.contacts_suppressed, second.contacts_restored) == (0, 0)
    assert [r[0] for r in backend.removals()] == ["c-rj"]


def test_a_list_loads_in_chunks_with_duplicates_across_them(backend: Backend) -> None:
    with_contacts(backend)
    phones = ["11987654321", "21998765432", "1134567890", "11 98765-4321", "71988887777"]

    summary = lists(backend, chunk_size=2).load("procon-sp", JUNE, Export(*phones))

    assert (summary.phones_read, summary.phones_loaded, summary.duplicates) == (5, 4, 1)
    assert (summary.phones_added, summary.contacts_suppressed) == (4, 4)
    assert backend.visible() == []
    assert len(backend.removals()) == 4


@pytest.mark.parametrize("name", ["", "Procon-SP", "-procon", "procon sp", "a" * 65, "listä"])
def test_a_list_name_must_be_a_short_identifier(backend: Backend, name: str) -> None:
    with pytest.raises(DoNotCallError, match="lower-case letters, digits and hyphens"):
        lists(backend).load(name, JUNE, Export("11987654321"))
    assert backend.suppressed() == []


def test_an_export_dated_after_today_is_refused(backend: Backend) -> None:
    with pytest.raises(FutureExportError, match="after today"):
        lists(backend).load("procon-sp", NOW.date().replace(year=2026), Export("11987654321"))
    assert lists(backend).lists() == []


def test_the_list_row_is_written_only_over_the_load_it_was_read_at(backend: Backend) -> None:
    # What keeps two loads of one list from both committing where an engine's lock leaves a
    # gap: the second finds the stored load number changed and its whole load rolls back.
    lists(backend).load("procon-sp", JUNE, Export("11987654321"))
    (stored,) = lists(backend).lists()
    later = replace(stored, exported_on=JULY, load_number=2)
    with backend.units()() as unit:
        assert unit.store.start_load("procon-sp") == stored
        assert unit.store.record_list(later, previous_load_number=None) is False
        assert unit.store.record_list(later, previous_load_number=7) is False
        assert unit.store.record_list(later, previous_load_number=1) is True
    # Not committed: nothing changed.
    assert lists(backend).lists() == [stored]
