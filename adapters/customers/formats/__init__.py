"""Kafka messages (text or bytes) to the customer domain's input, whichever producer wrote them.

Three shapes are accepted (docs/message-formats.md, "The customer topic"): Debezium change
events, the legacy flat format and our own customer event v1. A decoder never raises on bad input
and never quotes it: a message it cannot use becomes a ``Rejection`` carrying a reason code only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import partial

import orjson

from adapters.customers.formats import canonical, debezium, legacy
from adapters.customers.formats.connect import UNKNOWN as _UNKNOWN
from adapters.customers.formats.connect import SchemaPrefixes
from adapters.settings import DEFAULT_UNAVAILABLE_PLACEHOLDER
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from service.stream.records import StreamRecord, Tombstone, larger_than

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1_048_576  # Kafka's default message.max.bytes is about this size
_MAX_CHARACTERS = MAX_MESSAGE_BYTES // 4  # no longer text can be larger

_Matcher = Callable[[Mapping[str, object]], bool]
_Decoder = Callable[[Mapping[str, object], StreamRecord], CustomerChange | Rejection]

_Shapes = tuple[tuple[_Matcher, _Decoder], ...]


def _shapes(unavailable: frozenset[str]) -> _Shapes:
    """The first shape whose keys match decodes the message."""
    return (
        (debezium.matches, partial(debezium.decode, unavailable=unavailable)),
        (legacy.matches, legacy.decode),
        (canonical.matches, canonical.decode),
    )


_DEFAULT_SHAPES = _shapes(debezium.DEFAULT_UNAVAILABLE_VALUES)

__all__ = ["MAX_MESSAGE_BYTES", "CustomerDecoder", "decode_customer_record"]


class CustomerDecoder:
    """Decodes customer messages of every shape, for Debezium connectors configured with
    ``unavailable.value.placeholder=<unavailable_placeholder>``."""

    def __init__(self, unavailable_placeholder: str = DEFAULT_UNAVAILABLE_PLACEHOLDER) -> None:
        # The Connect schemas seen lately, so that their bytes are not parsed again.
        schemas = SchemaPrefixes()
        shapes = _shapes(debezium.unavailable_values(unavailable_placeholder))
        # ``decode`` is what the projection calls once per message: the work itself, its
        # arguments bound in C, with no Python call of ours in between.
        self.decode: Callable[[StreamRecord], CustomerChange | Rejection | Tombstone] = partial(
            decode_with_schemas, schemas=schemas, shapes=shapes
        )

    def __call__(self, record: StreamRecord) -> CustomerChange | Rejection | Tombstone:
        """Decode one customer message; oversized, unreadable and unknown ones are rejected."""
        return self.decode(record)


def decode_with_schemas(  # noqa: C901, PLR0911 - every message's path, in one Python frame
    record: StreamRecord, schemas: SchemaPrefixes, shapes: _Shapes = _DEFAULT_SHAPES
) -> CustomerChange | Rejection | Tombstone:
    """A decoder's work, with the Connect schemas known so far (and learning more)."""
    value = record.value
    if value is None:
        return Tombstone()
    # Four bytes at most a character: only a long message is measured exactly.
    if len(value) > _MAX_CHARACTERS and larger_than(value, MAX_MESSAGE_BYTES):
        return Rejection(RejectReason.OVERSIZED)
    payload = schemas.payload(value)
    if payload is _UNKNOWN:
        try:
            message = orjson.loads(value)
        except orjson.JSONDecodeError:
            return Rejection(RejectReason.MALFORMED_JSON)
        # is_connect_wrapper, inline
        wrapped = type(message) is dict and "schema" in message and "payload" in message
        if wrapped:
            schemas.learn(value, message["schema"])
            payload = message["payload"]
        else:
            payload = message
    else:
        wrapped = True
    if wrapped and payload is None:
        return Tombstone()  # the JsonConverter's rendering of a tombstone
    # A literal JSON null is not a tombstone either: a real tombstone has no value at all.
    if type(payload) is not dict:
        return Rejection(RejectReason.UNKNOWN_FORMAT)
    try:
        # The first shape whose keys match decodes the message.
        for matches, decode in shapes:
            if matches(payload):
                return decode(payload, record)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # A decoder rejects what it knows to be wrong; this catches what nobody foresaw, so that
        # one message can never fail every redelivery of its batch and stall the partition.
        logger.warning(
            "unforeseen message content rejected",
            extra={"error_type": type(error).__name__, "offset": record.offset},
        )
        return Rejection(RejectReason.INVALID_FIELD)
    return Rejection(RejectReason.UNKNOWN_FORMAT)


# With Debezium's default placeholder: tools, tests and the naive benchmark baseline.
decode_customer_record = CustomerDecoder()
