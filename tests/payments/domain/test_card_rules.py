"""The card rules, one by one and in the gateway's order, with their boundaries."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date

import pytest

from domain.payments.brands import Brand, brand_of
from domain.payments.cards import (
    Card,
    CardCheck,
    CardSummary,
    card_digits,
    check_card,
    luhn_valid,
)
from domain.payments.messages import ErrorMessage
from tests.payments.cards import AMEX, BRAND_EXAMPLES, MASTERCARD, VISA

TODAY = date(2026, 11, 22)
GOOD = Card(
    number=VISA, holder_name="Maria Souza", expiration_month=11, expiration_year=2027, cvv="123"
)


def error(card: Card, today: date = TODAY) -> ErrorMessage | None:
    return check_card(card, today).error


@pytest.mark.parametrize(("number", "brand"), BRAND_EXAMPLES)
def test_every_brand_is_recognised_and_accepted(number: str, brand: Brand) -> None:
    check = check_card(
        replace(GOOD, number=number, cvv="1234" if brand is Brand.AMEX else "123"), TODAY
    )
    assert check.error is None
    assert check.summary == CardSummary(brand, number[-4:])


def test_the_issue_lists_exactly_these_brands() -> None:
    assert {b.value for b in Brand} == {
        "visa",
        "mastercard",
        "amex",
        "diners",
        "discover",
        "jcb",
        "elo",
        "hipercard",
    }


@pytest.mark.parametrize(
    "number",
    [
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        " 4111 1111-1111 1111 ",
        "41111111 11111111",
    ],
)
def test_spaces_and_dashes_are_ignored(number: str) -> None:
    check = check_card(replace(GOOD, number=number), TODAY)
    assert check == CardCheck(CardSummary(Brand.VISA, "1111"), None)


@pytest.mark.parametrize(
    "number",
    [
        "4111111111111112",  # last digit changed
        "4111111111111121",  # two digits swapped
        "5555555555554443",
        "378282246310006",
        "6362970000457014",  # Elo
        "6062825624254002",  # Hipercard
    ],
)
def test_a_luhn_failure_is_an_invalid_card_number(number: str) -> None:
    assert not luhn_valid(number)
    check = check_card(replace(GOOD, number=number), TODAY)
    assert check.error is ErrorMessage.INVALID_CARD_NUMBER
    assert check.summary is None  # nothing of an invalid number is kept


@pytest.mark.parametrize(
    "number",
    [
        None,
        "",
        "   ",
        "4111.1111.1111.1111",  # only spaces and dashes are separators
        "4111111111111111a",
        "٤١١١١١١١١١١١١١١١",  # Arabic-Indic digits are not card digits
        "0000000000000000",  # passes Luhn, no brand
        "9111111111111111",
        "411111111111111",  # Visa prefix, 15 digits: no Visa length
        "37828224631000",  # Amex prefix, 14 digits
        "55555555555544440",  # Mastercard prefix, 17 digits
        "2720990000000007"[:-1] + "0",  # right length, wrong check digit
        "2721000000000006",  # just past Mastercard's 2-series
        "2220990000000008",  # just before it
    ],
)
def test_an_unknown_or_malformed_number_is_an_invalid_card_number(number: str | None) -> None:
    assert error(replace(GOOD, number=number)) is ErrorMessage.INVALID_CARD_NUMBER


def test_card_digits_only_removes_spaces_and_dashes() -> None:
    assert card_digits("4111 1111-1111 1111") == "4111111111111111"
    assert card_digits("4111\t1111") is None
    assert card_digits("- -") is None


def test_the_first_matching_brand_is_elo_even_inside_visa_and_discover() -> None:
    assert brand_of("4011780000000006") is Brand.ELO
    assert brand_of("4011770000000007") is Brand.VISA  # the BIN before Elo's 401178
    assert brand_of("6500310000000005") is Brand.ELO
    assert brand_of("6500340000000002") is Brand.DISCOVER  # 650034 is not Elo's


@pytest.mark.parametrize("month", [1, 12])
def test_months_1_and_12_are_valid(month: int) -> None:
    assert error(replace(GOOD, expiration_month=month)) is None


@pytest.mark.parametrize("month", [0, 13, -1, None])
def test_month_0_13_or_none_is_an_invalid_expiration_month(month: int | None) -> None:
    assert error(replace(GOOD, expiration_month=month)) is ErrorMessage.INVALID_EXPIRATION_MONTH


@pytest.mark.parametrize("year", [2025, 1999, 26, None])
def test_a_past_or_missing_year_is_an_invalid_expiration_year(year: int | None) -> None:
    assert error(replace(GOOD, expiration_year=year)) is ErrorMessage.INVALID_EXPIRATION_YEAR


def test_a_past_month_of_this_year_is_card_expired() -> None:
    assert error(replace(GOOD, expiration_month=10, expiration_year=2026)) is (
        ErrorMessage.CARD_EXPIRED
    )


def test_a_card_is_valid_through_the_last_day_of_its_month() -> None:
    card = replace(GOOD, expiration_month=11, expiration_year=2026)
    assert error(card, date(2026, 11, 1)) is None
    assert error(card, date(2026, 11, 30)) is None
    assert error(card, date(2026, 12, 1)) is ErrorMessage.CARD_EXPIRED


def test_a_card_valid_through_december_expires_with_the_year() -> None:
    card = replace(GOOD, expiration_month=12, expiration_year=2026)
    assert error(card, date(2026, 12, 31)) is None
    assert error(card, date(2027, 1, 1)) is ErrorMessage.INVALID_EXPIRATION_YEAR


@pytest.mark.parametrize("cvv", ["123", "000", "012", 123, 12, 0, 999])
def test_three_digit_cvvs_are_valid(cvv: str | int) -> None:
    # A JSON number cannot carry a leading zero: 12 is the CVV "012".
    assert error(replace(GOOD, cvv=cvv)) is None


@pytest.mark.parametrize(
    "cvv", ["12", "1234", "12a", "", " 123", "\uff11\uff12\uff13", 1000, -1, None, True]
)
def test_other_cvvs_are_invalid(cvv: str | int | None) -> None:
    assert error(replace(GOOD, cvv=cvv)) is ErrorMessage.INVALID_CVV


def test_amex_cvvs_have_four_digits() -> None:
    amex = replace(GOOD, number=AMEX)
    assert error(replace(amex, cvv="1234")) is None
    assert error(replace(amex, cvv=123)) is None  # the number 0123
    assert error(replace(amex, cvv="123")) is ErrorMessage.INVALID_CVV
    assert error(replace(amex, cvv="12345")) is ErrorMessage.INVALID_CVV
    assert error(replace(GOOD, number=MASTERCARD, cvv="1234")) is ErrorMessage.INVALID_CVV


@pytest.mark.parametrize("name", [None, "", "   ", "\t\n"])
def test_a_missing_or_blank_holder_name_is_invalid(name: str | None) -> None:
    assert error(replace(GOOD, holder_name=name)) is ErrorMessage.INVALID_HOLDER_NAME


def test_a_one_letter_holder_name_is_present() -> None:
    assert error(replace(GOOD, holder_name="X")) is None


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        (Card(), ErrorMessage.INVALID_CARD_NUMBER),
        (Card(number=VISA), ErrorMessage.INVALID_EXPIRATION_MONTH),
        (Card(number=VISA, expiration_month=1), ErrorMessage.INVALID_EXPIRATION_YEAR),
        (
            Card(number=VISA, expiration_month=1, expiration_year=2026),
            ErrorMessage.CARD_EXPIRED,
        ),
        (Card(number=VISA, expiration_month=12, expiration_year=2026), ErrorMessage.INVALID_CVV),
        (
            Card(number=VISA, expiration_month=12, expiration_year=2026, cvv="123"),
            ErrorMessage.INVALID_HOLDER_NAME,
        ),
        (replace(GOOD, number="1", expiration_month=13, cvv="x"), ErrorMessage.INVALID_CARD_NUMBER),
        (
            replace(GOOD, expiration_month=13, expiration_year=2000),
            ErrorMessage.INVALID_EXPIRATION_MONTH,
        ),
        (replace(GOOD, expiration_year=2000, cvv="x"), ErrorMessage.INVALID_EXPIRATION_YEAR),
        (
            replace(GOOD, expiration_month=1, expiration_year=2026, cvv="x"),
            ErrorMessage.CARD_EXPIRED,
        ),
        (replace(GOOD, cvv="x", holder_name=""), ErrorMessage.INVALID_CVV),
    ],
)
def test_the_first_broken_rule_in_the_gateways_order_is_the_one_reported(
    card: Card, expected: ErrorMessage
) -> None:
    assert error(card) is expected


def test_the_messages_are_the_gateways_byte_for_byte() -> None:
    assert [m.value for m in ErrorMessage] == [
        "invalid credit card number",
        "invalid expiration month",
        "invalid expiration year",
        "card expired",
        "invalid cvv",
        "invalid card holder name",
        "invalid amount",  # ours, in the gateway's style: an amount that is no money
        "the amount must be greater than 1",
        "you dont have limit for this transaction",
    ]


def test_a_number_of_a_megabyte_of_digits_fails_at_once_without_a_luhn_sum() -> None:
    # The brand (and with it the length) is checked before the Luhn sum runs over the digits.
    started = time.thread_time()
    assert error(replace(GOOD, number="4" * 1_000_000)) is ErrorMessage.INVALID_CARD_NUMBER
    assert time.thread_time() - started < 0.05


def test_a_cards_repr_shows_no_card_data() -> None:
    assert repr(GOOD) == "Card()"
    assert VISA not in repr(check_card(GOOD, TODAY))
