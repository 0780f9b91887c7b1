"""Debezium change events for Bank 1's ``customers`` table (SQL Server or PostgreSQL source).

Accepted with or without the Connect schema wrapper (the dispatcher unwraps it). Columns read from
``after``: ``id, name, phone, state, status`` and the optional ``telemarketing_opt_out``; the other
columns (CPF, e-mail, city, zip...) are never read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from adapters.formats.fields import active_from_status, canonical_customer_id, customer_id_from_key
from domain.customers import CustomerChange, Rejection
from domain.reasons import RejectReason
from domain.versions import MAX_VERSION_PART, Version, VersionScheme
from service.records import StreamRecord

_UPSERT_OPERATIONS = frozenset({"c", "u", "r"})  # create, update, snapshot read
_DELETE_OPERATION = "d"
_OPERATIONS = _UPSERT_OPERATIONS | {_DELETE_OPERATION}
# Fixed-width hex fields, so joining them keeps the log order: "00000027:00000758:0005".
_DIGITS = len(str(MAX_VERSION_PART))  # longer digit strings cannot be a version part
_SQL_SERVER_LSN = re.compile(r"[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{4}")


def matches(message: Mapping[str, object]) -> bool:
    return "op" in message and "source" in message


def decode(envelope: Mapping[str, object], record: StreamRecord) -> CustomerChange | Rejection:
    operation = envelope.get("op")
    if not isinstance(operation, str) or operation not in _OPERATIONS:
        # Truncates and logical-decoding messages name no customer.
        return Rejection(RejectReason.UNSUPPORTED_OPERATION)
    version = source_version(envelope.get("source"), record.offset)
    if version is None:
        return Rejection(RejectReason.INVALID_VERSION)
    if operation == _DELETE_OPERATION:
        return _deletion(envelope.get("before"), record.key, version)
    return _upsert(envelope.get("after"), version)


def _upsert(row: object, version: Version) -> CustomerChange | Rejection:
    if not isinstance(row, dict):
        return Rejection(RejectReason.INVALID_FIELD)
    customer_id = canonical_customer_id(row.get("id"))
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    active = active_from_status(row.get("status"))
    opted_out = _bit(row.get("telemarketing_opt_out"))
    if active is None or opted_out is None:
        return Rejection(RejectReason.INVALID_FIELD)
    return CustomerChange(
        customer_id,
        version,
        active=active,
        telemarketing_opt_out=opted_out,
        name=row.get("name"),
        phone=row.get("phone"),
        state=row.get("state"),
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


def source_version(source: object, offset: int) -> Version | None:
    """The change's position in the source database's log, else its commit time.

    Commit times tie (two updates in one millisecond; MySQL's binlog has whole seconds), so the
    Kafka offset breaks the tie: Debezium keys records by primary key, so one customer's changes
    share a partition and its offsets follow the commit order.

    A position that is present but unreadable rejects the event instead of falling back to the
    timestamp: mixing schemes for one customer would order its changes wrongly.
    """
    if not isinstance(source, dict):
        return None
    if source.get("commit_lsn") is not None:
        return _sql_server_version(source)
    if source.get("lsn") is not None:
        lsn = _natural(source["lsn"])
        return None if lsn is None else Version(VersionScheme.SOURCE_LOG_POSITION, (lsn,))
    ts_ms = _natural(source.get("ts_ms"))
    return None if ts_ms is None else Version(VersionScheme.SOURCE_TIMESTAMP, (ts_ms, offset))


def _sql_server_version(source: Mapping[str, object]) -> Version | None:
    commit_lsn = _lsn(source["commit_lsn"])
    change_lsn = 0 if source.get("change_lsn") is None else _lsn(source["change_lsn"])
    serial = source.get("event_serial_no")
    event_serial_no = 0 if serial is None else _natural(serial)
    if commit_lsn is None or change_lsn is None or event_serial_no is None:
        return None
    return Version(VersionScheme.SOURCE_LOG_POSITION, (commit_lsn, change_lsn, event_serial_no))


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
