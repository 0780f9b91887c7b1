"""The customer projection's store in memory: the reference its contract suite states.

It behaves as the SQL stores do (``adapters/customers/store.py`` and the migrations): a change
is written only when its version key is newer than what is held, of one customer's changes in a
write the newest wins (the first on a tie), a removal leaves a marker without personal data,
offsets never move back, a reject (and the customer it was about) is recorded once, the removal
log is only appended to, the telesales view leaves out the contacts whose phone a do-not-call
list holds, and a value the schema would refuse (too long, a region outside the five) fails the
write with a ``StoreError`` that names the column, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from adapters.stream.memory import (
    REJECT_WIDTHS,
    MemoryDatabase,
    MemoryUnitOfWork,
    Rejects,
    check_width,
    record_rejects,
)
from domain.customers.changes import Contact, ContactChange
from domain.customers.merging import Fields, HeldContact
from domain.customers.regions import Region
from service.customers.ports import RejectedRecord, RemovalEntry, WrittenContacts
from service.stream.errors import StoreError
from service.stream.records import Partition

# The schema's widths, in characters (adapters/customers/migrations).
WIDTHS = {"customer_id": 128, "name": 120, "phone": 16}
_REGIONS = frozenset(region.value for region in Region)


@dataclass(slots=True)
class ContactRow:
    """A customer's row: a contact, or a removal marker (``removed_at`` set, no personal data)."""

    version: str
    name: str | None
    phone: str | None
    region: str | None
    region_from_state: bool | None
    removed_at: datetime | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class LoggedRemoval:
    """A row of the removal log."""

    entry: RemovalEntry
    applied_at: datetime


@dataclass(slots=True)
class ProjectionState:
    contacts: dict[str, ContactRow] = field(default_factory=dict)
    offsets: dict[tuple[str, str, int], int] = field(default_factory=dict)  # group, topic, p
    rejects: Rejects = field(default_factory=dict)
    # The customer each rejected message was about, where known, by its position.
    reject_subjects: dict[tuple[str, int, int], str] = field(default_factory=dict)
    removal_log: list[LoggedRemoval] = field(default_factory=list)
    # The phones the do-not-call lists hold, and which lists hold each.
    suppressed_phones: dict[str, set[str]] = field(default_factory=dict)

    def telesales_contacts(self) -> list[tuple[str, str, str, str]]:
        """What telesales read: the contacts that are neither removed nor suppressed by a
        do-not-call list, by customer id."""
        return [
            (customer_id, str(row.name), str(row.phone), str(row.region))
            for customer_id, row in sorted(self.contacts.items())
            if row.removed_at is None and not self.suppressed_phones.get(str(row.phone))
        ]


class MemoryProjectionStore:
    """``ProjectionStore`` on a unit of work's working copy."""

    def __init__(self, state: ProjectionState) -> None:
        self._state = state

    def applied_offsets(self, consumer_group: str) -> dict[Partition, int]:
        return {
            Partition(topic, partition): offset
            for (group, topic, partition), offset in self._state.offsets.items()
            if group == consumer_group
        }

    def held_contacts(self, customer_ids: Sequence[str]) -> dict[str, HeldContact]:
        held = {}
        for customer_id in customer_ids:
            row = self._state.contacts.get(customer_id)
            if row is not None:
                held[customer_id] = HeldContact(row.version, _fields(row))
        return held

    def write_contacts(self, changes: Sequence[ContactChange], now: datetime) -> WrittenContacts:
        rows = [_row(change, now) for change in changes]  # every row checked, as SQL sends all
        newest: dict[str, tuple[ContactChange, ContactRow]] = {}
        for change, row in zip(changes, rows, strict=True):
            kept = newest.get(change.customer_id)
            if kept is None or change.version.key > kept[0].version.key:
                newest[change.customer_id] = (change, row)
        written = set()
        for customer_id, (change, row) in newest.items():
            held = self._state.contacts.get(customer_id)
            if held is None or change.version.key > held.version:
                self._state.contacts[customer_id] = row
                written.add(customer_id)
        return WrittenContacts(written, self._suppressed_among(written))

    def _suppressed_among(self, customer_ids: set[str]) -> set[str]:
        suppressed = set()
        for customer_id in customer_ids:
            row = self._state.contacts[customer_id]
            if row.removed_at is None and self._state.suppressed_phones.get(str(row.phone)):
                suppressed.add(customer_id)
        return suppressed

    def log_removals(self, entries: Sequence[RemovalEntry], now: datetime) -> None:
        for entry in entries:
            _check_width("customer_id", entry.customer_id)
            check_width(REJECT_WIDTHS, "topic", entry.topic)
        self._state.removal_log.extend(LoggedRemoval(entry, now) for entry in entries)

    def rejects_between(self, spans: Mapping[Partition, tuple[int, int]]) -> list[RejectedRecord]:
        return [
            RejectedRecord(topic, partition, offset, reason)
            for (topic, partition, offset), reason in self._state.rejects.items()
            if (span := spans.get(Partition(topic, partition))) and span[0] <= offset <= span[1]
        ]

    def record_rejects(self, rejects: Sequence[RejectedRecord], now: datetime) -> None:  # noqa: ARG002 - kept by SQL only
        for reject in rejects:
            if reject.customer_id is not None:
                _check_width("customer_id", reject.customer_id)
        record_rejects(self._state.rejects, rejects)
        for reject in rejects:
            if reject.customer_id is not None:
                position = (reject.topic, reject.partition, reject.offset)
                self._state.reject_subjects.setdefault(position, reject.customer_id)

    def advance_offsets(
        self,
        consumer_group: str,
        offsets: Mapping[Partition, int],
        now: datetime,  # noqa: ARG002 - kept by SQL only
    ) -> None:
        for p, offset in offsets.items():
            key = (consumer_group, p.topic, p.partition)
            self._state.offsets[key] = max(offset, self._state.offsets.get(key, offset))

    def purge_removal_markers(self, removed_before: datetime) -> int:
        purged = [
            customer_id
            for customer_id, row in self._state.contacts.items()
            if row.removed_at is not None and row.removed_at < removed_before
        ]
        for customer_id in purged:
            del self._state.contacts[customer_id]
        return len(purged)


def memory_projection_units(
    database: MemoryDatabase[ProjectionState],
) -> Callable[[], MemoryUnitOfWork[ProjectionState, MemoryProjectionStore]]:
    """The customer projection's unit-of-work factory on an in-memory database."""
    return partial(MemoryUnitOfWork, database, MemoryProjectionStore)


def _row(change: ContactChange, now: datetime) -> ContactRow:
    _check_width("customer_id", change.customer_id)
    if not isinstance(change, Contact):
        return ContactRow(change.version.key, None, None, None, None, now, now)
    _check_width("name", change.name)
    _check_width("phone", change.phone)
    if str(change.region) not in _REGIONS:
        raise StoreError("write_contacts failed: region is not one of the five regions")
    return ContactRow(
        change.version.key,
        change.name,
        change.phone,
        str(change.region),
        change.region_from_state,
        None,
        now,
    )


def _fields(row: ContactRow) -> Fields | None:
    if row.removed_at is not None or row.name is None:
        return None
    return Fields(row.name, str(row.phone), Region(str(row.region)), row.region_from_state)


def _check_width(column: str, value: str) -> None:
    check_width(WIDTHS, column, value)
