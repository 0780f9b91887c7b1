"""Rejected messages, reported to a dead-letter topic through the Kafka output binding.

A dead letter is, by default, a **pointer**: its key is the original message's key, its value
says where the message sits and why it was refused, and its headers say the same for tools that
read headers only::

    key     {"id": 42}
    value   {"topic":"customers","partition":3,"offset":41,"reason":"invalid_phone",
             "timestamp":"2026-11-22T12:00:00+00:00"}
    headers x-reject-reason, x-source-topic, x-source-partition, x-source-offset

The original stays on its source topic, where an operator reads it at those coordinates while the
topic's retention keeps it (``timestamp`` is the source record's own, which tells how long that
is). A copy would be one more place holding the customer's CPF, e-mail and address, or a card
number and CVV, with its own retention and readers: exactly what LGPD (and PCI DSS for cards)
asks us not to make. The customer function copies the original value only when
``KAFKA_DEAD_LETTER_VALUE=original`` says so (docs/operations.md, "Dead-letter topic"); the
payment function never does.

The output binding takes a JSON array of ``{"Key", "Value", "Headers"}`` objects, header values
as text (the Kafka extension's own samples do the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

import orjson

from service.stream.records import Positioned, StreamRecord

REASON_HEADER = "x-reject-reason"
SOURCE_TOPIC_HEADER = "x-source-topic"
SOURCE_PARTITION_HEADER = "x-source-partition"
SOURCE_OFFSET_HEADER = "x-source-offset"


class DeadLetterValue(StrEnum):
    """What a dead letter's value holds: ``KAFKA_DEAD_LETTER_VALUE``."""

    POINTER = "pointer"  # where the message is and why it was refused; nothing of its content
    ORIGINAL = "original"  # the original value, unchanged, so that it can be re-driven


class RejectedAt(Positioned, Protocol):
    """Where a refused message sits and why: every consumer's reject records have this shape."""

    @property
    def reason(self) -> str: ...


def dead_letter_payload(
    records: Sequence[StreamRecord],
    rejects: Sequence[RejectedAt],
    value: DeadLetterValue = DeadLetterValue.POINTER,
) -> str | None:
    """The output binding's payload for these rejects, or None when there is nothing to send."""
    if not rejects:
        return None
    by_position = {(r.topic, r.partition, r.offset): r for r in records}
    letters = [
        _letter(by_position[(r.topic, r.partition, r.offset)], str(r.reason), value)
        for r in rejects
    ]
    return orjson.dumps(letters).decode()


def dead_letter_headers(
    reason: str, topic: str, partition: int, offset: int
) -> list[dict[str, str]]:
    """Why a message was rejected and where it sits, as the output binding's text headers."""
    return [
        {"Key": REASON_HEADER, "Value": reason},
        {"Key": SOURCE_TOPIC_HEADER, "Value": topic},
        {"Key": SOURCE_PARTITION_HEADER, "Value": str(partition)},
        {"Key": SOURCE_OFFSET_HEADER, "Value": str(offset)},
    ]


def _letter(record: StreamRecord, reason: str, value: DeadLetterValue) -> dict[str, object]:
    return {
        "Key": _text(record.key),
        "Value": _text(record.value)
        if value is DeadLetterValue.ORIGINAL
        else _pointer(record, reason),
        "Headers": dead_letter_headers(reason, record.topic, record.partition, record.offset),
    }


def _pointer(record: StreamRecord, reason: str) -> str:
    return orjson.dumps(
        {
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "reason": reason,
            "timestamp": record.timestamp.isoformat() if record.timestamp is not None else None,
        }
    ).decode()


def _text(raw: bytes | str | None) -> str | None:
    # The trigger's string binding delivered the message as text; bytes decode as they came.
    if raw is None or isinstance(raw, str):
        return raw
    return raw.decode("utf-8", errors="replace")
