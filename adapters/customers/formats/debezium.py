"""Debezium change events for Bank 1's ``customers`` table (SQL Server or PostgreSQL source).

Accepted with or without the Connect schema wrapper (the dispatcher unwraps it). Columns read from
``after``: ``id, name, phone, state, status`` and the optional ``telemarketing_opt_out``; the other
columns (CPF, e-mail, city, zip...) are never read.

A column whose value Debezium does not have in an event holds its unavailable-value placeholder
(the connector option ``unavailable.value.placeholder``, ``__debezium_unavailable_value`` by
default): a PostgreSQL TOASTed column an update did not change, a SQL Server ``varchar(max)`` or
``nvarchar(max)`` column an update did not touch. In ``name``, ``phone`` or ``state`` it means "this
field did not change" (``UNCHANGED``), never data: it is never stored and never dialled. In
``status`` or ``telemarketing_opt_out``: if the other flag removes the customer (status ``I``, or
opted out), the change is a removal; otherwise it cannot say whether the customer may be called,
and it is refused (``unavailable_value``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

import orjson

from adapters.customers.formats.fields import (
    active_from_status,
    canonical_customer_id,
    customer_id_from_key,
)
from adapters.settings import DEFAULT_UNAVAILABLE_PLACEHOLDER
from domain.customers.changes import UNCHANGED, CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from domain.customers.versions import MAX_VERSION_PART, Version, VersionScheme
from service.stream.records import StreamRecord

_UPSERT_OPERATIONS = frozenset({"c", "u", "r"})  # create, update, snapshot read
_DELETE_OPERATION = "d"
_OPERATIONS = _UPSERT_OPERATIONS | {_DELETE_OPERATION}
# Fixed-width hex fields, so joining them keeps the log order: "00000027:00000758:0005".
_DIGITS = len(str(MAX_VERSION_PART))  # longer digit strings cannot be a version part
_SQL_SERVER_LSN = re.compile(r"[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{4}")
_LOG_POSITION = VersionScheme.SOURCE_LOG_POSITION
_HEX_PREFIX = "hex:"
_NOT_SNAPSHOT = (None, False, "false")
_MAX_SEQUENCE_CHARACTERS = 64  # two quoted 64-bit numbers, with room to spare


def matches(message: Mapping[str, object]) -> bool:
    return "op" in message and "source" in message


def unavailable_values(placeholder: str = DEFAULT_UNAVAILABLE_PLACEHOLDER) -> frozenset[str]:
    """The texts that stand for a value Debezium does not have, for a connector configured with
    ``unavailable.value.placeholder=<placeholder>``: the placeholder itself and, for a ``hex:``
    placeholder, the text its octets spell (PostgreSQL puts that in text columns; SQL Server and
    Oracle take the setting literally). Debezium's default is always one of them: a setting that
    does not match the connector's must not turn its placeholder into a name or a phone."""
    values = {placeholder, DEFAULT_UNAVAILABLE_PLACEHOLDER}
    if placeholder.startswith(_HEX_PREFIX):
        with contextlib.suppress(ValueError):  # not hex after all: only the literal text
            values.add(bytes.fromhex(placeholder[len(_HEX_PREFIX) :]).decode("utf-8"))
    values.discard("")  # an empty placeholder could not be told from an empty value
    return frozenset(values)


DEFAULT_UNAVAILABLE_VALUES = unavailable_values()


def decode(
    envelope: Mapping[str, object],
    record: StreamRecord,
    unavailable: frozenset[str] = DEFAULT_UNAVAILABLE_VALUES,
) -> CustomerChange | Rejection:
    operation = envelope.get("op")
    if not isinstance(operation, str) or operation not in _OPERATIONS:
        # Truncates and logical-decoding messages name no customer.
        return Rejection(RejectReason.UNSUPPORTED_OPERATION)
    version = source_version(envelope, record.offset)
    if version is None:
        return Rejection(RejectReason.INVALID_VERSION)
    if operation == _DELETE_OPERATION:
        return _deletion(envelope.get("before"), record.key, version)
    return _upsert(envelope.get("after"), version, unavailable)


def _upsert(
    row: object, version: Version, unavailable: frozenset[str]
) -> CustomerChange | Rejection:
    if not isinstance(row, dict):
        return Rejection(RejectReason.INVALID_FIELD)
    customer_id = canonical_customer_id(row.get("id"))
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    # Inline checks rather than calls: this runs for every Debezium event. A value is the
    # placeholder only as a whole text (other types are never hashed into the set).
    status, opt_out = row.get("status"), row.get("telemarketing_opt_out")
    status_unavailable = type(status) is str and status in unavailable
    opt_out_unavailable = type(opt_out) is str and opt_out in unavailable
    active = True if status_unavailable else active_from_status(status)
    opted_out = False if opt_out_unavailable else _bit(opt_out)
    if active is None or opted_out is None:
        return Rejection(RejectReason.INVALID_FIELD)
    # A flag the change gives that removes the customer decides, whatever the other one is.
    # Otherwise a flag left out leaves it unknown whether the customer may be called.
    removes = not active or opted_out
    if (status_unavailable or opt_out_unavailable) and not removes:
        return Rejection(RejectReason.UNAVAILABLE_VALUE)
    name, phone, state = row.get("name"), row.get("phone"), row.get("state")
    if type(name) is str and name in unavailable:
        name = UNCHANGED
    if type(phone) is str and phone in unavailable:
        phone = UNCHANGED
    if type(state) is str and state in unavailable:
        state = UNCHANGED
    return CustomerChange(
        customer_id,
        version,
        active=active,
        telemarketing_opt_out=opted_out,
        name=name,
        phone=phone,
        state=state,
    )


def _deletion(before: object, key: bytes | None, version: Version) -> CustomerChange | Rejection:
    # PostgreSQL with REPLICA IDENTITY DEFAULT or NOTHING may send no usable ``before`` image;
    # the record key still names the row.
    if isinstance(before, dict) and before.get("id") is not None:
        customer_id = canonical_customer_id(before["id"])
    else:
        customer_id = customer_id_from_key(key)
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    return CustomerChange(customer_id, version, deleted=True)


def _bit(value: object) -> bool | None:
    """A boolean column: JSON true/false, or 0/1 as MySQL BIT/TINYINT columns arrive."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in {0, 1}:
        return value == 1
    return None


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
