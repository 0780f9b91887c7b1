"""The customer projection service: one batch of stream records into Bank 2, in one transaction.

Delivery semantics: a batch is all-or-nothing. Decoding and the domain rules run first, outside
any transaction; then one transaction reads the applied offsets, writes the contacts and removal
markers newer than what Bank 2 holds (the store says which it wrote), appends each removal it
wrote to the removal log (and each contact it wrote that a do-not-call list keeps from
telesales), records the rejects and the new offsets, and commits. If it cannot commit, the
batch fails and Kafka redelivers it; the offsets stored with the rows make the redelivery
harmless.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customers.batches import reduce_batch
from domain.customers.changes import (
    Contact,
    ContactChange,
    CustomerChange,
    ProjectedChange,
    Rejection,
    Removal,
    project,
)
from domain.customers.merging import settle
from domain.customers.reasons import RejectReason
from domain.customers.removals import RemovalReason
from service.customers.ports import ProjectionStore, RejectedRecord, RemovalEntry
from service.customers.summary import BatchSummary
from service.stream.clock import Clock, utc_now
from service.stream.delivery import Delivery, sort_by_offsets
from service.stream.records import Decoder, StreamRecord, Tombstone
from service.stream.retries import RetryPolicy
from service.stream.unit_of_work import UnitOfWorkFactory

Decoded = CustomerChange | Rejection | Tombstone


@dataclass(slots=True)  # not frozen: one is built per event, and frozen fields cost more to set
class _Projected:
    """A record's place and what it decided: its bytes are not kept once it is decoded."""

    topic: str
    partition: int
    offset: int
    outcome: ProjectedChange | Rejection | Tombstone


class CustomerProjection:
    """Keeps Bank 2's telesales contacts in step with the customer stream."""

    def __init__(  # noqa: PLR0913 - the composition root passes each collaborator explicitly
        self,
        unit_of_work: UnitOfWorkFactory[ProjectionStore],
        decode: Decoder[Decoded],
        consumer_group: str,
        *,
        retry: RetryPolicy | None = None,
        marker_retention: timedelta = timedelta(days=30),
        purge_interval: timedelta = timedelta(hours=1),
        clock: Clock = utc_now,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._decode = decode
        self._consumer_group = consumer_group
        self._retry = retry or RetryPolicy()
        self._marker_retention = marker_retention
        self._purge_interval = purge_interval
        self._clock = clock
        self._last_purge: datetime | None = None

    def handle(self, records: Iterable[StreamRecord]) -> BatchSummary:
        """Project one delivered batch; raise if Bank 2 cannot take it, so it is redelivered.

        Each record is read once, in order, and only its place and outcome are kept: given an
        iterator, the batch's message bytes are released as they are decoded.
        """
        decode = self._decode
        projected = []
        for record in records:  # inline, not a method per record: this loop runs per event
            decoded = decode(record)
            outcome = project(decoded) if isinstance(decoded, CustomerChange) else decoded
            projected.append(_Projected(record.topic, record.partition, record.offset, outcome))
        started = time.perf_counter()
        summary = self._retry.run(lambda: self._write(projected))
        summary.write_seconds = time.perf_counter() - started
        return summary

    def _write(self, projected: Sequence[_Projected]) -> BatchSummary:
        summary = BatchSummary(events=len(projected))
        now = self._clock()
        with self._unit_of_work() as uow:
            delivery = sort_by_offsets(projected, uow.store.applied_offsets(self._consumer_group))
            fresh = delivery.fresh
            summary.duplicates = len(projected) - len(fresh)

            changes, rejects, updates = _sorted_outcomes(fresh, summary)
            to_write = self._settle(uow.store, changes, summary, rejects, updates)
            if to_write:
                _write_contacts(uow.store, to_write, fresh, summary, now)
            if rejects:
                uow.store.record_rejects(rejects, now)
            summary.rejected_records = _replayed_rejects(uow.store, delivery) + rejects
            summary.offsets = delivery.spans
            if delivery.advanced:
                uow.store.advance_offsets(self._consumer_group, delivery.advanced, now)
            purging = self._purge_due(now)
            if purging:
                uow.store.purge_removal_markers(now - self._marker_retention)
            uow.commit()
        if purging:
            self._last_purge = now
        return summary

    @staticmethod
    def _settle(
        store: ProjectionStore,
        changes: list[ProjectedChange],
        summary: BatchSummary,
        rejects: list[RejectedRecord],
        updates: dict[int, _Projected],
    ) -> list[ContactChange]:
        """Each customer's newest change, those that leave fields out settled on Bank 2's."""
        reduced = reduce_batch(changes)
        summary.superseded = reduced.superseded
        to_write = reduced.newest
        if not reduced.updates:
            return to_write
        held = store.held_contacts(list(reduced.updates))
        for customer_id, history in reduced.updates.items():
            settled = settle(history, held.get(customer_id))
            if settled.write is not None:
                to_write.append(settled.write)
                if settled.write.version != history[-1].version:
                    summary.superseded -= 1  # an older change of the batch is written after all
            if settled.refused is not None:
                _reject(
                    summary,
                    rejects,
                    updates[id(settled.refused)],
                    RejectReason.UNAVAILABLE_VALUE,
                    customer_id,
                )
            if settled.stale:
                summary.stale += 1
        return to_write

    def _purge_due(self, now: datetime) -> bool:
        return self._last_purge is None or now - self._last_purge >= self._purge_interval


def _sorted_outcomes(
    fresh: Sequence[_Projected], summary: BatchSummary
) -> tuple[list[ProjectedChange], list[RejectedRecord], dict[int, _Projected]]:
    """The changes to write, the rejects to record, and where each ContactUpdate came from."""
    changes: list[ProjectedChange] = []
    rejects: list[RejectedRecord] = []
    updates: dict[int, _Projected] = {}
    for item in fresh:
        outcome = item.outcome
        kind = type(outcome)
        if kind is Contact or kind is Removal:  # most of them: one test each
            changes.append(outcome)  # type: ignore[arg-type]  # narrowed by the test above
        elif kind is Tombstone:
            summary.skipped += 1
        elif isinstance(outcome, Rejection):
            _reject(summary, rejects, item, outcome.reason, outcome.about)
            if outcome.withdraws is not None:
                changes.append(outcome.withdraws)
        else:
            changes.append(outcome)  # type: ignore[arg-type]  # a ContactUpdate
            updates[id(outcome)] = item
    return changes, rejects, updates


def _replayed_rejects(
    store: ProjectionStore, delivery: Delivery[_Projected]
) -> list[RejectedRecord]:
    """The rejects an earlier delivery of these records recorded: their dead letters are
    published again, at least once, since that delivery may have failed after its commit."""
    if not delivery.replayed:
        return []
    return [
        reject
        for reject in store.rejects_between(delivery.replayed_spans)
        if (reject.topic, reject.partition, reject.offset) in delivery.replayed
    ]


def _reject(
    summary: BatchSummary,
    rejects: list[RejectedRecord],
    item: _Projected,
    reason: RejectReason,
    customer_id: str | None,
) -> None:
    rejects.append(RejectedRecord(item.topic, item.partition, item.offset, reason, customer_id))
    summary.rejected[reason] += 1


def _write_contacts(
    store: ProjectionStore,
    to_write: Sequence[ContactChange],
    fresh: Sequence[_Projected],
    summary: BatchSummary,
    now: datetime,
) -> None:
    """Write the contacts and removal markers, count them, and log the removals written."""
    written = store.write_contacts(to_write, now)
    logged = _count_writes(summary, to_write, written.customer_ids, written.suppressed)
    if logged:
        store.log_removals(_removals(fresh, logged), now)


def _count_writes(
    summary: BatchSummary,
    newest: Sequence[ContactChange],
    written: set[str],
    suppressed: set[str],
) -> dict[tuple[str, str], RemovalReason]:
    """Count what the store wrote (the changes it did not write were stale: not newer), and
    say which of them the removal log records: each removal, and each contact a do-not-call
    list keeps from telesales, by customer and version."""
    logged: dict[tuple[str, str], RemovalReason] = {}
    for change in newest:
        customer_id = change.customer_id
        if customer_id not in written:
            summary.stale += 1
        elif isinstance(change, Contact):
            if customer_id in suppressed:
                summary.suppressed += 1
                logged[customer_id, change.version] = RemovalReason.DO_NOT_CALL
            else:
                summary.upserted += 1
        else:
            if change.withdrawn:
                summary.withdrawn += 1
            else:
                summary.removed += 1
            logged[customer_id, change.version] = change.reason
    return logged


def _removals(
    fresh: Sequence[_Projected], logged: dict[tuple[str, str], RemovalReason]
) -> list[RemovalEntry]:
    """The removal log's entries for what this batch wrote, with the message each came from:
    the last of its duplicates."""
    customers = {customer_id for customer_id, _ in logged}
    entries: dict[tuple[str, str], RemovalEntry] = {}
    for item in fresh:
        outcome = item.outcome
        source: ProjectedChange | None
        if isinstance(outcome, Rejection):
            source = outcome.withdraws
        elif isinstance(outcome, Tombstone):
            continue
        else:
            source = outcome
        if source is None or source.customer_id not in customers:
            continue
        key = (source.customer_id, source.version)
        reason = logged.get(key)
        if reason is not None:
            entries[key] = RemovalEntry(
                key[0], reason, key[1], item.topic, item.partition, item.offset
            )
    return list(entries.values())
