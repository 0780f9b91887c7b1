"""What every message goes through before its shape is known, and what no decoded change carries."""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.customers.formats import MAX_MESSAGE_BYTES, decode_customer_record
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from service.stream.records import Tombstone
from tests.customers.formats.format_records import record_of

CANONICAL: dict[str, Any] = {
    "customer_id": "7",
    "version": 1,
    "name": "Ana Lima",
    "phone": "11987654321",
}
LEGACY: dict[str, Any] = {"CD_CLIENTE": "7", "NM_CLIENTE": "Ana Lima", "TEL_CLIENTE": "11987654321"}
DEBEZIUM: dict[str, Any] = {
    "before": None,
    "after": {"id": 7, "name": "Ana Lima", "phone": "11987654321"},
    "source": {"connector": "postgresql", "ts_ms": 1717000000000, "lsn": 24023128},
    "op": "c",
}
DECODER_REASONS = {
    RejectReason.OVERSIZED,
    RejectReason.MALFORMED_JSON,
    RejectReason.UNKNOWN_FORMAT,
    RejectReason.INVALID_FIELD,
    RejectReason.INVALID_CUSTOMER_ID,
    RejectReason.INVALID_VERSION,
    RejectReason.UNSUPPORTED_OPERATION,
}


def test_record_without_value_is_a_tombstone() -> None:
    assert decode_customer_record(record_of(None, key={"id": 7})) == Tombstone()


def padded_to(size: int) -> bytes:
    """A valid event of exactly ``size`` bytes, padded in a field the decoder ignores."""
    unpadded = orjson.dumps(CANONICAL | {"address": ""})
    return orjson.dumps(CANONICAL | {"address": "x" * (size - len(unpadded))})


def test_message_of_exactly_one_mebibyte_is_decoded() -> None:
    value = padded_to(MAX_MESSAGE_BYTES)

    assert len(value) == 1_048_576
    assert isinstance(decode_customer_record(record_of(value)), CustomerChange)


def test_message_one_byte_over_one_mebibyte_is_rejected() -> None:
    value = padded_to(MAX_MESSAGE_BYTES + 1)

    assert decode_customer_record(record_of(value)) == Rejection(RejectReason.OVERSIZED)


def text_padded_to(size: int, character: str) -> str:
    """A valid event as text whose UTF-8 is ``size`` bytes, padded with ``character``."""
    unpadded = len(orjson.dumps(CANONICAL | {"address": ""}))
    width = len(character.encode())
    padding = character * ((size - unpadded) // width) + "x" * ((size - unpadded) % width)
    return orjson.dumps(CANONICAL | {"address": padding}).decode()


@pytest.mark.parametrize("character", ["x", "\u00e3", "\u20ac", "\U0001f600"])
def test_text_is_measured_in_utf8_bytes_not_characters(character: str) -> None:
    # The string binding hands the message over as text: one to four bytes a character.
    at_limit = text_padded_to(MAX_MESSAGE_BYTES, character)
    over = text_padded_to(MAX_MESSAGE_BYTES + 1, character)

    assert len(over.encode()) == MAX_MESSAGE_BYTES + 1
    assert isinstance(decode_customer_record(record_of(at_limit)), CustomerChange)
    assert decode_customer_record(record_of(over)) == Rejection(RejectReason.OVERSIZED)


def test_text_with_a_lone_surrogate_is_measured_without_failing() -> None:
    # No JSON parser hands one over, but a record built elsewhere could hold it.
    value = text_padded_to(MAX_MESSAGE_BYTES - 2, "\u00e3")[:-2] + '\ud800"}'

    assert decode_customer_record(record_of(value)) == Rejection(RejectReason.OVERSIZED)


@pytest.mark.parametrize(
    "value",
    [
        b"",
        b"{",
        b'{"customer_id": "7",}',
        b"\xff\xfe{}",
        '{"customer_id": "7", "name": "Jo\u00e3o"}'.encode("latin-1"),
        b"NaN",
    ],
)
def test_unreadable_json_is_rejected(value: bytes) -> None:
    assert decode_customer_record(record_of(value)) == Rejection(RejectReason.MALFORMED_JSON)


@pytest.mark.parametrize(
    "value",
    [b"null", b"[]", b"42", b'"customer"', b"{}", b'{"id": 7, "name": "Ana"}', b'[{"id":7}]'],
)
def test_messages_of_no_known_shape_are_rejected(value: bytes) -> None:
    assert decode_customer_record(record_of(value)) == Rejection(RejectReason.UNKNOWN_FORMAT)


@pytest.mark.parametrize("message", [CANONICAL, LEGACY, DEBEZIUM])
def test_every_shape_is_accepted_inside_a_connect_schema_wrapper(message: Any) -> None:
    wrapped = {"schema": {"type": "struct", "optional": False}, "payload": message}

    assert decode_customer_record(record_of(wrapped)) == decode_customer_record(record_of(message))


@pytest.mark.parametrize(
    "message",
    [
        CANONICAL | {"customer_id": " 0007 "},
        LEGACY | {"CD_CLIENTE": 7},
        DEBEZIUM | {"after": DEBEZIUM["after"] | {"id": "007"}},
    ],
)
def test_one_customer_has_one_id_whatever_the_shape(message: Any) -> None:
    change = decode_customer_record(record_of(message))

    assert isinstance(change, CustomerChange)
    assert change.customer_id == "7"


def test_longest_customer_id_is_kept_as_sent() -> None:
    change = decode_customer_record(record_of(CANONICAL | {"customer_id": "C-" + "9" * 62}))

    assert isinstance(change, CustomerChange)
    assert change.customer_id == "C-" + "9" * 62


PERSONAL = {
    "cpf": "123.456.789-09",
    "email": "ana.lima@example.com.br",
    "address": "Rua das Acácias, 12",
    "birth_date": "1990-01-31",
    "city": "Campinas",
    "zip": "13010-000",
}


@pytest.mark.parametrize(
    "message",
    [
        CANONICAL | PERSONAL,
        LEGACY | {"CD_CPF_CLIENTE": PERSONAL["cpf"], "DT_CADASTRO": PERSONAL["birth_date"]},
        DEBEZIUM | {"after": DEBEZIUM["after"] | PERSONAL},
    ],
)
def test_decoded_changes_carry_no_cpf_email_or_address(message: Any) -> None:
    change = decode_customer_record(record_of(message))

    assert isinstance(change, CustomerChange)
    fields = {field.name for field in dataclasses.fields(change)}
    assert fields.isdisjoint({*PERSONAL, "address", "document", "branch"})
    assert fields == {
        "customer_id",
        "version",
        "deleted",
        "active",
        "telemarketing_opt_out",
        "name",
        "phone",
        "state",
    }
    assert not any(value in repr(change) for value in PERSONAL.values())


def test_rejections_quote_nothing_from_the_message() -> None:
    rejection = decode_customer_record(record_of(CANONICAL | PERSONAL | {"customer_id": []}))

    assert rejection == Rejection(RejectReason.INVALID_CUSTOMER_ID)
    # The customer id, where readable, is the only thing kept of the message (for the data
    # subject report); here it was not readable.
    assert [field.name for field in dataclasses.fields(Rejection)] == [
        "reason",
        "withdraws",
        "customer_id",
    ]
    assert rejection.withdraws is None  # a decoder cannot tell whose message it was


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["A", "I", "c", "u", "d", "r", "00000027:00000758:0005", "2024-01-01T00:00Z"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def messy(*keys: str, **nested: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects holding some of a shape's keys, each with any JSON value."""
    return st.fixed_dictionaries({}, optional=dict.fromkeys(keys, json_values) | nested)


source = messy("commit_lsn", "change_lsn", "event_serial_no", "lsn", "ts_ms") | json_values
row = messy("id", "status", "telemarketing_opt_out", "name") | json_values
messages = (
    messy("op", "before", "after", source=source, after=row, before=row)
    | messy("CD_CLIENTE", "STATUS", "NM_CLIENTE")
    | messy("customer_id", "version", "updated_at", "status", "deleted", "telemarketing_opt_out")
    | json_values
)


@settings(deadline=None, database=None, max_examples=300)
@given(
    message=messages | st.builds(lambda payload: {"schema": {}, "payload": payload}, messages),
    key=json_values,
)
def test_any_json_message_is_decoded_or_rejected_never_raises(message: Any, key: Any) -> None:
    if isinstance(message, dict) and "op" in message:
        message.setdefault("source", {"ts_ms": 1})
    outcome = decode_customer_record(record_of(orjson.dumps(message), key=orjson.dumps(key)))

    assert isinstance(outcome, CustomerChange | Rejection | Tombstone)
    if isinstance(outcome, Rejection):
        assert outcome.reason in DECODER_REASONS


@settings(deadline=None, database=None)
@given(value=st.binary(max_size=64))
def test_any_bytes_are_decoded_or_rejected_never_raise(value: bytes) -> None:
    outcome = decode_customer_record(record_of(value))

    assert isinstance(outcome, CustomerChange | Rejection)
