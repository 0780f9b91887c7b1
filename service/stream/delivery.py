"""A delivered batch against the offsets already applied: what is new, what is a redelivery.

Kafka delivers at least once. A consumer that stores the last applied offset of each partition
with its writes, in one transaction, recognises every record at or below it as applied already,
and every repeat within the batch; what is left is applied once. This is that sorting, for any
consumer's records: it needs only their positions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

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

    One pass, with one plain list of state per partition: this runs for every record, and a
    ``Partition``, a tuple or a dictionary lookup per record costs more than the rest of the
    loop. A partition's offsets normally arrive in increasing order, so a record newer than
    every fresh one before it cannot be a repeat; the offsets seen are only collected, and
    then kept, once a partition's offsets go back.
    """
    last_applied = {(p.topic, p.partition): offset for p, offset in applied.items()}
    # Per partition: [first offset, last offset, last applied, newest fresh, offsets seen].
    streams: dict[tuple[str, int], list[Any]] = {}
    replayed: set[tuple[str, int, int]] = set()
    fresh: list[PositionedT] = []
    for item in items:
        stream, offset = (item.topic, item.partition), item.offset
        state = streams.get(stream)
        if state is None:
            state = streams[stream] = [offset, offset, last_applied.get(stream, -1), -1, None]
        elif offset > state[1]:
            state[1] = offset
        elif offset < state[0]:
            state[0] = offset
        if offset <= state[2]:
            replayed.add((*stream, offset))
            continue
        if offset > state[3]:
            state[3] = offset
            if state[4] is not None:
                state[4].add(offset)
        else:
            seen = state[4]
            if seen is None:  # the first step back: the fresh offsets of this partition so far
                seen = state[4] = {f.offset for f in fresh if (f.topic, f.partition) == stream}
            if offset in seen:
                continue
            seen.add(offset)
        fresh.append(item)
    return Delivery(
        fresh,
        {Partition(*stream): (state[0], state[1]) for stream, state in streams.items()},
        {Partition(*stream): state[3] for stream, state in streams.items() if state[3] >= 0},
        replayed,
        _spans(replayed),
    )


def _spans(positions: set[tuple[str, int, int]]) -> dict[Partition, tuple[int, int]]:
    """The first and last offset of these positions, per partition."""
    spans: dict[Partition, tuple[int, int]] = {}
    for topic, partition, offset in positions:
        first, last = spans.get(Partition(topic, partition), (offset, offset))
        spans[Partition(topic, partition)] = (min(first, offset), max(last, offset))
    return spans
