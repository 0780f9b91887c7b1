"""A batch from the Functions Kafka trigger, as stream records.

With ``data_type="string"`` and ``cardinality="many"`` the Kafka extension hands each message to
the worker as a JSON envelope, ``{"Offset":..,"Partition":..,"Topic":..,"Timestamp":..,"Key":..,
"Value":"<message>","Headers":[..]}``: the message itself is the string in ``Value``, handed on
as that text (never encoded again only to be parsed), and a tombstone keeps a ``null`` there (a
"binary" batch could not tell null from empty). The
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
    """Turn the trigger's events into stream records, keeping the delivery order.

    These are the records the services read: no service reads a record's timestamp, so it is
    left out (parsing it cost a third of a microsecond a message); the dead letters' records,
    ``stream_records_at``, carry it.
    """
    return list(map(_stream_record, events))


def iter_stream_records(events: Sequence[func.KafkaEvent]) -> Iterator[StreamRecord]:
    """The same records one at a time, so that each one's bytes can go once it is decoded."""
    return map(_stream_record, events)


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
            record = _stream_record(event, timestamp=True)  # only the envelope says where
            if (record.topic, record.partition, record.offset) not in positions:
                continue
            if not with_values:
                record = replace(record, value=None)
        elif (topic, partition, offset) not in positions:
            continue
        elif with_values:
            record = _stream_record(event, timestamp=True)
        else:
            record = StreamRecord(
                topic, partition, offset, event.key, None, _event_timestamp(event)
            )
        found.append(record)
    return found


def event_timestamps(events: Sequence[func.KafkaEvent]) -> Iterator[datetime | None]:
    """When each message was written to Kafka, as its trigger metadata says."""
    return map(_event_timestamp, events)


def _stream_record(event: func.KafkaEvent, *, timestamp: bool = False) -> StreamRecord:
    # Once per message: one parse of the envelope, each field read once, no intermediate objects.
    body = event.get_body()
    topic: object = event.topic
    partition: object = event.partition
    offset: object = event.offset
    # The extension's envelope, unless the body is the bare message (a "binary" binding).
    envelope: object = None
    if body.startswith(b"{"):
        try:
            envelope = orjson.loads(body)
        except orjson.JSONDecodeError:
            envelope = None
    if type(envelope) is dict and "Offset" in envelope and "Value" in envelope:
        raw = envelope["Value"]
        value: bytes | str | None = raw if type(raw) is str else _message_value(raw)
        # The metadata arrays are authoritative; the envelope backs them up.
        if topic is None:
            topic = envelope.get("Topic")
        if partition is None:
            partition = envelope.get("Partition")
        if offset is None:
            offset = envelope["Offset"]
    else:
        value = body
    if type(topic) is not str or type(partition) is not int or type(offset) is not int:
        topic, partition, offset = _checked_coordinates(topic, partition, offset)
    return StreamRecord(
        topic, partition, offset, event.key, value, _event_timestamp(event) if timestamp else None
    )


def _checked_coordinates(topic: object, partition: object, offset: object) -> tuple[str, int, int]:
    """The coordinates of a record, where they are not plainly a string and two integers."""
    if not isinstance(topic, str) or not isinstance(partition, int) or not isinstance(offset, int):
        # Without coordinates a message can be neither committed nor found again: that is a host
        # or binding fault, never a data problem, so the batch must fail loudly.
        raise TypeError("a Kafka event arrived without topic, partition and offset")
    return topic, partition, offset


def _message_value(value: object) -> str | None:
    if value is None or type(value) is str:
        return value
    # An extension that inlines JSON values would hand us an object: keep its text equivalent.
    return orjson.dumps(value).decode()


def _event_timestamp(event: func.KafkaEvent) -> datetime | None:
    raw = event.timestamp
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None
