"""A topic on disk: the generator's messages written once, then streamed back in batches.

Generating an event costs more than projecting it, and the generator's memory grows with its
customers. Writing the stream to a file first keeps both out of the measured process, which reads
the messages back one batch at a time, as a consumer reads a partition: memory stays flat in the
number of events. Every configuration reads a prefix of the same file, so all of them see the
same events in the same order.

Record layout: partition (int32), offset (int64), key length and value length (int32, -1 for
none), then the key and value bytes.
"""

from __future__ import annotations

import os
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from demo.functions_host import KafkaMessage

TOPIC = "customers"
_HEADER = struct.Struct("<iqii")
_NONE = -1
_BUFFER = 1 << 20


@dataclass(frozen=True, slots=True)
class Workload:
    """What the generator makes: the same workload gives the same events."""

    customers: int
    partitions: int
    seed: int


def write(path: Path, workload: Workload, events: int) -> None:
    """Generate ``events`` messages into ``path``, offsets numbered per partition."""
    # Imported here: the measured runs only read the spool, and the generator brings Faker.
    from demo.generator import CustomerEventGenerator  # noqa: PLC0415

    generator = CustomerEventGenerator(
        seed=workload.seed, customers=workload.customers, partitions=workload.partitions
    )
    next_offset: Counter[int] = Counter()
    with path.open("wb", buffering=_BUFFER) as spool:
        for message in generator.messages(events):
            offset = next_offset[message.partition]
            next_offset[message.partition] += 1
            key, value = message.key, message.value
            spool.write(
                _HEADER.pack(
                    message.partition,
                    offset,
                    _NONE if key is None else len(key),
                    _NONE if value is None else len(value),
                )
            )
            if key is not None:
                spool.write(key)
            if value is not None:
                spool.write(value)


def holds(path: Path, events: int) -> bool:
    """Whether the spool has at least ``events`` whole messages (headers read, bodies skipped)."""
    size = path.stat().st_size
    with path.open("rb", buffering=_BUFFER) as spool:
        for _ in range(events):
            header = spool.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return False
            _, _, key_length, value_length = _HEADER.unpack(header)
            spool.seek(max(key_length, 0) + max(value_length, 0), os.SEEK_CUR)
        return spool.tell() <= size


def batches(path: Path, events: int, batch_size: int) -> Iterator[list[KafkaMessage]]:
    """The first ``events`` messages of the spool, ``batch_size`` at a time."""
    batch: list[KafkaMessage] = []
    now = datetime.now(UTC)
    with path.open("rb", buffering=_BUFFER) as spool:
        for _ in range(events):
            header = spool.read(_HEADER.size)
            if len(header) < _HEADER.size:
                raise ValueError(f"the spool holds fewer than {events} events")
            partition, offset, key_length, value_length = _HEADER.unpack(header)
            key = None if key_length == _NONE else spool.read(key_length)
            value = None if value_length == _NONE else spool.read(value_length)
            batch.append(KafkaMessage(TOPIC, partition, offset, key, value, now))
            if len(batch) == batch_size:
                yield batch
                batch = []
                now = datetime.now(UTC)
    if batch:
        yield batch
