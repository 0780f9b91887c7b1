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

from enum import IntEnum
from typing import Final, Self

_PART_DIGITS = 20  # hexadecimal digits: 80 bits, enough for a SQL Server LSN
_PARTS = 3
MAX_VERSION_PART = 16**_PART_DIGITS - 1
VERSION_KEY_LENGTH: Final = 1 + _PART_DIGITS * _PARTS


class VersionScheme(IntEnum):
    """Where a version comes from, ranked by producer generation."""

    KAFKA_OFFSET = 1  # legacy producer: the record's offset in its partition
    PRODUCER_COUNTER = 2  # our format: ``version``, ``updated_at`` in µs, then the Kafka offset
    SOURCE_TIMESTAMP = 3  # Debezium without a log position: ``source.ts_ms``, then the offset
    SOURCE_LOG_POSITION = 4  # Debezium: the change's place in the source database's log


class Version(str):
    """One event's place in its customer's history: its fixed-width key, whose text order is
    the version order.

    A version *is* its key: one immutable string, built once per event, that the service
    compares, hashes and the store writes as it is. Comparing and hashing are ``str``'s own, so
    they cost no Python code; ``scheme`` and ``parts`` are read back from the text, where they
    are needed at all. ``Version(scheme, (5,))`` and ``Version(scheme, (5, 0, 0))`` are one
    version: missing parts count as zero.
    """

    __slots__ = ()

    def __new__(cls, scheme: VersionScheme, parts: tuple[int, ...]) -> Self:
        count = len(parts)
        if count != _PARTS:
            if not 1 <= count <= _PARTS:
                msg = f"a version has 1 to {_PARTS} parts, got {count}"
                raise ValueError(msg)
            parts += _PADDING[count]  # so that (5,) and (5, 0) are one version
        first, second, third = parts  # compared one by one: cheaper than min() and max()
        if not (
            0 <= first <= MAX_VERSION_PART
            and 0 <= second <= MAX_VERSION_PART
            and 0 <= third <= MAX_VERSION_PART
        ):
            msg = "version parts must be non-negative and fit in 80 bits"
            raise ValueError(msg)
        # One %-format per scheme: formatting the IntEnum itself costs more than the rest of
        # the version together.
        return _new_text(cls, _KEY_FORMATS[scheme] % parts)

    @property
    def key(self) -> str:
        """The fixed-width text form, as a plain ``str``: what Bank 2 stores and compares."""
        return str.__str__(self)

    @property
    def scheme(self) -> VersionScheme:
        return VersionScheme(int(self[0]))

    @property
    def parts(self) -> tuple[int, ...]:
        return tuple(
            int(self[start : start + _PART_DIGITS], 16)
            for start in range(1, VERSION_KEY_LENGTH, _PART_DIGITS)
        )

    def __repr__(self) -> str:
        return f"Version({self.scheme!r}, {self.parts!r})"


_PADDING = tuple((0,) * (_PARTS - count) for count in range(_PARTS + 1))
# Each scheme's digit, then the parts in fixed-width hexadecimal; a value that is no scheme
# finds no format (KeyError).
_KEY_FORMATS = {
    scheme: f"{int(scheme)}" + f"%0{_PART_DIGITS}x" * _PARTS for scheme in VersionScheme
}
_new_text = str.__new__
