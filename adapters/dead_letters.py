"""Rejected messages, re-published to a dead-letter topic through the Kafka output binding.

Each dead letter carries the original key and value unchanged, so it can be re-driven to the
customer topic once the cause is fixed, and headers saying why and where it came from. The
output binding takes a JSON array of ``{"Key", "Value", "Headers"}`` objects, header values as
text (the Kafka extension's own samples do the same).

The value is the customer's original message: the dead-letter topic holds personal data exactly
as the customer topic does, and needs the same access control and retention.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from service.ports import RejectedRecord
from service.records import StreamRecord

REASON_HEADER = "x-reject-reason"
SOURCE_TOPIC_HEADER = "x-source-topic"
SOURCE_PARTITION_HEADER = "x-source-partition"
SOURCE_OFFSET_HEADER = "x-source-offset"


def dead_letter_payload(
    records: Sequence[StreamRecord], rejects: Sequence[RejectedRecord]
) -> str | None:
    """The output binding's payload for these rejects, or None when there is nothing to send."""
    if not rejects:
        return None
    by_position = {(r.topic, r.partition, r.offset): r for r in records}
    letters = []
    for reject in rejects:
        record = by_position[(reject.topic, reject.partition, reject.offset)]
        letters.append(
            {
                "Key": _text(record.key),
                "Value": _text(record.value),
                "Headers": dead_letter_headers(
                    str(reject.reason), reject.topic, reject.partition, reject.offset
                ),
            }
        )
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


def _text(raw: bytes | None) -> str | None:
    # The trigger's string binding delivered these bytes as UTF-8 text: they decode as they came.
    return raw.decode("utf-8", errors="replace") if raw is not None else None
