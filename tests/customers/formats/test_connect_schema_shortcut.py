"""A Connect schema seen once is not parsed again, and messages read exactly as if it were.

``decode_with_schemas`` with a fresh ``SchemaPrefixes`` parses every message whole; once it has
seen a schema, later messages that begin with the same schema bytes are parsed from their payload
on. Whatever follows the schema, valid or not, both must decode a message alike.
"""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.customers.formats import decode_with_schemas
from adapters.customers.formats.connect import UNKNOWN, SchemaPrefixes
from domain.customers.changes import CustomerChange
from service.stream.records import StreamRecord

# The shape of Debezium's value schema: a few kilobytes that every message of the topic repeats.
SCHEMA = {
    "type": "struct",
    "name": "bank1.public.customers.Envelope",
    "optional": False,
    "fields": [
        {"field": name, "type": "string", "optional": True}
        for name in ("id", "name", "cpf", "email", "phone", "state", "city", "zip", "status")
    ],
}
PAYLOAD = {
    "before": None,
    "after": {"id": 7, "name": "Ana Lima", "phone": "11987654321", "status": "A"},
    "source": {"connector": "postgresql", "ts_ms": 1717000000000, "lsn": 24023128},
    "op": "c",
}
PREFIX = b'{"schema":' + orjson.dumps(SCHEMA) + b',"payload":'
KEY = orjson.dumps({"id": 7})


def record(value: bytes) -> StreamRecord:
    return StreamRecord("bank1.public.customers", 0, 42, KEY, value)


def primed() -> SchemaPrefixes:
    schemas = SchemaPrefixes()
    decode_with_schemas(record(PREFIX + orjson.dumps(PAYLOAD) + b"}"), schemas)
    return schemas


def test_a_schema_seen_once_is_skipped_afterwards() -> None:
    schemas = primed()
    value = PREFIX + orjson.dumps(PAYLOAD | {"op": "u"}) + b"}"

    assert schemas.payload(value) == PAYLOAD | {"op": "u"}
    assert SchemaPrefixes().payload(value) is UNKNOWN
    assert isinstance(decode_with_schemas(record(value), schemas), CustomerChange)


def test_a_small_schema_is_not_worth_remembering() -> None:
    schemas = SchemaPrefixes()
    small = b'{"schema":{"type":"struct"},"payload":' + orjson.dumps(PAYLOAD) + b"}"
    decode_with_schemas(record(small), schemas)

    assert schemas.payload(small) is UNKNOWN


def test_a_schema_spelled_differently_from_compact_json_is_not_remembered() -> None:
    schemas = SchemaPrefixes()
    spaced = b'{"schema": ' + orjson.dumps(SCHEMA) + b', "payload": ' + orjson.dumps(PAYLOAD) + b"}"
    decode_with_schemas(record(spaced), schemas)

    assert schemas.payload(spaced) is UNKNOWN


def assert_read_alike(tail: bytes) -> None:
    value = PREFIX + tail
    assert decode_with_schemas(record(value), primed()) == decode_with_schemas(
        record(value), SchemaPrefixes()
    )


_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63), st.text(max_size=6)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
_payloads = st.one_of(
    _json,
    st.builds(
        lambda op, after: PAYLOAD | {"op": op, "after": after},
        st.sampled_from(["c", "u", "r", "d", "t", 1]),
        _json,
    ),
    st.just(PAYLOAD),
    st.just(None),
)
_after_payload = st.sampled_from(
    [
        b"}",
        b" }",
        b"}\n",
        b"} ",
        b"}}",
        b"} x",
        b"",
        b',"payload":null}',
        b',"payload":{"customer_id":"9","version":1}}',
        b',"schema":null}',
        b',"x":[1,2]}',
        b",}",
        b"\xff}",
    ]
)


@settings(max_examples=500)
@given(_payloads, _after_payload)
def test_any_payload_and_ending_reads_as_the_whole_message_does(
    payload: object, ending: bytes
) -> None:
    assert_read_alike(orjson.dumps(payload) + ending)


@settings(max_examples=300)
@given(st.binary(max_size=40))
def test_any_bytes_after_the_schema_read_as_the_whole_message_does(tail: bytes) -> None:
    assert_read_alike(tail)


@given(st.integers(0, 120))
def test_a_message_cut_anywhere_reads_as_the_whole_message_does(cut: int) -> None:
    assert_read_alike((orjson.dumps(PAYLOAD) + b"}")[:cut])


@pytest.mark.parametrize("depth", [1022, 1023, 1024])
def test_nesting_at_the_parsers_depth_limit_reads_as_the_whole_message_does(depth: int) -> None:
    assert_read_alike(b"[" * depth + b"]" * depth + b"}")


def test_invalid_utf8_in_the_payload_reads_as_the_whole_message_does() -> None:
    assert_read_alike(b'{"op":"c","source":{"ts_ms":1},"after":{"id":7,"name":"\xe3o"}}}')


# The string binding delivers each message as text: the same shortcut, read in characters.
TEXT_PREFIX = PREFIX.decode()


def text_record(value: str) -> StreamRecord:
    return StreamRecord("bank1.public.customers", 0, 42, KEY, value)


def primed_with_text() -> SchemaPrefixes:
    schemas = SchemaPrefixes()
    decode_with_schemas(text_record(TEXT_PREFIX + orjson.dumps(PAYLOAD).decode() + "}"), schemas)
    return schemas


def test_a_schema_seen_once_in_text_is_skipped_afterwards() -> None:
    schemas = primed_with_text()
    value = TEXT_PREFIX + orjson.dumps(PAYLOAD | {"op": "u"}).decode() + "}"

    assert schemas.payload(value) == PAYLOAD | {"op": "u"}
    assert schemas.payload(value.encode()) is UNKNOWN  # learned as text, not as bytes
    assert isinstance(decode_with_schemas(text_record(value), schemas), CustomerChange)


@settings(max_examples=500)
@given(_payloads, _after_payload, st.text(max_size=8))
def test_any_text_after_the_schema_reads_as_the_whole_message_does(
    payload: object, ending: bytes, extra: str
) -> None:
    tail = orjson.dumps(payload).decode() + ending.decode("utf-8", errors="replace") + extra
    value = TEXT_PREFIX + tail
    assert decode_with_schemas(text_record(value), primed_with_text()) == decode_with_schemas(
        text_record(value), SchemaPrefixes()
    )
