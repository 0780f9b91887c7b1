"""The same-work lower bound: the function's work on the benchmark's stream, no project objects.

What a batch costs when each stage does only what it must, written flat in one loop:

* the worker's ``KafkaTriggerConverter``: the floor reads the very events converted for the
  function, and the benchmark adds the converter's time to both;
* the host's envelope parsed once; the message parsed once, a Connect schema already seen
  skipped by its exact opening, as the function's decoder does;
* the three shapes read with plain dict lookups and the same checks as the function's decoders
  (the size limit, the Debezium operation, every log position and number by the same rules,
  the unavailable-value placeholders looked for, every customer id through
  ``canonical_customer_id``, customer event v1's schema checked field by field with the same
  reasons): Debezium (SQL Server and PostgreSQL log positions, snapshot rows, the commit time
  otherwise), the legacy flat shape (the offset is the version) and customer event v1
  (version, ``updated_at``, offset), each version built straight as its fixed-width key text;
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
``Version`` or ``Contact`` objects, no telemetry, log line, retry policy or dead letters, no
update settling (the workload has no Debezium unavailable-value placeholders: one would stop
the floor), no deletion identified by its record key alone (the workload's carry their before
image), no incremental snapshot positions, no hourly purge. So it is a floor, not a second
implementation: the benchmark checks that it ends with the same contacts and rejects as the
function, which shows it did the same work on this stream.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import azure.functions as func
import orjson

from adapters.customers.formats import MAX_MESSAGE_BYTES
from adapters.customers.formats.canonical import RFC3339_PATTERN
from adapters.customers.formats.debezium import DEFAULT_UNAVAILABLE_VALUES
from adapters.customers.formats.fields import active_from_status, canonical_customer_id
from adapters.customers.sql.sqlite import SQL
from adapters.engines.sqlite.rejects import SQL as REJECT_SQL
from domain.customers.names import normalize_name
from domain.customers.phones import parse_brazilian_phone
from domain.customers.regions import region_of_area_code, region_of_state
from domain.customers.versions import MAX_VERSION_PART

_SCHEMA, _PAYLOAD, _PAYLOAD_ONLY = '{"schema":', ',"payload":', '{"payload":'
_KEY = "%d%020x%020x%020x"  # domain.customers.versions: scheme digit, three 80-bit parts
_ACTIVE = {None: True, "A": True, "I": False}
_MIN_SCHEMA_BYTES, _MAX_SCHEMAS = 256, 16  # as adapters.customers.formats.connect
_MAX_MESSAGE_CHARACTERS = MAX_MESSAGE_BYTES // 4  # a character is at most 4 bytes of UTF-8
_DIGITS = len(str(MAX_VERSION_PART))
_SQL_SERVER_LSN = re.compile(r"[0-9A-Fa-f]{8}:[0-9A-Fa-f]{8}:[0-9A-Fa-f]{4}")
_RFC3339 = re.compile(RFC3339_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Floor:
    """One SQLite Bank 2 (already migrated by the engine) and the loop that fills it."""

    def __init__(self, path: str, consumer_group: str) -> None:
        # Migrated and configured as the function's engine does, then used bare.
        from adapters.engines.sqlite.engine import SqliteEngine  # noqa: PLC0415

        if SQL.suppressed_among is not None:  # SQLite before 3.35.4: no RETURNING to read
            raise RuntimeError("the floor needs SQLite 3.35.4 or later (RETURNING)")
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
                if not row:
                    continue  # refused before the rules: nothing to write
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

    def _decode(self, value: str, offset: int) -> _Outcome | str | None:
        """A reject reason, or (customer, version key, Bank 2 row + removal reason, reject), or
        None for a tombstone."""
        if len(value) > _MAX_MESSAGE_CHARACTERS and len(value.encode()) > MAX_MESSAGE_BYTES:
            return "oversized"
        message = self._message(value)
        if message is None or isinstance(message, str):
            return message
        try:
            if "op" in message and "source" in message:
                return _debezium(message, offset)
            if "CD_CLIENTE" in message:
                return _legacy(message, offset)
            if "customer_id" in message:
                return _canonical(message, offset)
        except (ValueError, TypeError, OverflowError, RecursionError):
            return "invalid_field"
        return "unknown_format"

    def _learn(self, value: str, schema: object) -> None:
        """As SchemaPrefixes.learn: an object or array schema of 256 bytes or more, exact to
        the character, the newest 16 kept."""
        if type(schema) not in (dict, list):
            return
        encoded = orjson.dumps(schema)
        prefix = _SCHEMA + encoded.decode() + _PAYLOAD
        known = prefix in self._schemas
        if len(encoded) >= _MIN_SCHEMA_BYTES and value.startswith(prefix) and not known:
            self._schemas = [prefix, *self._schemas][:_MAX_SCHEMAS]

    def _message(self, value: str) -> dict[str, Any] | str | None:
        """The message's object, a reject reason, or None for a tombstone in Connect's wrapper."""
        if value.startswith(_SCHEMA):
            for prefix in self._schemas:
                if value.startswith(prefix):
                    try:
                        payload = orjson.loads(_PAYLOAD_ONLY + value[len(prefix) :])["payload"]
                    except orjson.JSONDecodeError:
                        break  # parsed whole below, which decides
                    return payload if type(payload) is dict or payload is None else "unknown_format"
        try:
            message = orjson.loads(value)
        except orjson.JSONDecodeError:
            return "malformed_json"
        if type(message) is dict and "schema" in message and "payload" in message:
            self._learn(value, message["schema"])
            message = message["payload"]
            if message is None:
                return None
        return message if type(message) is dict else "unknown_format"


# The same checks as the function's decoders (adapters/customers/formats), written flat: every
# id through canonical_customer_id, every log position and number through the same rules, the
# Debezium placeholders looked for, customer event v1's schema checked field by field.
_Outcome = tuple[str, str, list[Any], str | None]
_OPERATIONS = frozenset({"c", "u", "r", "d"})
_UNAVAILABLE = DEFAULT_UNAVAILABLE_VALUES
_NOT_SNAPSHOT = (None, False, "false")


def _natural(value: object) -> int | None:
    """As adapters.customers.formats.debezium_source: a non-negative integer or digit string."""
    if type(value) is str and value.isascii() and value.isdigit() and len(value) <= _DIGITS:
        value = int(value)
    if type(value) is not int or not 0 <= value <= MAX_VERSION_PART:
        return None
    return value


def _lsn(value: object) -> int | None:
    if type(value) is not str or not _SQL_SERVER_LSN.fullmatch(value):
        return None
    return int(value.replace(":", ""), 16)


def _source_key(message: dict[str, Any], offset: int) -> str | None:
    source = message["source"]
    if type(source) is not dict:
        return None
    if source.get("commit_lsn") is not None:
        commit = _lsn(source["commit_lsn"])
        change = 0 if source.get("change_lsn") is None else _lsn(source["change_lsn"])
        serial = source.get("event_serial_no")
        serial_no = 0 if serial is None else _natural(serial)
        if commit is None or change is None or serial_no is None:
            return None
        return _KEY % (4, commit, change, serial_no)
    if source.get("connector") == "postgresql" or source.get("lsn") is not None:
        if message["op"] == "r" or source.get("snapshot") not in _NOT_SNAPSHOT:
            position = _natural(source.get("lsn"))  # the stream has no incremental snapshots
            return None if position is None else _KEY % (4, 0, position, 0)
        position = _natural(source.get("lsn"))
        if not position:
            return None
        transaction = message.get("transaction")
        order = _natural(transaction.get("total_order")) if type(transaction) is dict else None
        return _KEY % (4, position, 0, order or 0)
    ts_ms = _natural(source.get("ts_ms"))
    return None if ts_ms is None else _KEY % (3, ts_ms, offset, 0)


def _debezium(message: dict[str, Any], offset: int) -> _Outcome | str:
    operation = message["op"]
    if type(operation) is not str or operation not in _OPERATIONS:
        return "unsupported_operation"
    key = _source_key(message, offset)
    if key is None:
        return "invalid_version"
    if operation == "d":
        before = message.get("before")
        customer = canonical_customer_id(before.get("id")) if type(before) is dict else None
        if customer is None:  # the stream's deletions all carry their before image
            return "invalid_customer_id"
        return _removal(customer, key, "deleted")
    row = message.get("after")
    if type(row) is not dict:
        return "invalid_field"
    customer = canonical_customer_id(row.get("id"))
    if customer is None:
        return "invalid_customer_id"
    status, opt_out = row.get("status"), row.get("telemarketing_opt_out")
    status_unavailable = type(status) is str and status in _UNAVAILABLE
    opt_out_unavailable = type(opt_out) is str and opt_out in _UNAVAILABLE
    active = True if status_unavailable else active_from_status(status)
    if opt_out_unavailable or opt_out is None:
        opted_out: bool | None = False
    elif type(opt_out) is bool:
        opted_out = opt_out
    else:
        opted_out = opt_out == 1 if type(opt_out) is int and opt_out in (0, 1) else None
    if active is None or opted_out is None:
        return _subject_reject(customer, key, "invalid_field")
    if not active:
        return _removal(customer, key, "inactive")
    if opted_out:
        return _removal(customer, key, "opted_out")
    if status_unavailable or opt_out_unavailable:
        return _subject_reject(customer, key, "unavailable_value")
    for field in ("name", "phone", "state"):
        value = row.get(field)
        if type(value) is str and value in _UNAVAILABLE:
            # Not a reject: the function would settle the update on what Bank 2 holds.
            raise NotImplementedError("a Debezium placeholder: the floor leaves settling out")
    return _rules(customer, key, row, "name", "phone", "state")


def _legacy(message: dict[str, Any], offset: int) -> _Outcome | str:
    customer = canonical_customer_id(message["CD_CLIENTE"])
    if customer is None:
        return "invalid_customer_id"
    if offset < 0:
        return "invalid_version"
    active = active_from_status(message.get("STATUS"))
    if active is None:
        return "invalid_field"
    key = _KEY % (1, offset, 0, 0)
    if not active:
        return _removal(customer, key, "inactive")
    return _rules(customer, key, message, "NM_CLIENTE", "TEL_CLIENTE")


def _canonical(message: dict[str, Any], offset: int) -> _Outcome | str:
    """Customer event v1, checked as its schema says (adapters.customers.formats.canonical)."""
    raw_id = message["customer_id"]
    customer = canonical_customer_id(raw_id) if type(raw_id) in (str, int) else None
    if customer is None:
        return "invalid_customer_id"
    version, updated = message.get("version"), message.get("updated_at")
    if version is not None and (type(version) is not int or not 0 <= version <= MAX_VERSION_PART):
        return "invalid_version"
    micros = 0
    if updated is not None:
        if type(updated) is not str or not _RFC3339.fullmatch(updated):
            return "invalid_version"
        try:  # the pattern admits impossible dates (February 30th, hour 24)
            instant = datetime.fromisoformat(updated.upper()) - _EPOCH
        except ValueError:
            return "invalid_version"
        micros = instant.days * 86_400_000_000 + instant.seconds * 1_000_000 + instant.microseconds
        if micros < 0:
            return "invalid_version"
    status = message.get("status", "A")
    deleted = message.get("deleted", False)
    opted_out = message.get("telemarketing_opt_out", False)
    if status not in ("A", "I") or type(deleted) is not bool or type(opted_out) is not bool:
        return "invalid_field"
    if version is None and updated is None:
        return "invalid_version"
    key = _KEY % (2, version or 0, micros, offset)
    if deleted:
        return _removal(customer, key, "deleted")
    if status != "A":
        return _removal(customer, key, "inactive")
    if opted_out:
        return _removal(customer, key, "opted_out")
    return _rules(customer, key, message, "name", "phone", "state")


def _removal(customer: str, key: str, reason: str) -> _Outcome:
    return customer, key, [customer, key, None, None, None, 1, None, reason], None


def _subject_reject(customer: str, key: str, reason: str) -> _Outcome:
    """A reject about a known customer that writes nothing (its row is None)."""
    return customer, key, [], reason


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
    # As the domain's project: a state given decides (and must name one), else the area code.
    from_state = not (uf is None or (isinstance(uf, str) and not uf.strip()))
    if from_state:
        region = region_of_state(uf) if isinstance(uf, str) else None
    else:
        region = region_of_area_code(phone.area_code)
    if region is None:
        return customer, key, withdrawal, "invalid_state"
    return customer, key, [customer, key, name, phone.e164, region, 0, int(from_state), None], None
