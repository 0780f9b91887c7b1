"""A delivered batch against the offsets already applied: what is new, what is a redelivery.

Kafka delivers at least once. A consumer that stores the last applied offset of each partition
with its writes, in one transaction, recognises every record at or below it as applied already,
and every repeat within the batch; what is left is applied once. This is that sorting, for any
consumer's records: it needs only their positions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from service.stream.records import Partition, Positioned

PositionedT = TypeVar("PositionedT", bound=Positioned)


@dataclass(frozen=True, slots=True)
class Delivery(Generic[PositionedT]):
    fresh: list[PositionedT]  # records not applied yet, each once, in delivery order
    spans: dict[Partition, tuple[int, int]]  # first and last offset delivered, per partition
    advanced: dict[Partition, int]  # the last fresh offset, per partition that has one
    # Records an earlier delivery applied: their positions, and the span of their offsets per
    # partition, where that delivery's rejects are to be found again.
    replayed: set[tuple[str, int, int]]
    replayed_spans: dict[Partition, tuple[int, int]]


def sort_by_offsets(
    items: Sequence[PositionedT], applied: Mapping[Partition, int]
) -> Delivery[PositionedT]:
    """Drop records at or below their partition's stored offset, and repeats within the batch.

    One pass, with plain tuples and lists as keys and spans: this runs for every record, and a
    ``Partition`` or a new span tuple per record costs more than the rest of the loop.
    """
    last_applied = {(p.topic, p.partition): offset for p, offset in applied.items()}
    spans: dict[tuple[str, int], list[int]] = {}
    newest_fresh: dict[tuple[str, int], int] = {}
    seen: set[tuple[str, int, int]] = set()
    replayed: set[tuple[str, int, int]] = set()
    fresh: list[PositionedT] = []
    for item in items:
        stream, offset = (item.topic, item.partition), item.offset
        span = spans.get(stream)
        if span is None:
            spans[stream] = [offset, offset]
        elif offset > span[1]:
            span[1] = offset
        elif offset < span[0]:
            span[0] = offset
        position = (*stream, offset)
        if offset <= last_applied.get(stream, -1):
            replayed.add(position)
            continue
        if position in seen:
            continue
        seen.add(position)
        fresh.append(item)
        if offset > newest_fresh.get(stream, -1):
            newest_fresh[stream] = offset
    replayed_spans: dict[Partition, tuple[int, int]] = {}
    for topic, partition, offset in replayed:
        first, last = replayed_spans.get(Partition(topic, partition), (offset, offset))
        replayed_spans[Partition(topic, partition)] = (min(first, offset), max(last, offset))
    return Delivery(
        fresh,
        {Partition(*stream): (first, last) for stream, (first, last) in spans.items()},
        {Partition(*stream): last for stream, last in newest_fresh.items()},
        replayed,
        replayed_spans,
    )
