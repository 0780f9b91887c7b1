"""One line of a list's export: its phone in E.164 by the customers' phone rules, its listing
date, or why the line cannot be used; and what a list may be called."""

from __future__ import annotations

from datetime import date

import pytest

from domain.customers.do_not_call import (
    BadLineReason,
    ListedPhone,
    is_list_name,
    parse_listing_date,
    read_list_line,
)

EXPORTED_ON = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("11987654321", "+5511987654321"),  # as the lists write a mobile: national digits
        ("(11) 98765-4321", "+5511987654321"),
        ("+55 11 98765-4321", "+5511987654321"),
        ("5511987654321", "+5511987654321"),
        ("011 98765-4321", "+5511987654321"),
        ("1134567890", "+551134567890"),  # landlines are on the lists too
        ("(21) 2345-6789", "+552123456789"),
        (" 71 3333-4444 ", "+557133334444"),
    ],
)
def test_a_listed_phone_is_read_as_the_customers_phones_are(typed: str, e164: str) -> None:
    assert read_list_line(typed, None, EXPORTED_ON) == ListedPhone(e164, None)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", BadLineReason.NO_PHONE),
        ("   ", BadLineReason.NO_PHONE),
        ("98765-4321", BadLineReason.INVALID_PHONE),  # no area code
        ("0800 123 4567", BadLineReason.INVALID_PHONE),  # toll-free
        ("+1 212 555 0100", BadLineReason.INVALID_PHONE),  # not Brazilian
        ("11 98765-XXXX", BadLineReason.INVALID_PHONE),  # masked
        ("telefone", BadLineReason.INVALID_PHONE),  # a repeated header
    ],
)
def test_a_line_without_a_usable_phone_says_why(typed: str, reason: BadLineReason) -> None:
    assert read_list_line(typed, None, EXPORTED_ON) is reason


@pytest.mark.parametrize(
    ("typed", "listed_on"),
    [
        ("2024-03-15", date(2024, 3, 15)),
        ("15/03/2024", date(2024, 3, 15)),  # day first, as Brazil writes it
        ("2024-03-15 10:22:01", date(2024, 3, 15)),
        ("2024-03-15T10:22:01-03:00", date(2024, 3, 15)),
        ("15/03/2024 10:22", date(2024, 3, 15)),
        ("2025-06-01", EXPORTED_ON),  # listed on the export's day
    ],
)
def test_a_listing_date_is_read_in_either_order(typed: str, listed_on: date) -> None:
    assert read_list_line("11987654321", typed, EXPORTED_ON) == ListedPhone(
        "+5511987654321", listed_on
    )


def test_an_empty_date_field_is_no_date() -> None:
    assert read_list_line("11987654321", "  ", EXPORTED_ON) == ListedPhone("+5511987654321", None)


ARABIC_INDIC_DATE = "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in "2024-03-15")


@pytest.mark.parametrize(
    "typed",
    [
        "31/02/2024",
        "2024-13-01",
        "03/15/2024",
        "ontem",
        "2024-3-5",
        ARABIC_INDIC_DATE,
        "1" * 50,
        "0001-01-01",
        "01/01/0999",
    ],
)
def test_a_date_field_without_a_real_date_is_a_bad_line(typed: str) -> None:
    assert parse_listing_date(typed) is None
    assert read_list_line("11987654321", typed, EXPORTED_ON) is BadLineReason.INVALID_DATE


def test_a_listing_date_after_the_export_is_a_bad_line() -> None:
    assert (
        read_list_line("11987654321", "2025-06-02", EXPORTED_ON) is BadLineReason.DATE_AFTER_EXPORT
    )


def test_the_phone_is_judged_before_the_date() -> None:
    assert read_list_line("123", "not a date", EXPORTED_ON) is BadLineReason.INVALID_PHONE


@pytest.mark.parametrize("name", ["procon-sp", "nao-me-perturbe", "procon-rj2", "0", "a" * 64])
def test_list_names_are_short_identifiers(name: str) -> None:
    assert is_list_name(name)


@pytest.mark.parametrize(
    "name", ["", "Procon-SP", "-procon", "procon sp", "procon_sp", "não-me-perturbe", "a" * 65]
)
def test_anything_else_is_not_a_list_name(name: str) -> None:
    assert not is_list_name(name)
