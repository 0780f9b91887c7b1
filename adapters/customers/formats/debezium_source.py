"""Where a Debezium change sits in its source database's history, as a ``Version``.

Each connector guarantees an order of its own: SQL Server's commit and change log positions,
PostgreSQL's LSN (with its snapshot and transaction rules), or, for any other source, the commit
time with the Kafka offset breaking ties. A position that is present but unreadable is refused
(``None``), never replaced by another scheme.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import orjson

from domain.customers.versions import MAX_VERSION_PART, Version, VersionScheme

_DIGITS = len(str(MAX_VERSION_PART))  # longer digit strings cannot be a version part
_SQL_SERVER_LSN = re.compile(r"[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{4}")
_LOG_POSITION = VersionScheme.SOURCE_LOG_POSITION
_NOT_SNAPSHOT = (None, False, "false")
_MAX_SEQUENCE_CHARACTERS = 64  # two quoted 64-bit numbers, with room to spare


def source_version(envelope: Mapping[str, object], offset: int) -> Version | None:
    """The change's place in its customer's history, from what its connector guarantees.

    * SQL Server: the commit's log position, the change's, and the event's serial number within
      the change. Snapshot rows carry the highest LSN at the snapshot and no change position,
      and streaming starts strictly after it, so this is the commit order, snapshot included.
    * PostgreSQL: see ``_postgres_version``.
    * Any other source: the commit time, with the Kafka offset breaking ties (two updates in
      one millisecond, or in one second of a MySQL binlog): Debezium keys records by primary
      key, so one customer's changes share a partition and its offsets follow the commit order.

    A position that is present but unreadable rejects the event instead of falling back to the
    timestamp: mixing schemes for one customer would order its changes wrongly.
    """
    source = envelope.get("source")
    if not isinstance(source, dict):
        return None
    if source.get("commit_lsn") is not None:
        return _sql_server_version(source)
    if source.get("connector") == "postgresql" or source.get("lsn") is not None:
        return _postgres_version(source, envelope)
    ts_ms = _natural(source.get("ts_ms"))
    return None if ts_ms is None else Version(VersionScheme.SOURCE_TIMESTAMP, (ts_ms, offset))


def _postgres_version(
    source: Mapping[str, object], envelope: Mapping[str, object]
) -> Version | None:
    """A snapshot row is older than every streamed change; streamed changes follow their lsn.

    ``source.lsn`` is where a change sits in the write-ahead log, not where its transaction
    committed, so it is no commit order across the snapshot: a snapshot row carries the
    snapshot's start position S, and a change from a transaction that was still open at S is
    streamed after that row with its own, possibly lower, position (Debezium DBZ-2288; PR #7764).
    What does hold:

    * Every streamed change of a customer committed after every snapshot row Debezium emitted
      for it before: streaming starts at the snapshot's position and logical decoding sends only
      transactions that commit after it. So a streamed change always wins over a snapshot row,
      whatever their positions: a snapshot row's version is ``(0, S, 0)``, a streamed change's
      ``(lsn, 0, place)``, and no streamed change is at log position 0.
    * Two streamed changes of one customer are ordered by their positions: a transaction that
      changes a row holds its lock until it commits, so the next change to that row is written
      after that commit. A change Debezium streams again after a restart carries the same
      position: it is a duplicate, never newer. Two changes of one row in one transaction are
      ordered by position too; ``transaction.total_order``, when the connector sends it, breaks
      a tie (old decoders gave a whole transaction one position).
    * Snapshot rows are ordered among themselves by their snapshot's position, so a later
      snapshot (or an incremental one, positioned at its window's close) replaces an earlier
      snapshot's row, but never a streamed change (docs/message-formats.md, "Debezium change
      events").

    A streamed change's version is the one the code before this rule gave it (its lsn alone), so
    what Bank 2 stored then still compares right after an upgrade.
    """
    if _is_snapshot_row(source, envelope.get("op")):
        # Incremental snapshot rows carry no lsn, only the stream position of their window.
        position = (
            _natural(source["lsn"])
            if source.get("lsn") is not None
            else _sequence_position(source.get("sequence"))
        )
        return None if position is None else Version(_LOG_POSITION, (0, position, 0))
    position = _natural(source.get("lsn"))
    if not position:  # absent, unreadable, or 0, which no streamed change has
        return None
    return Version(_LOG_POSITION, (position, 0, _total_order(envelope.get("transaction"))))


def _is_snapshot_row(source: Mapping[str, object], operation: object) -> bool:
    """A snapshot's read: op ``r``, or a ``snapshot`` marker other than false.

    The marker is a string (``true``, ``first``, ``last``, ``incremental``...) in the source
    schema, a boolean in older versions and in the documentation's examples.
    """
    marker = source.get("snapshot")
    return operation == "r" or marker not in _NOT_SNAPSHOT


def _sequence_position(sequence: object) -> int | None:
    """The position in ``source.sequence``, ``["<last commit LSN>","<this LSN>"]`` as text."""
    if not isinstance(sequence, str) or len(sequence) > _MAX_SEQUENCE_CHARACTERS:
        return None
    try:
        parsed = orjson.loads(sequence)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(parsed, list) or not parsed:
        return None
    return _natural(parsed[-1])


def _total_order(transaction: object) -> int:
    """The event's place in its transaction, when the connector sends transaction metadata."""
    if isinstance(transaction, dict):
        order = _natural(transaction.get("total_order"))
        if order is not None:
            return order
    return 0


def _sql_server_version(source: Mapping[str, object]) -> Version | None:
    commit_lsn = _lsn(source["commit_lsn"])
    change_lsn = 0 if source.get("change_lsn") is None else _lsn(source["change_lsn"])
    serial = source.get("event_serial_no")
    event_serial_no = 0 if serial is None else _natural(serial)
    if commit_lsn is None or change_lsn is None or event_serial_no is None:
        return None
    return Version(_LOG_POSITION, (commit_lsn, change_lsn, event_serial_no))


def _lsn(value: object) -> int | None:
    if not isinstance(value, str) or not _SQL_SERVER_LSN.fullmatch(value):
        return None
    return int(value.replace(":", ""), 16)


def _natural(value: object) -> int | None:
    """A non-negative integer (booleans excluded), else None.

    Digit strings are accepted too: Debezium's own SQL Server documentation shows
    ``event_serial_no`` as a string, and producers copy documented examples.
    """
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= _DIGITS:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_VERSION_PART else None
