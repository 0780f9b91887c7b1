"""Transaction messages as the gateway's producers write them, decoded into the domain."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from adapters.formats import MAX_MESSAGE_BYTES
from adapters.formats.transactions import decode_transaction_record
from domain.payments.cards import Card
from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Transaction, Unanswerable
from service.records import StreamRecord, Tombstone
from tests.payments.cards import VISA

MESSAGE: dict[str, object] = {
    "id": "6f1c0c1e-3b7a-4a53-9d9e-2a4f1c9b7e10",
    "account_id": "acc-42",
    "credit_card_number": VISA,
    "credit_card_name": "Maria Souza",
    "credit_card_expiration_month": 12,
    "credit_card_expiration_year": 2030,
    "credit_card_cvv": 123,
    "amount": 150.75,
}


def record(value: bytes | None) -> StreamRecord:
    return StreamRecord("transactions", 0, 7, b"key", value)


def decode(message: object) -> Transaction | Unanswerable | Tombstone:
    return decode_transaction_record(record(json.dumps(message).encode()))


def decoded(**changes: object) -> Transaction:
    result = decode({**MESSAGE, **changes})
    assert isinstance(result, Transaction)
    return result


def test_the_gateways_message_decodes_into_a_transaction() -> None:
    transaction = decoded()
    assert transaction.id == "6f1c0c1e-3b7a-4a53-9d9e-2a4f1c9b7e10"
    assert transaction.account_id == "acc-42"
    assert transaction.amount == Decimal("150.75")
    assert transaction.card == Card(VISA, "Maria Souza", 12, 2030, 123)


def test_numbers_sent_as_strings_are_accepted() -> None:
    transaction = decoded(
        credit_card_expiration_month="07",
        credit_card_expiration_year=" 2030 ",
        credit_card_cvv="012",
        amount="150.75",
        id=" 9 ",
        account_id=42,
    )
    assert transaction.card == Card(VISA, "Maria Souza", 7, 2030, "012")
    assert transaction.amount == Decimal("150.75")
    assert (transaction.id, transaction.account_id) == ("9", "42")


def test_a_card_number_sent_as_a_json_number_is_accepted() -> None:
    assert decoded(credit_card_number=4111111111111111).card.number == VISA


def test_the_amount_never_passes_through_a_float() -> None:
    # As a float, 1000.0000000000001 would be 1000.0 and approved; as its JSON text it is a
    # fraction of a cent.
    raw = json.dumps(MESSAGE).replace("150.75", "1000.0000000000001").encode()
    assert decode_transaction_record(record(raw)) == Unanswerable(
        PaymentRejectReason.INVALID_AMOUNT
    )
    raw = json.dumps(MESSAGE).replace("150.75", "0.1").encode()
    result = decode_transaction_record(record(raw))
    assert isinstance(result, Transaction)
    assert result.amount == Decimal("0.10")


@pytest.mark.parametrize("amount", [1000, "1000", "1000.00", 1000.00, " 1000.0 "])
def test_an_amount_of_1000_is_exactly_1000_00_in_every_form(amount: object) -> None:
    assert str(decoded(amount=amount).amount) == "1000.00"


@pytest.mark.parametrize(
    "amount",
    [None, True, "abc", "", "1e3", "1_000", "Infinity", "NaN", "10,50", "10.005", [10], {"v": 1}],
)
def test_an_amount_that_is_not_money_makes_the_message_unanswerable(amount: object) -> None:
    assert decode({**MESSAGE, "amount": amount}) == Unanswerable(PaymentRejectReason.INVALID_AMOUNT)


def test_a_missing_amount_makes_the_message_unanswerable() -> None:
    message = {k: v for k, v in MESSAGE.items() if k != "amount"}
    assert decode(message) == Unanswerable(PaymentRejectReason.INVALID_AMOUNT)


@pytest.mark.parametrize("transaction_id", [None, "", "   ", True, -1, 1.5, ["x"], "x" * 65])
def test_no_usable_id_makes_the_message_unanswerable(transaction_id: object) -> None:
    assert decode({**MESSAGE, "id": transaction_id}) == Unanswerable(
        PaymentRejectReason.INVALID_TRANSACTION_ID
    )


def test_an_id_of_64_characters_is_kept_exactly() -> None:
    assert decoded(id="0" * 64).id == "0" * 64  # no leading zeros dropped: ids are opaque


@pytest.mark.parametrize("account_id", [None, "", False, {"id": 1}])
def test_no_usable_account_makes_the_message_unanswerable(account_id: object) -> None:
    assert decode({**MESSAGE, "account_id": account_id}) == Unanswerable(
        PaymentRejectReason.INVALID_ACCOUNT_ID
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_card_number", 4.111e15),
        ("credit_card_number", True),
        ("credit_card_name", 42),
        ("credit_card_expiration_month", "July"),
        ("credit_card_expiration_month", 7.0),
        ("credit_card_expiration_month", "-1"),
        ("credit_card_expiration_year", True),
        ("credit_card_cvv", False),
        ("credit_card_cvv", 12.3),
    ],
)
def test_a_card_field_of_the_wrong_type_reaches_the_domain_as_missing(
    field: str, value: object
) -> None:
    card = decoded(**{field: value}).card
    attribute = {
        "credit_card_number": "number",
        "credit_card_name": "holder_name",
        "credit_card_expiration_month": "expiration_month",
        "credit_card_expiration_year": "expiration_year",
        "credit_card_cvv": "cvv",
    }[field]
    assert getattr(card, attribute) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"{not json", PaymentRejectReason.MALFORMED_JSON),
        (b"\xff\xfe{}", PaymentRejectReason.MALFORMED_JSON),
        (b'{"id": "1", "amount": NaN}', PaymentRejectReason.MALFORMED_JSON),
        (b"[" * 100_000, PaymentRejectReason.MALFORMED_JSON),
        (b"[1, 2]", PaymentRejectReason.UNKNOWN_FORMAT),
        (b'"text"', PaymentRejectReason.UNKNOWN_FORMAT),
        (b"null", PaymentRejectReason.UNKNOWN_FORMAT),
    ],
)
def test_unreadable_messages_are_unanswerable(value: bytes, reason: PaymentRejectReason) -> None:
    assert decode_transaction_record(record(value)) == Unanswerable(reason)


def test_the_size_limit_is_1_mib() -> None:
    padding = " " * (MAX_MESSAGE_BYTES - len(json.dumps(MESSAGE).encode()))
    at_limit = (json.dumps(MESSAGE) + padding).encode()
    assert len(at_limit) == MAX_MESSAGE_BYTES
    assert isinstance(decode_transaction_record(record(at_limit)), Transaction)
    assert decode_transaction_record(record(at_limit + b" ")) == Unanswerable(
        PaymentRejectReason.OVERSIZED
    )


def test_a_tombstone_is_skipped() -> None:
    assert decode_transaction_record(record(None)) == Tombstone()


def test_decoding_never_logs_or_shows_card_data(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    results = [
        decode(MESSAGE),
        decode({**MESSAGE, "id": None}),
        decode({**MESSAGE, "amount": "x"}),
        decode_transaction_record(record(json.dumps(MESSAGE).encode()[:-1])),
    ]
    shown = "\n".join([repr(r) for r in results] + [r.getMessage() for r in caplog.records])
    for secret in (VISA, "Maria Souza", "123"):
        assert secret not in shown
