"""The customer projection's store on one open transaction of any SQL engine.

Every method sends one statement, whatever the number of rows: the rows travel as a single JSON
text parameter that the engine expands set-wise (``json_each``, ``OPENJSON``...). Writing
contacts sends up to three: the stored versions first where the engine's upsert cannot return
the rows it wrote (MySQL, SQLite before 3.35.4), the upsert, and which contacts written a
do-not-call list holds where the upsert cannot say it of each row (all but SQLite from 3.35.4
and PostgreSQL). A batch therefore costs a constant number of round trips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

import orjson

from adapters.customers.sql import projection_sql
from adapters.engines.database import SqlBank2, SqlUnitOfWork, Statements
from adapters.engines.engine import Connection, Engine
from adapters.engines.rejects import SqlRejects
from domain.customers.batches import newer_than_stored, newest_per_customer
from domain.customers.changes import Contact, ContactChange
from domain.customers.merging import Fields, HeldContact
from domain.customers.regions import Region
from service.customers.ports import RejectedRecord, RemovalEntry, WrittenContacts
from service.stream.records import Partition


def projection_unit_of_work(database: SqlBank2) -> SqlUnitOfWork[SqlProjectionStore]:
    """One transaction on this database, lending the customer projection's store."""
    return database.unit_of_work_for(SqlProjectionStore)


def projection_units(database: SqlBank2) -> Callable[[], SqlUnitOfWork[SqlProjectionStore]]:
    """The customer projection's unit-of-work factory on this database's connection."""
    return partial(projection_unit_of_work, database)


class SqlProjectionStore:
    """``ProjectionStore`` on one open transaction."""

    def __init__(
        self, engine: Engine, connection: Connection, on_statement: Callable[[], None]
    ) -> None:
        self._engine = engine
        self._sql = projection_sql(engine.name)
        self._statements = Statements(engine, connection, on_statement)
        self._rejects = SqlRejects(engine, self._statements)

    def applied_offsets(self, consumer_group: str) -> dict[Partition, int]:
        rows = self._query("applied_offsets", consumer_group=consumer_group)
        return {Partition(topic, int(partition)): int(offset) for topic, partition, offset in rows}

    def held_contacts(self, customer_ids: Sequence[str]) -> dict[str, HeldContact]:
        rows = self._query("held_contacts", customer_ids_json=_json(list(customer_ids)))
        return {str(row[0]): _held(row) for row in rows}

    def write_contacts(self, changes: Sequence[ContactChange], now: datetime) -> WrittenContacts:
        if not changes:
            return WrittenContacts(set(), set())
        if len({change.customer_id for change in changes}) < len(changes):
            # One row per customer, as the engines' upserts keep it (the newest, the first on a
            # tie): SQLite returns a row for each one it applies, so a customer sent twice
            # could be reported suppressed by a row its newer one replaced.
            changes, _ = newest_per_customer(changes)
        probe = self._sql.stored_versions
        if probe is not None:
            # This engine's upsert cannot name the rows it changed: read the stored versions
            # first and send only the newer changes, which are then the ones written.
            ids = _json([change.customer_id for change in changes])
            stored = dict(self._statements.query("stored_versions", probe, customer_ids_json=ids))
            changes, _ = newer_than_stored(changes, stored)
            if not changes:
                return WrittenContacts(set(), set())
        rows = _json(
            [
                # A contact's row, or a removal marker's; the version is its key, a str.
                [
                    c.customer_id,
                    c.version,
                    c.name,
                    c.phone,
                    c.region,
                    0,
                    _AS_NUMBER[c.region_from_state],
                ]
                if isinstance(c, Contact)
                else [c.customer_id, c.version, None, None, None, 1, None]
                for c in changes
            ]
        )
        now_param = self._engine.timestamp(now)
        if probe is not None:
            self._execute("write_contacts", rows_json=rows, now=now_param)
            return self._with_suppressed({change.customer_id for change in changes}, changes)
        returned = self._query("write_contacts", rows_json=rows, now=now_param)
        if self._sql.suppressed_among is None:  # each row returned says whether it is listed
            # customer_id is a text column: every driver hands it back as str.
            written: set[str] = set()
            suppressed: set[str] = set()
            for customer_id, listed in returned:
                written.add(customer_id)
                if listed:
                    suppressed.add(customer_id)
            return WrittenContacts(written, suppressed)
        return self._with_suppressed({str(customer_id) for (customer_id,) in returned}, changes)

    def _with_suppressed(
        self, written: set[str], changes: Sequence[ContactChange]
    ) -> WrittenContacts:
        """Ask which of the contacts written a do-not-call list holds, in a statement of its own."""
        contacts = [
            c.customer_id for c in changes if isinstance(c, Contact) and c.customer_id in written
        ]
        if not contacts:
            return WrittenContacts(written, set())
        rows = self._query("suppressed_among", customer_ids_json=_json(contacts))
        return WrittenContacts(written, {str(customer_id) for (customer_id,) in rows})

    def log_removals(self, entries: Sequence[RemovalEntry], now: datetime) -> None:
        rows = [
            [e.customer_id, str(e.reason), e.version_key, e.topic, e.partition, e.offset]
            for e in entries
        ]
        self._execute("log_removals", rows_json=_json(rows), now=self._engine.timestamp(now))

    def rejects_between(self, spans: Mapping[Partition, tuple[int, int]]) -> list[RejectedRecord]:
        return [RejectedRecord(*row) for row in self._rejects.between(spans)]

    def record_rejects(self, rejects: Sequence[RejectedRecord], now: datetime) -> None:
        self._rejects.record(rejects, now)
        subjects = [
            [r.topic, r.partition, r.offset, r.customer_id]
            for r in rejects
            if r.customer_id is not None
        ]
        if subjects:
            self._execute("record_subjects", rows_json=_json(subjects))

    def advance_offsets(
        self, consumer_group: str, offsets: Mapping[Partition, int], now: datetime
    ) -> None:
        rows = [[p.topic, p.partition, offset] for p, offset in offsets.items()]
        self._execute(
            "advance_offsets",
            consumer_group=consumer_group,
            rows_json=_json(rows),
            now=self._engine.timestamp(now),
        )

    def purge_removal_markers(self, removed_before: datetime) -> int:
        return self._execute(
            "purge_removal_markers", removed_before=self._engine.timestamp(removed_before)
        )

    def _query(self, statement: str, **values: object) -> list[Any]:
        return self._statements.query(statement, getattr(self._sql, statement), **values)

    def _execute(self, statement: str, **values: object) -> int:
        return self._statements.execute(statement, getattr(self._sql, statement), **values)


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


# region_from_state as every engine's JSON expansion reads it: 1, 0 or null.
_AS_NUMBER = {True: 1, False: 0, None: None}


def _held(row: Sequence[object]) -> HeldContact:
    """One row of ``held_contacts``: (customer_id, version, name, phone, region,
    region_from_state, removed)."""
    _, version, name, phone, region, region_from_state, removed = row
    if removed or name is None:
        return HeldContact(str(version), None)
    from_state = None if region_from_state is None else bool(region_from_state)
    fields = Fields(str(name), str(phone), Region(str(region)), from_state)
    return HeldContact(str(version), fields)
