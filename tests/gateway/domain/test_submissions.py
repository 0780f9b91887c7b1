"""A submitted transaction's shape, and what the intake may keep of it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.gateway.submissions import DecimalText, Problem, Submission, read_submission
from domain.payments.brands import Brand
from domain.payments.cards import CardSummary

KEY = b"k" * 32


def sent(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "order-1",
        "credit_card_number": "4111 1111 1111 1111",
        "credit_card_name": "Joana",
        "credit_card_expiration_month": 12,
        "credit_card_expiration_year": "2030",
        "credit_card_cvv": 123,
        "amount": DecimalText("150.75"),
    }
    return base | changes


def submission(**changes: object) -> Submission:
    read = read_submission(sent(**changes), "acc-1")
    assert isinstance(read, Submission)
    return read


def test_a_valid_card_keeps_its_brand_and_last_four_only() -> None:
    read = submission()
    assert read.card == CardSummary(Brand.VISA, "1111")
    assert read.amount == Decimal("150.75")
    assert "4111" not in repr(read)
    assert read.values["credit_card_cvv"] == 123  # as sent, for the processor


@pytest.mark.parametrize("number", ["4111 1111 1111 1112", "not a number", "1111", 4111])
def test_a_number_that_is_no_card_keeps_nothing_of_it(number: object) -> None:
    assert submission(credit_card_number=number).card is None


@pytest.mark.parametrize(
    ("amount", "kept"),
    [
        (100, Decimal("100.00")),
        ("10.5", Decimal("10.50")),
        (DecimalText("1e3"), None),
        ("10,50", None),
        ("-5.00", None),
        (DecimalText("0.001"), None),
    ],
)
def test_only_money_is_kept_as_the_amount(amount: object, kept: Decimal | None) -> None:
    assert submission(amount=amount).amount == kept


@pytest.mark.parametrize("id_", [7, "7", "a.b_c~d-e", "550e8400-e29b-41d4-a716-446655440000"])
def test_ids_are_url_safe_text_or_whole_numbers(id_: object) -> None:
    assert submission(id=id_).id == str(id_)


@pytest.mark.parametrize("id_", ["", "-x", "a b", "a/b", "é", -1, True, DecimalText("1.5"), None])
def test_other_ids_are_refused(id_: object) -> None:
    assert read_submission(sent(id=id_), "acc-1") == Problem(
        "id", "must be text of 1-64 letters, digits, '.', '_', '~' or '-'"
    )


def test_the_account_id_may_be_left_out_or_must_be_the_signed_in_one() -> None:
    assert isinstance(read_submission(sent(account_id="acc-1"), "acc-1"), Submission)
    problem = read_submission(sent(account_id="acc-2"), "acc-1")
    assert isinstance(problem, Problem)
    assert problem.field == "account_id"


def test_the_fingerprint_tells_another_body_from_a_retry_and_ignores_the_cvv() -> None:
    first = submission().fingerprint(KEY)
    assert submission().fingerprint(KEY) == first
    assert submission(amount="150.75").fingerprint(KEY) != first  # text, not the number
    assert submission(credit_card_name="Joana S").fingerprint(KEY) != first
    assert submission(credit_card_cvv=124).fingerprint(KEY) == first  # never fingerprinted
    assert submission().fingerprint(b"another key" * 3) != first
