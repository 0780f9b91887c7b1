"""The data subject report's reads (``service.customers.subject.SubjectReader``) on any engine.

Plain SQL, one short statement per part of the report, all through indexes on the customer id
(the primary key, ``removal_log_customer``, ``rejected_message_subjects_customer``) or the phone
(``suppressed_phones``' primary key). They run as the privacy officer's identity, inside one
transaction, so the report is one consistent snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from adapters.engines.database import Statements
from adapters.engines.engine import Connection, Engine
from adapters.engines.portable import portable
from service.customers.subject import (
    HeldContact,
    Listing,
    LoggedRemoval,
    RejectedAbout,
)

_HELD = """
SELECT version, name, phone, region, removed_at, updated_at
FROM contact_state WHERE customer_id = :customer_id
"""
_SEEN = "SELECT name, phone, region FROM telesales_contacts WHERE customer_id = :customer_id"
_LISTINGS = """
SELECT s.list_name, s.listed_on, l.exported_on
FROM contact_state c
JOIN suppressed_phones s ON s.phone = c.phone
LEFT JOIN do_not_call_lists l ON l.list_name = s.list_name
WHERE c.customer_id = :customer_id
ORDER BY s.list_name
"""
_REMOVALS = """
SELECT reason, version, applied_at, topic, kafka_partition, kafka_offset, list_name,
       list_exported_on
FROM removal_log WHERE customer_id = :customer_id
ORDER BY applied_at, version
"""
_REJECTED = """
SELECT r.topic, r.kafka_partition, r.kafka_offset, r.reason, r.rejected_at
FROM rejected_message_subjects s
JOIN rejected_messages r ON r.topic = s.topic AND r.kafka_partition = s.kafka_partition
 AND r.kafka_offset = s.kafka_offset
WHERE s.customer_id = :customer_id
ORDER BY r.rejected_at, r.topic, r.kafka_partition, r.kafka_offset
"""


class SqlSubjectReader:
    """``SubjectReader`` on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._statements = Statements(engine, connection, on_statement)

    def held(self, customer_id: str) -> HeldContact | None:
        rows = self._read("held", _HELD, customer_id)
        if not rows:
            return None
        version, name, phone, region, removed_at, updated_at = rows[0]
        return HeldContact(
            str(version),
            _text(name),
            _text(phone),
            _text(region),
            None if removed_at is None else instant(removed_at),
            instant(updated_at),
        )

    def telesales_see(self, customer_id: str) -> tuple[str, str, str] | None:
        rows = self._read("telesales_see", _SEEN, customer_id)
        return (str(rows[0][0]), str(rows[0][1]), str(rows[0][2])) if rows else None

    def listings(self, customer_id: str) -> list[Listing]:
        return [
            Listing(str(name), day(listed_on), None if exported is None else day(exported))
            for name, listed_on, exported in self._read("listings", _LISTINGS, customer_id)
        ]

    def removals(self, customer_id: str) -> list[LoggedRemoval]:
        return [
            LoggedRemoval(
                str(reason),
                str(version),
                instant(applied_at),
                _text(topic),
                None if partition is None else int(partition),
                None if offset is None else int(offset),
                _text(list_name),
                None if exported is None else day(exported),
            )
            for reason, version, applied_at, topic, partition, offset, list_name, exported in (
                self._read("removals", _REMOVALS, customer_id)
            )
        ]

    def rejected(self, customer_id: str) -> list[RejectedAbout]:
        return [
            RejectedAbout(str(topic), int(partition), int(offset), str(reason), instant(at))
            for topic, partition, offset, reason, at in self._read(
                "rejected", _REJECTED, customer_id
            )
        ]

    def _read(self, operation: str, sql: str, customer_id: str) -> list[Any]:
        statement = portable(sql, self._engine.name)
        return self._statements.query(operation, statement, customer_id=customer_id)


def instant(value: object) -> str:
    """A timestamp column as ISO 8601 in UTC, whatever the engine returns (SQLite: text; the
    others: a datetime, naive where the column holds UTC wall time)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value: object) -> str:
    """A date column as ISO 8601 (SQLite: text; the others: a date)."""
    return value.isoformat() if isinstance(value, date) else str(value)


def _text(value: object) -> str | None:
    return None if value is None else str(value)
