"""Kafka message bytes to the customer domain's input, whichever producer wrote them.

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
from adapters.customers.formats.fields import is_connect_wrapper
from adapters.settings import DEFAULT_UNAVAILABLE_PLACEHOLDER
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from service.stream.records import StreamRecord, Tombstone

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 1_048_576  # Kafka's default message.max.bytes is about this size

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
        self._shapes = _shapes(debezium.unavailable_values(unavailable_placeholder))
        # The Connect schemas seen lately, so that their bytes are not parsed again.
        self._schemas = SchemaPrefixes()

    def __call__(self, record: StreamRecord) -> CustomerChange | Rejection | Tombstone:
        """Decode one customer message; oversized, unreadable and unknown ones are rejected."""
        return decode_with_schemas(record, self._schemas, self._shapes)


# With Debezium's default placeholder: tools, tests and the naive benchmark baseline.
decode_customer_record = CustomerDecoder()


def decode_with_schemas(
    record: StreamRecord, schemas: SchemaPrefixes, shapes: _Shapes = _DEFAULT_SHAPES
) -> CustomerChange | Rejection | Tombstone:
    """A decoder's work, with the Connect schemas known so far (and learning more)."""
    value = record.value
    if value is None:
        return Tombstone()
    if len(value) > MAX_MESSAGE_BYTES:
        return Rejection(RejectReason.OVERSIZED)
    payload = schemas.payload(value)
    if payload is _UNKNOWN:
        try:
            message = orjson.loads(value)
        except orjson.JSONDecodeError:
            return Rejection(RejectReason.MALFORMED_JSON)
        wrapped = is_connect_wrapper(message)
        if wrapped:
            schemas.learn(value, message["schema"])
            payload = message["payload"]
        else:
            payload = message
    else:
        wrapped = True
    if wrapped and payload is None:
        return Tombstone()  # the JsonConverter's rendering of a tombstone
    try:
        return _decode_shape(payload, record, shapes)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # A decoder rejects what it knows to be wrong; this catches what nobody foresaw, so that
        # one message can never fail every redelivery of its batch and stall the partition.
        logger.warning(
            "unforeseen message content rejected",
            extra={"error_type": type(error).__name__, "offset": record.offset},
        )
        return Rejection(RejectReason.INVALID_FIELD)


def _decode_shape(
    message: object, record: StreamRecord, shapes: _Shapes
) -> CustomerChange | Rejection:
    if isinstance(message, dict):
        for matches, decode in shapes:
            if matches(message):
                return decode(message, record)
    # A literal JSON null is not a tombstone either: a real tombstone has no value at all.
    return Rejection(RejectReason.UNKNOWN_FORMAT)
