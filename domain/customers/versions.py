"""Event versions: a total order over one customer's changes, comparable inside SQL as text.

Producers version their events differently (Kafka offsets, counters, timestamps, database log
positions). A version is therefore a scheme plus a few non-negative integers, and its ``key`` is a
fixed-width string whose byte order equals the version order, so every SQL engine can
compare versions with a plain ``>`` on a text column.

Within one scheme the integers compare left to right. Across schemes the scheme's rank decides:
a customer whose producer moved from the legacy format to Debezium is ordered by producer
generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

_PART_DIGITS = 20  # hexadecimal digits: 80 bits, enough for a SQL Server LSN
_PARTS = 3
MAX_VERSION_PART = 16**_PART_DIGITS - 1


class VersionScheme(IntEnum):
    """Where a version comes from, ranked by producer generation."""

    KAFKA_OFFSET = 1  # legacy producer: the record's offset in its partition
    PRODUCER_COUNTER = 2  # our format: ``version``, ``updated_at`` in µs, then the Kafka offset
    SOURCE_TIMESTAMP = 3  # Debezium without a log position: ``source.ts_ms``, then the offset
    SOURCE_LOG_POSITION = 4  # Debezium: the change's place in the source database's log


@dataclass(frozen=True, slots=True, order=True)
class Version:
    """One event's place in its customer's history."""

    scheme: VersionScheme
    parts: tuple[int, ...]
    # The fixed-width text form: its lexicographic order is the version order. Computed once:
    # the service and the store read it several times per event.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts = self.parts
        if not 1 <= len(parts) <= _PARTS:
            msg = f"a version has 1 to {_PARTS} parts, got {len(parts)}"
            raise ValueError(msg)
        if min(parts) < 0 or max(parts) > MAX_VERSION_PART:
            msg = "version parts must be non-negative and fit in 80 bits"
            raise ValueError(msg)
        if len(parts) < _PARTS:
            # Pad so that (5,) and (5, 0) are one version, in comparisons and in ``key`` alike.
            parts += (0,) * (_PARTS - len(parts))
            object.__setattr__(self, "parts", parts)
        # %-formatting and a looked-up scheme digit: this runs once per event, and formatting
        # the IntEnum itself costs more than the rest of the version together.
        object.__setattr__(self, "key", _SCHEME_DIGITS[self.scheme] + _PARTS_FORMAT % parts)


_SCHEME_DIGITS = {scheme: str(int(scheme)) for scheme in VersionScheme}
_PARTS_FORMAT = f"%0{_PART_DIGITS}x" * _PARTS
VERSION_KEY_LENGTH = 1 + _PART_DIGITS * _PARTS
