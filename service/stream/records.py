"""Stream records as the application sees them: coordinates and raw bytes, no Kafka types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """One ordered stream: a topic partition."""

    topic: str
    partition: int


class Positioned(Protocol):
    """Anything that knows where it sits in the stream: a record, a reject, a dead letter."""

    @property
    def topic(self) -> str: ...
    @property
    def partition(self) -> int: ...
    @property
    def offset(self) -> int: ...


# Not frozen: one is built per message, and a frozen dataclass's __init__ (object.__setattr__
# per field) costs several times more. Nothing assigns to a record once it is built, so it
# hashes by its fields as the frozen one did (unsafe_hash only means "not enforced").
@dataclass(slots=True, unsafe_hash=True)
class StreamRecord:
    """One delivered message; ``value`` is None for a tombstone (a key deleted by compaction)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: datetime | None = None

    @property
    def stream(self) -> Partition:
        return Partition(self.topic, self.partition)


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A record with no value: acknowledged and skipped."""


DecodedT = TypeVar("DecodedT")
# A consumer's message format: one record in, what it means (or why it cannot be read) out.
# Never raises on bad input: a malformed message is a value, so the batch goes on.
Decoder = Callable[[StreamRecord], DecodedT]
