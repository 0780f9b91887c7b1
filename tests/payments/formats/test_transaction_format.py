"""Transaction messages as the gateway's producers write them, decoded into the domain."""

from __future__ import annotations

import json
import logging
from decimal import Decimal

import pytest

from adapters.payments.format import MAX_TRANSACTION_BYTES, decode_transaction_record
from domain.payments.cards import Card
from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Transaction, Unanswerable
from service.stream.records import StreamRecord, Tombstone
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
    # fraction of a cent: no amount of money, answered "invalid amount".
    raw = json.dumps(MESSAGE).replace("150.75", "1000.0000000000001").encode()
    assert amount_decoded(raw) is None
    raw = json.dumps(MESSAGE).replace("150.75", "0.1").encode()
    assert amount_decoded(raw) == Decimal("0.10")


def amount_decoded(raw: bytes) -> Decimal | None:
    """The amount of a message that must decode into a transaction (to be answered)."""
    result = decode_transaction_record(record(raw))
    assert isinstance(result, Transaction)
    return result.amount


@pytest.mark.parametrize("amount", [1000, "1000", "1000.00", 1000.00, " 1000.0 "])
def test_an_amount_of_1000_is_exactly_1000_00_in_every_form(amount: object) -> None:
    assert str(decoded(amount=amount).amount) == "1000.00"


@pytest.mark.parametrize(
    "amount",
    [
        None,
        True,
        "abc",
        "",
        "1e3",
        "1E3",
        "1_000",
        "Infinity",
        "NaN",
        "1,000.00",  # a thousands separator here, a decimal comma in Brazil: never guessed
        "10,50",
        "+10",
        ".5",
        "5.",
        "\u0661\u0660",  # ARABIC-INDIC DIGITs ONE ZERO: other scripts' digits
        "10.005",  # a fraction of a cent
        "10000000000",  # more than ten integer digits: no DECIMAL(12,2)
        10_000_000_000,
        "1" * 65,  # longer than any amount
        [10],
        {"v": 1},
    ],
)
def test_an_amount_that_is_not_money_is_answered_as_invalid(amount: object) -> None:
    # The transaction names an id and an account: it gets an answer ("invalid amount").
    assert decoded(amount=amount).amount is None


def test_a_missing_amount_is_answered_as_invalid() -> None:
    message = {k: v for k, v in MESSAGE.items() if k != "amount"}
    assert amount_decoded(json.dumps(message).encode()) is None


@pytest.mark.parametrize("number", [b"1e3", b"1E+3", b"1.5e2", b"100000e-2", b"1" * 65])
def test_a_json_number_in_exponent_form_or_too_long_is_no_amount(number: bytes) -> None:
    # 1e3 is a float serialiser's way of writing 1000: the cents may not be the ones typed.
    raw = json.dumps(MESSAGE).encode().replace(b"150.75", number)
    assert amount_decoded(raw) is None


@pytest.mark.parametrize("digits", [4300, 4301, 60_000])
def test_a_number_of_thousands_of_digits_is_answered_not_malformed(digits: int) -> None:
    # int() refuses more than 4,300 digits inside json.loads (a ValueError): such a number is
    # never converted, in the amount or in any other field.
    huge = b"9" * digits
    raw = json.dumps(MESSAGE).encode().replace(b"150.75", huge)
    assert amount_decoded(raw) is None
    elsewhere = (
        json.dumps({**MESSAGE, "extra": 0})
        .encode()
        .replace(b'"extra": 0', huge.join([b'"extra": [', b"]"]))
    )
    assert amount_decoded(elsewhere) == Decimal("150.75")
    month = json.dumps({**MESSAGE, "credit_card_expiration_month": 0}).encode()
    month = month.replace(
        b'"credit_card_expiration_month": 0', b'"credit_card_expiration_month": ' + huge
    )
    result = decode_transaction_record(record(month))
    assert isinstance(result, Transaction)
    assert result.card.expiration_month is None


@pytest.mark.parametrize(
    ("amount", "expected"), [(-5, "-5.00"), ("-5.00", "-5.00"), (-0.0, "0.00")]
)
def test_a_negative_amount_is_read_as_money_below_the_minimum(
    amount: object, expected: str
) -> None:
    # The domain rejects it ("the amount must be greater than 1") and keeps no amount.
    assert str(decoded(amount=amount).amount) == expected


@pytest.mark.parametrize("transaction_id", [None, "", "   ", True, -1, 1.5, ["x"], "x" * 65])
def test_no_usable_id_makes_the_message_unanswerable(transaction_id: object) -> None:
    assert decode({**MESSAGE, "id": transaction_id}) == Unanswerable(
        PaymentRejectReason.INVALID_TRANSACTION_ID
    )


def test_an_id_of_64_characters_is_kept_exactly() -> None:
    assert decoded(id="0" * 64).id == "0" * 64  # no leading zeros dropped: ids are opaque
    assert decoded(id="\U0001f600" * 64).id == "\U0001f600" * 64  # characters, not code units
    assert decoded(id=10**63).id == "1" + "0" * 63


# Each would be stored otherwise than decided on some engine, pass for another id, or stand
# where the trigger's binding replaced bytes that were not UTF-8.
UNSTORABLE = {
    "NUL": "\x00",
    "C0 control": "\x01",
    "unit separator": "\x1f",
    "DEL": "\x7f",
    "C1 next line": "\x85",
    "C1 control": "\x9f",
    "byte order mark": "\ufeff",
    "zero width space": "\u200b",
    "right-to-left override": "\u202e",
    "line separator": "\u2028",
    "no-break space": "\xa0",
    "replacement character": "\ufffd",
}


@pytest.mark.parametrize("character", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize("field", ["id", "account_id"])
def test_an_id_with_a_character_no_engine_stores_as_sent_is_refused(
    field: str, character: str
) -> None:
    reason = {
        "id": PaymentRejectReason.INVALID_TRANSACTION_ID,
        "account_id": PaymentRejectReason.INVALID_ACCOUNT_ID,
    }[field]
    assert decode({**MESSAGE, field: f"42{character}x"}) == Unanswerable(reason)


def test_a_lone_surrogate_in_an_id_is_refused_not_a_crash() -> None:
    # Python's JSON parser accepts the escape "\ud800" and makes a string no UTF-8 encoder
    # takes: it used to fail every delivery of its batch when the rows were encoded.
    raw = json.dumps(MESSAGE).encode().replace(b"6f1c0c1e", b"6f1c\\ud800")
    assert decode_transaction_record(record(raw)) == Unanswerable(
        PaymentRejectReason.INVALID_TRANSACTION_ID
    )
    pair = json.dumps(MESSAGE).encode().replace(b"6f1c0c1e", b"\\ud83d\\ude00")
    assert decode_transaction_record(record(pair)) == decoded(
        id="\U0001f600-3b7a-4a53-9d9e-2a4f1c9b7e10"
    )


def test_surrounding_spaces_of_an_id_are_dropped_inner_spaces_kept() -> None:
    assert decoded(id="  42 ").id == "42"
    assert decoded(id="a b").id == "a b"


@pytest.mark.parametrize("padded", ["42\x1f", "\t42", "42\n", "42\x85", "\u300042", "42\xa0"])
def test_an_id_padded_with_anything_but_spaces_is_refused_not_merged_with_another(
    padded: str,
) -> None:
    # str.strip() drops these too: "42\x1f" would have been answered as the real 42.
    assert decode({**MESSAGE, "id": padded}) == Unanswerable(
        PaymentRejectReason.INVALID_TRANSACTION_ID
    )


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
        (b"[" * 60_000, PaymentRejectReason.MALFORMED_JSON),
        (b"[1, 2]", PaymentRejectReason.UNKNOWN_FORMAT),
        (b'"text"', PaymentRejectReason.UNKNOWN_FORMAT),
        (b"null", PaymentRejectReason.UNKNOWN_FORMAT),
    ],
)
def test_unreadable_messages_are_unanswerable(value: bytes, reason: PaymentRejectReason) -> None:
    assert decode_transaction_record(record(value)) == Unanswerable(reason)


def test_the_size_limit_is_64_kib() -> None:
    padding = " " * (MAX_TRANSACTION_BYTES - len(json.dumps(MESSAGE).encode()))
    at_limit = (json.dumps(MESSAGE) + padding).encode()
    assert len(at_limit) == MAX_TRANSACTION_BYTES
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
