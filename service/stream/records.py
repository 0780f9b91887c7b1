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
    """One delivered message; ``value`` is None for a tombstone (a key deleted by compaction).

    ``key`` and ``value`` are as the binding delivered them: text from a ``string`` binding
    (the host already holds them as text, and encoding them again only to parse them cost more
    than a microsecond per message), bytes from a ``binary`` one. Decoders take either.
    """

    topic: str
    partition: int
    offset: int
    key: bytes | str | None
    value: bytes | str | None
    timestamp: datetime | None = None

    @property
    def stream(self) -> Partition:
        return Partition(self.topic, self.partition)


def larger_than(value: bytes | str, limit: int) -> bool:
    """Whether a message is more than ``limit`` bytes long; text counts as its UTF-8 bytes."""
    if isinstance(value, bytes):
        return len(value) > limit
    # A character is one to four bytes of UTF-8: only text in between is encoded to be sure.
    # "surrogatepass": a lone surrogate (which no parser hands over, but a caller could) counts
    # as the three bytes it would take, instead of failing the batch.
    return len(value) > limit or (
        len(value) > limit // 4 and len(value.encode("utf-8", "surrogatepass")) > limit
    )


def as_text(value: bytes | str) -> str:
    """A message's text: bytes are read as UTF-8, as the ``string`` binding would have."""
    return value if isinstance(value, str) else value.decode("utf-8")


@dataclass(frozen=True, slots=True)
class Tombstone:
    """A record with no value: acknowledged and skipped."""


DecodedT = TypeVar("DecodedT")
# A consumer's message format: one record in, what it means (or why it cannot be read) out.
# Never raises on bad input: a malformed message is a value, so the batch goes on.
Decoder = Callable[[StreamRecord], DecodedT]
