"""Amounts: exact money in cents, the gateway's limits at their boundaries, cards first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.payments.brands import Brand
from domain.payments.cards import Card, CardSummary
from domain.payments.messages import ErrorMessage
from domain.payments.money import amount_error, money
from domain.payments.transactions import Outcome, Status, Transaction, decide
from tests.payments.cards import VISA

TODAY = date(2026, 11, 22)
CARD = Card(
    number=VISA, holder_name="Maria Souza", expiration_month=12, expiration_year=2030, cvv="123"
)


def transaction(amount: str | None, card: Card = CARD) -> Transaction:
    return Transaction("t-1", "acc-1", None if amount is None else Decimal(amount), card)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("0.99", ErrorMessage.AMOUNT_TOO_LOW),
        ("1.00", None),
        ("1", None),
        ("500.50", None),
        ("1000.00", None),
        ("1000", None),
        ("1000.01", ErrorMessage.OVER_LIMIT),
        ("0", ErrorMessage.AMOUNT_TOO_LOW),
        ("-5.00", ErrorMessage.AMOUNT_TOO_LOW),
        ("9999999999.99", ErrorMessage.OVER_LIMIT),
    ],
)
def test_the_amount_limits_include_both_ends(amount: str, expected: ErrorMessage | None) -> None:
    assert amount_error(Decimal(amount)) is expected
    decision = decide(transaction(amount), TODAY)
    assert decision.error is expected
    assert decision.status is (Status.APPROVED if expected is None else Status.REJECTED)


def test_no_amount_of_money_is_answered_invalid_amount_and_keeps_no_amount() -> None:
    # The decoder gives None for "10,50", 1e3, a fraction of a cent, a missing amount...
    assert amount_error(None) is ErrorMessage.INVALID_AMOUNT
    decision = decide(transaction(None), TODAY)
    assert decision.outcome == Outcome("t-1", Status.REJECTED, "invalid amount")
    assert decision.amount is None
    assert decision.card == CardSummary(Brand.VISA, "1111")


def test_a_negative_amount_is_too_low_and_never_kept_as_negative_money() -> None:
    decision = decide(transaction("-5.00"), TODAY)
    assert decision.outcome == Outcome("t-1", Status.REJECTED, "the amount must be greater than 1")
    assert decision.amount is None
    assert decide(transaction("0.00"), TODAY).amount == Decimal("0.00")
    assert decide(transaction("0.99"), TODAY).amount == Decimal("0.99")


def test_the_card_comes_before_an_unreadable_amount() -> None:
    decision = decide(transaction(None, Card(number="1234")), TODAY)
    assert decision.outcome.error_message == "invalid credit card number"


def test_an_approved_transaction_keeps_its_amount_brand_and_last_four_only() -> None:
    decision = decide(transaction("1000.00"), TODAY)
    assert decision.outcome == Outcome("t-1", Status.APPROVED, None)
    assert decision.card == CardSummary(Brand.VISA, "1111")
    assert decision.amount == Decimal("1000.00")


def test_card_rules_come_before_the_amount() -> None:
    expired = Card(
        number=VISA, holder_name="Maria", expiration_month=1, expiration_year=2026, cvv="123"
    )
    decision = decide(transaction("5000.00", expired), TODAY)
    assert decision.outcome == Outcome("t-1", Status.REJECTED, "card expired")


def test_an_invalid_card_keeps_nothing_of_the_number() -> None:
    decision = decide(transaction("10.00", Card(number="1234")), TODAY)
    assert decision.outcome.error_message == "invalid credit card number"
    assert decision.card is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", "10.00"),
        ("10.5", "10.50"),
        ("10.50", "10.50"),
        ("10.500000", "10.50"),
        ("1E+3", "1000.00"),
        ("-0", "0.00"),
        ("-0.00", "0.00"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_money_has_exactly_two_decimal_places(value: str, expected: str) -> None:
    amount = money(Decimal(value))
    assert amount is not None
    assert str(amount) == expected


@pytest.mark.parametrize(
    "value", ["10.005", "0.001", "1000.001", "NaN", "sNaN", "Infinity", "-Infinity", "1E+10"]
)
def test_fractions_of_a_cent_infinities_and_huge_amounts_are_not_money(value: str) -> None:
    assert money(Decimal(value)) is None
