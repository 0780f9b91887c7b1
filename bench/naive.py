"""The naive baseline: the per-message consumer a team writes first, as the original Go one did.

For each message: parse it, validate it, ``SELECT`` whether the customer exists, then ``UPDATE``
or ``INSERT``, commit, next message. It reads the same messages with the same decoders, applies
the same telesales rules (the phone checked by the phonenumbers library itself on every message,
as a first version does), and opens Bank 2 through the same engine, so with the same connection
settings (SQLite's WAL and ``synchronous=FULL``, PostgreSQL's and MariaDB's session options).
Offsets are committed to Kafka, not to Bank 2, as such a consumer does: no offset table writes.

At the end its Bank 2 must hold exactly the contacts the function's does; the benchmark checks it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adapters.customers.formats import decode_customer_record
from adapters.engines.engine import Connection, Engine
from adapters.engines.urls import open_bank2
from demo.functions_host import KafkaMessage
from domain.customers.changes import (
    Contact,
    ContactChange,
    ContactUpdate,
    CustomerChange,
    Rejection,
    project,
)
from domain.customers.phones import parse_brazilian_phone_with_library
from service.stream.records import StreamRecord, Tombstone

_SELECT = "SELECT version FROM contact_state WHERE customer_id = ?"
_UPDATE = (
    "UPDATE contact_state SET version = ?, name = ?, phone = ?, region = ?, removed_at = ?,"
    " updated_at = ? WHERE customer_id = ?"
)
_INSERT = (
    "INSERT INTO contact_state (customer_id, version, name, phone, region, removed_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_REJECT = (
    "INSERT INTO rejected_messages (topic, kafka_partition, kafka_offset, reason, rejected_at)"
    " VALUES (?, ?, ?, ?, ?)"
)
CONTACTS = "SELECT customer_id, name, phone, region FROM telesales_contacts"
REJECTS = "SELECT count(*) FROM rejected_messages"


@dataclass(slots=True)
class NaiveTimings:
    """Seconds spent per stage, and the round trips sent, over every message consumed."""

    decode: float = 0.0
    validate: float = 0.0
    write: float = 0.0
    round_trips: int = 0
    events: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.decode + self.validate + self.write


class NaiveConsumer:
    """One message, one transaction."""

    def __init__(self, url: str) -> None:
        self._engine: Engine = open_bank2(url).engine
        self._connection: Connection = self._engine.connect()
        marker = "?" if self._engine.name == "sqlite" else "%s"
        self._sql = {
            name: statement.replace("?", marker)
            for name, statement in (
                ("select", _SELECT),
                ("update", _UPDATE),
                ("insert", _INSERT),
                ("reject", _REJECT),
            )
        }
        self.timings = NaiveTimings()

    def consume(self, messages: Sequence[KafkaMessage]) -> None:
        timings = self.timings
        clock = time.perf_counter
        for message in messages:
            started = clock()
            decoded = decode_customer_record(
                StreamRecord(
                    message.topic, message.partition, message.offset, message.key, message.value
                )
            )
            decoded_at = clock()
            outcome = validate(decoded) if isinstance(decoded, CustomerChange) else decoded
            validated_at = clock()
            if not isinstance(outcome, Tombstone):
                self._write(message, outcome)
            timings.decode += decoded_at - started
            timings.validate += validated_at - decoded_at
            timings.write += clock() - validated_at
            timings.events += 1

    def close(self) -> None:
        self._connection.close()

    def _write(self, message: KafkaMessage, outcome: ContactChange | Rejection) -> None:
        now = self._engine.timestamp(datetime.now(UTC))
        self._engine.begin(self._connection)
        cursor = self._connection.cursor()
        try:
            if isinstance(outcome, Rejection):
                self._execute(
                    cursor,
                    "reject",
                    message.topic,
                    message.partition,
                    message.offset,
                    str(outcome.reason),
                    now,
                )
                self._count(f"rejected_{outcome.reason}")
                if outcome.withdraws is not None:
                    self._upsert(cursor, outcome.withdraws, now)
            else:
                self._upsert(cursor, outcome, now)
        finally:
            cursor.close()
        self._connection.commit()
        self.timings.round_trips += 2  # BEGIN and COMMIT

    def _upsert(self, cursor: Any, change: ContactChange, now: object) -> None:
        self._execute(cursor, "select", change.customer_id)
        row = cursor.fetchone()
        version = change.version.key
        if row is not None and row[0] >= version:
            self._count("stale")
            return
        if isinstance(change, Contact):
            values: tuple[object, ...] = (change.name, change.phone, str(change.region), None)
            self._count("upserted")
        else:
            values = (None, None, None, now)
            self._count("withdrawn" if change.withdrawn else "removed")
        if row is None:
            self._execute(cursor, "insert", change.customer_id, version, *values, now)
        else:
            self._execute(cursor, "update", version, *values, now, change.customer_id)

    def _execute(self, cursor: Any, statement: str, *params: object) -> None:
        cursor.execute(self._sql[statement], params)
        self.timings.round_trips += 1

    def _count(self, outcome: str) -> None:
        outcomes = self.timings.outcomes
        outcomes[outcome] = outcomes.get(outcome, 0) + 1


def validate(change: CustomerChange) -> ContactChange | Rejection:
    """The same telesales rules, with the phone sent to the phonenumbers library on every message,
    as a first version would: no cache, no fast path."""
    outcome = project(change, parse_phone=parse_brazilian_phone_with_library)
    if isinstance(outcome, ContactUpdate):
        # The benchmark's streams have no Debezium unavailable-value placeholders.
        raise TypeError("the naive consumer does not settle changes that leave fields out")
    return outcome


def bank2_state(url: str) -> tuple[frozenset[tuple[str, str, str, str]], int]:
    """The contacts telesales see, and the number of reject records, read on a new connection."""
    engine = open_bank2(url).engine
    connection = engine.connect()
    try:
        cursor = connection.cursor()
        cursor.execute(CONTACTS)
        contacts = frozenset(
            (str(customer_id), str(name), str(phone), str(region))
            for customer_id, name, phone, region in cursor.fetchall()
        )
        cursor.execute(REJECTS)
        (rejects,) = cursor.fetchone()
        cursor.close()
        connection.rollback()
    finally:
        connection.close()
    return contacts, int(rejects)
