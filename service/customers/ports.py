"""What the application services need from the outside world, as small interfaces.

Adapters implement these; tests may pass fakes. A store's methods are called inside one
unit of work, so everything a batch writes commits together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.customers.changes import ContactChange
from domain.customers.merging import HeldContact
from domain.customers.reasons import RejectReason
from domain.customers.removals import RemovalReason
from service.stream.records import Partition


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    """Where a rejected message sits in the stream, and why: enough to find it, nothing personal."""

    topic: str
    partition: int
    offset: int
    # A RejectReason; one read back from Bank 2 may be a code another release wrote, kept as text.
    reason: RejectReason | str
    # The customer the message was about, where it named one that could be read: Bank 2 keeps it
    # apart (rejected_message_subjects) for the data subject report. Never in a dead letter.
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class RemovalEntry:
    """One removal Bank 2 applied, for its removal log: who, why, at which version, and the
    message that caused it. No name, no phone."""

    customer_id: str
    reason: RemovalReason
    version_key: str
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class WrittenContacts:
    """What an upsert of contacts and removal markers wrote."""

    # The customers whose change was written (newer than what Bank 2 held).
    customer_ids: set[str]
    # Those of them whose contact was written with a phone that a do-not-call list holds:
    # Bank 2 keeps the contact, and the telesales view leaves it out.
    suppressed: set[str]


class ProjectionStore(Protocol):
    """Bank 2 as the customer projection writes it."""

    def applied_offsets(self, consumer_group: str) -> dict[Partition, int]:
        """The last offset applied per partition for this consumer group."""
        ...

    def held_contacts(self, customer_ids: Sequence[str]) -> dict[str, HeldContact]:
        """What Bank 2 holds for these customers (absent: nothing), their rows locked until the
        unit of work ends, so that a change that leaves fields out is settled on what it writes
        over. Called only for batches that have such changes. Customers Bank 2 does not hold
        yet are locked on SQL Server (key-range locks) and SQLite (one writer at a time) only:
        on PostgreSQL and MySQL another instance may insert one meanwhile, and the
        version-guarded upsert then keeps the newer of the two."""
        ...

    def write_contacts(self, changes: Sequence[ContactChange], now: datetime) -> WrittenContacts:
        """Upsert contacts and leave removal markers where the change is newer than what Bank 2
        holds; say which customers were written, and which of the contacts written a
        do-not-call list holds. A change not newer changes nothing.

        Where the store reads the stored versions before its upsert (MySQL), a concurrent writer
        can still make the upsert skip a change it reports written: Bank 2 stays right, only
        the stale count is low by that much."""
        ...

    def log_removals(self, entries: Sequence[RemovalEntry], now: datetime) -> None:
        """Append these removals to the removal log (only ever appended: the offsets written in
        the same transaction keep a redelivered batch from appending them again)."""
        ...

    def rejects_between(self, spans: Mapping[Partition, tuple[int, int]]) -> list[RejectedRecord]:
        """The rejects recorded for each partition between its first and last offset (both
        included): a redelivered batch reports its dead letters again."""
        ...

    def record_rejects(self, rejects: Sequence[RejectedRecord], now: datetime) -> None:
        """Record rejected messages, and the customer each was about where known; recording one
        twice keeps one."""
        ...

    def advance_offsets(
        self, consumer_group: str, offsets: Mapping[Partition, int], now: datetime
    ) -> None:
        """Move each partition's applied offset forward; never backward."""
        ...

    def purge_removal_markers(self, removed_before: datetime) -> int:
        """Delete removal markers older than the retention; return how many."""
        ...
