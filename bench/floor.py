"""The same-work lower bound: the function's work on the benchmark's stream, no project objects.

What a batch costs when each stage does only what it must, written flat in one loop:

* the worker's ``KafkaTriggerConverter``: the floor reads the very events converted for the
  function, and the benchmark adds the converter's time to both;
* the host's envelope parsed once; the message parsed once, a Connect schema already seen
  skipped by its exact opening, as the function's decoder does;
* the three shapes read with plain dict lookups: Debezium (SQL Server and PostgreSQL log
  positions, snapshot rows, the commit time otherwise), the legacy flat shape (the offset is
  the version) and customer event v1 (version, ``updated_at``, offset), each version built
  straight as its fixed-width key text;
* the telesales rules, the domain's own pure functions (``normalize_name``,
  ``parse_brazilian_phone`` with its cache and fast path, the regions);
* the batch reduced to each customer's newest change in a dict, duplicates and applied offsets
  dropped;
* the same SQL statements as the function's SQLite store (``adapters.customers.sql.sqlite``,
  rows as one JSON parameter each), in one ``BEGIN IMMEDIATE`` transaction per batch with the
  offsets, on a file opened with the same settings (WAL, ``synchronous=FULL``, page size,
  checkpoints, cache): the applied offsets, the contacts (whose upsert also returns which of
  them a do-not-call list holds), the removal log, the rejects and their subjects, the offsets,
  the commit.

It leaves out what the function does on top: no ``StreamRecord``, ``CustomerChange``,
``Version`` or ``Contact`` objects, no per-record validation beyond what the workload needs
(customer event v1 is read without its schema's checks: ids and versions of the workload are
valid), no telemetry, log line, retry policy or dead letters, no update settling (the workload
has no Debezium unavailable-value placeholders), no hourly purge. So it is a floor, not a second
implementation: the benchmark checks that it ends with the same contacts and rejects as the
function, which shows it did the same work on this stream.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import azure.functions as func
import orjson

from adapters.customers.sql.sqlite import SQL
from adapters.engines.sqlite.rejects import SQL as REJECT_SQL
from domain.customers.names import normalize_name
from domain.customers.phones import parse_brazilian_phone
from domain.customers.regions import region_of_area_code, region_of_state

_SCHEMA, _PAYLOAD, _PAYLOAD_ONLY = '{"schema":', ',"payload":', '{"payload":'
_KEY = "%d%020x%020x%020x"  # domain.customers.versions: scheme digit, three 80-bit parts
_ACTIVE = {None: True, "A": True, "I": False}
_MIN_SCHEMA_CHARACTERS = 256  # as adapters.customers.formats.connect


class Floor:
    """One SQLite Bank 2 (already migrated by the engine) and the loop that fills it."""

    def __init__(self, path: str, consumer_group: str) -> None:
        # Migrated and configured as the function's engine does, then used bare.
        from adapters.engines.sqlite.engine import SqliteEngine  # noqa: PLC0415

        self._db: sqlite3.Connection = SqliteEngine(path).connect()  # type: ignore[assignment]
        self._group = consumer_group
        self._schemas: list[str] = []
        self.seconds = 0.0

    def consume(self, events: Sequence[func.KafkaEvent]) -> None:
        """One batch, as the worker's converter handed it to the function."""
        started = time.perf_counter()
        self._batch([event.get_body() for event in events])
        self.seconds += time.perf_counter() - started

    def close(self) -> None:
        self._db.close()

    def _batch(self, bodies: list[bytes]) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        applied = {
            (topic, partition): offset
            for topic, partition, offset in db.execute(
                SQL.applied_offsets.sql, (self._group,)
            ).fetchall()
        }
        newest: dict[str, tuple[str, list[Any], int, int, str, str | None]] = {}
        rejects: list[list[Any]] = []
        subjects: list[list[Any]] = []
        advanced: dict[tuple[str, int], int] = {}
        seen: set[tuple[str, int, int]] = set()
        for body in bodies:
            envelope = orjson.loads(body)
            topic, partition, offset = envelope["Topic"], envelope["Partition"], envelope["Offset"]
            if offset <= applied.get((topic, partition), -1) or (topic, partition, offset) in seen:
                continue
            seen.add((topic, partition, offset))
            if offset > advanced.get((topic, partition), -1):
                advanced[topic, partition] = offset
            value = envelope["Value"]
            if value is None:
                continue  # a tombstone
            outcome = self._decode(value, offset)
            if outcome is None:
                continue  # a tombstone in Connect's wrapper
            if isinstance(outcome, str):  # a reject reason, the message unreadable
                rejects.append([topic, partition, offset, outcome])
                continue
            customer, key, row, reject = outcome
            if reject is not None:
                rejects.append([topic, partition, offset, reject])
                subjects.append([topic, partition, offset, customer])
            held = newest.get(customer)
            if held is None or key > held[0]:
                reason = None if row[5] == 0 else row[7]
                newest[customer] = (key, row[:7], partition, offset, topic, reason)
        self._write(newest, rejects, subjects, advanced, now)
        db.commit()

    def _write(
        self,
        newest: dict[str, tuple[str, list[Any], int, int, str, str | None]],
        rejects: list[list[Any]],
        subjects: list[list[Any]],
        advanced: dict[tuple[str, int], int],
        now: str,
    ) -> None:
        db = self._db
        if newest:
            rows = orjson.dumps([held[1] for held in newest.values()]).decode()
            returned = db.execute(SQL.write_contacts.sql, (rows, now)).fetchall()
            written = {row[0] for row in returned}
            suppressed = {row[0] for row in returned if row[1]}
            logged = [
                [c, newest[c][5] or "do_not_call", newest[c][0], newest[c][4], *newest[c][2:4]]
                for c in written
                if newest[c][5] is not None or c in suppressed
            ]
            if logged:
                db.execute(SQL.log_removals.sql, (orjson.dumps(logged).decode(), now))
        if rejects:
            db.execute(REJECT_SQL.record_rejects.sql, (orjson.dumps(rejects).decode(), now))
        if subjects:
            db.execute(SQL.record_subjects.sql, (orjson.dumps(subjects).decode(),))
        if advanced:
            offsets = [
                [topic, partition, offset] for (topic, partition), offset in advanced.items()
            ]
            db.execute(SQL.advance_offsets.sql, (self._group, orjson.dumps(offsets).decode(), now))

    def _decode(
        self, value: str, offset: int
    ) -> str | tuple[str, str, list[Any], str | None] | None:
        """A reject reason, or (customer, version key, Bank 2 row + removal reason, reject), or
        None for a tombstone."""
        message = self._message(value)
        if message is None or isinstance(message, str):
            return message
        if "op" in message and "source" in message:
            return _debezium(message, offset)
        if "CD_CLIENTE" in message:
            customer, key = str(int(message["CD_CLIENTE"])), _KEY % (1, offset, 0, 0)
            if not _ACTIVE[message.get("STATUS")]:
                return _removal(customer, key, "inactive")
            return _rules(customer, key, message, "NM_CLIENTE", "TEL_CLIENTE")
        if "customer_id" in message:
            return _canonical(message, offset)
        return "unknown_format"

    def _message(self, value: str) -> dict[str, Any] | str | None:
        """The message's object, a reject reason, or None for a tombstone in Connect's wrapper."""
        if value.startswith(_SCHEMA):
            for prefix in self._schemas:
                if value.startswith(prefix):
                    payload = orjson.loads(_PAYLOAD_ONLY + value[len(prefix) :])["payload"]
                    return payload if type(payload) is dict or payload is None else "unknown_format"
        try:
            message = orjson.loads(value)
        except orjson.JSONDecodeError:
            return "malformed_json"
        if type(message) is dict and "schema" in message and "payload" in message:
            prefix = _SCHEMA + orjson.dumps(message["schema"]).decode() + _PAYLOAD
            if value.startswith(prefix) and len(prefix) > _MIN_SCHEMA_CHARACTERS:
                self._schemas.append(prefix)
            message = message["payload"]
            if message is None:
                return None
        return message if type(message) is dict else "unknown_format"


def _debezium(message: dict[str, Any], offset: int) -> tuple[str, str, list[Any], str | None]:
    source = message["source"]
    if source.get("commit_lsn") is not None:
        change = source.get("change_lsn")
        key = _KEY % (
            4,
            int(source["commit_lsn"].replace(":", ""), 16),
            0 if change is None else int(change.replace(":", ""), 16),
            int(source.get("event_serial_no") or 0),
        )
    elif message["op"] == "r" or source.get("snapshot") not in (None, False, "false"):
        key = _KEY % (4, 0, int(source["lsn"]), 0)
    elif source.get("lsn") is not None:
        order = (message.get("transaction") or {}).get("total_order") or 0
        key = _KEY % (4, int(source["lsn"]), 0, order)
    else:
        key = _KEY % (3, int(source["ts_ms"]), offset, 0)
    if message["op"] == "d":
        return _removal(str(int(message["before"]["id"])), key, "deleted")
    row = message["after"]
    customer = str(int(row["id"]))
    if not _ACTIVE[(row.get("status") or "A").strip()]:
        return _removal(customer, key, "inactive")
    if row.get("telemarketing_opt_out") in (True, 1):
        return _removal(customer, key, "opted_out")
    return _rules(customer, key, row, "name", "phone", "state")


def _canonical(message: dict[str, Any], offset: int) -> tuple[str, str, list[Any], str | None]:
    customer = str(int(message["customer_id"]))
    updated = message.get("updated_at")
    micros = 0
    if updated is not None:
        instant = datetime.fromisoformat(updated.upper()) - datetime(1970, 1, 1, tzinfo=UTC)
        micros = instant.days * 86_400_000_000 + instant.seconds * 1_000_000 + instant.microseconds
    key = _KEY % (2, message.get("version") or 0, micros, offset)
    if message.get("deleted"):
        return _removal(customer, key, "deleted")
    if message.get("status", "A") != "A":
        return _removal(customer, key, "inactive")
    if message.get("telemarketing_opt_out"):
        return _removal(customer, key, "opted_out")
    return _rules(customer, key, message, "name", "phone", "state")


def _removal(customer: str, key: str, reason: str) -> tuple[str, str, list[Any], str | None]:
    return customer, key, [customer, key, None, None, None, 1, None, reason], None


def _rules(
    customer: str, key: str, row: dict[str, Any], name_field: str, phone_field: str, *state: str
) -> tuple[str, str, list[Any], str | None]:
    """The telesales rules on one change: the contact's row, or a withdrawal and its reject."""
    withdrawal = [customer, key, None, None, None, 1, None, "withdrawn"]
    name = normalize_name(row.get(name_field))
    if name is None:
        return customer, key, withdrawal, "invalid_name"
    raw_phone = row.get(phone_field)
    phone = parse_brazilian_phone(raw_phone) if isinstance(raw_phone, str) else None
    if phone is None:
        return customer, key, withdrawal, "invalid_phone"
    uf = row.get(state[0]) if state else None
    from_state = isinstance(uf, str) and bool(uf.strip())
    region = region_of_state(uf) if isinstance(uf, str) and from_state else None
    if not from_state:
        region = region_of_area_code(phone.area_code)
    if region is None:
        return customer, key, withdrawal, "invalid_state"
    return customer, key, [customer, key, name, phone.e164, region, 0, int(from_state), None], None
