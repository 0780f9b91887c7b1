"""A batch from the Functions Kafka trigger, as stream records.

With ``data_type="string"`` and ``cardinality="many"`` the Kafka extension hands each message to
the worker as a JSON envelope, ``{"Offset":..,"Partition":..,"Topic":..,"Timestamp":..,"Key":..,
"Value":"<message>","Headers":[..]}``: the message itself is the string in ``Value``, and a
tombstone keeps a ``null`` there (a "binary" batch could not tell null from empty). The
coordinates come from the trigger metadata that ``KafkaTriggerConverter`` put on each event.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime

import azure.functions as func
import orjson

from service.stream.records import StreamRecord


def stream_records(events: Sequence[func.KafkaEvent]) -> list[StreamRecord]:
    """Turn the trigger's events into stream records, keeping the delivery order."""
    return [_stream_record(event) for event in events]


def iter_stream_records(events: Sequence[func.KafkaEvent]) -> Iterator[StreamRecord]:
    """The same records one at a time, so that each one's bytes can go once it is decoded."""
    return (_stream_record(event) for event in events)


def stream_records_at(
    events: Sequence[func.KafkaEvent],
    positions: Collection[tuple[str, int, int]],
    *,
    with_values: bool,
) -> list[StreamRecord]:
    """The records at these (topic, partition, offset) positions, in delivery order: for the
    few messages a batch reports, built again from the events the worker still holds. Without
    their values, only the trigger metadata is read: no message body is copied."""
    found = []
    for event in events:
        topic, partition, offset = event.topic, event.partition, event.offset
        if topic is None or partition is None or offset is None:
            record = _stream_record(event)  # only the envelope says where it is
            if (record.topic, record.partition, record.offset) not in positions:
                continue
            if not with_values:
                record = replace(record, value=None)
        elif (topic, partition, offset) not in positions:
            continue
        elif with_values:
            record = _stream_record(event)
        else:
            key = event.key
            record = StreamRecord(
                topic,
                partition,
                offset,
                key.encode() if key is not None else None,
                None,
                _timestamp(event.timestamp),
            )
        found.append(record)
    return found


def event_timestamps(events: Sequence[func.KafkaEvent]) -> Iterator[datetime | None]:
    """When each message was written to Kafka, as its trigger metadata says."""
    return (_timestamp(event.timestamp) for event in events)


def _stream_record(event: func.KafkaEvent) -> StreamRecord:
    # Once per message: one parse of the envelope, each field read once, no intermediate objects.
    body = event.get_body()
    topic: object = event.topic
    partition: object = event.partition
    offset: object = event.offset
    envelope = _envelope(body)
    if envelope is None:
        value: bytes | None = body
    else:
        raw = envelope["Value"]
        value = raw.encode() if type(raw) is str else _message_value(raw)
        # The metadata arrays are authoritative; the envelope backs them up.
        if topic is None:
            topic = envelope.get("Topic")
        if partition is None:
            partition = envelope.get("Partition")
        if offset is None:
            offset = envelope["Offset"]
    if type(topic) is not str or type(partition) is not int or type(offset) is not int:
        topic, partition, offset = _checked_coordinates(topic, partition, offset)
    key = event.key
    return StreamRecord(
        topic,
        partition,
        offset,
        None if key is None else key.encode(),
        value,
        _timestamp(event.timestamp),
    )


def _checked_coordinates(topic: object, partition: object, offset: object) -> tuple[str, int, int]:
    """The coordinates of a record, where they are not plainly a string and two integers."""
    if not isinstance(topic, str) or not isinstance(partition, int) or not isinstance(offset, int):
        # Without coordinates a message can be neither committed nor found again: that is a host
        # or binding fault, never a data problem, so the batch must fail loudly.
        raise TypeError("a Kafka event arrived without topic, partition and offset")
    return topic, partition, offset


def _envelope(body: bytes) -> dict[str, object] | None:
    """The extension's envelope, or None when the body is the bare message (a "binary" binding)."""
    if not body.startswith(b"{"):
        return None
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if type(parsed) is dict and "Offset" in parsed and "Value" in parsed:
        return parsed
    return None


def _message_value(value: object) -> bytes | None:
    if value is None:
        return None
    if type(value) is str:
        return value.encode()
    # An extension that inlines JSON values would hand us an object: keep its bytes equivalent.
    return orjson.dumps(value)


def _timestamp(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None
