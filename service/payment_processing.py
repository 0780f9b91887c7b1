"""The payment processor: one batch of transaction messages decided, stored and answered.

Delivery semantics: every transaction is decided at most once. Decoding and the rules run first,
outside any transaction; then one transaction stores each decision unless its transaction id
already has one (insert-if-absent: the first outcome wins), reads back the stored outcome of
every transaction in the batch, records the unanswerable messages, and commits. The answers are
the STORED outcomes, so a redelivered transaction gets the very answer it got the first time,
even if the rules would now decide otherwise (its card has expired since, say).

If the answers cannot be published after the commit, the invocation fails, Kafka redelivers the
batch, and the same answers are published again: consumers deduplicate by transaction id.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from domain.payments.messages import ErrorMessage, PaymentRejectReason
from domain.payments.transactions import (
    Decision,
    Outcome,
    Status,
    Transaction,
    Unanswerable,
    decide,
)
from service.payment_ports import PaymentUnitOfWorkFactory, StoredOutcome, UnanswerableRecord
from service.ports import StoreError
from service.records import Partition, StreamRecord, Tombstone
from service.retries import RetryPolicy

Decoded = Transaction | Unanswerable | Tombstone
TransactionDecoder = Callable[[StreamRecord], Decoded]
Clock = Callable[[], datetime]

# Card expiry is judged on the calendar date in Brasília, the gateway's (and its issuers') time:
# UTC-3 all year, as Brazil has had no daylight saving time since 2019.
BRASILIA = timezone(timedelta(hours=-3), "BRT")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class PaymentBatch:
    """What one batch did, and what to publish: counts, ids and outcomes, never card data."""

    messages: int = 0
    approved: int = 0  # decided in this batch
    rejected: Counter[ErrorMessage] = field(default_factory=Counter)  # decided in this batch
    republished: int = 0  # transactions decided by an earlier delivery, answered again
    duplicates: int = 0  # messages repeating a transaction id earlier in the same batch
    skipped: int = 0  # tombstones
    unanswerable: Counter[PaymentRejectReason] = field(default_factory=Counter)
    # One answer per transaction id, in the order the ids first appear in the batch.
    results: list[Outcome] = field(default_factory=list)
    # Every unanswerable message of the batch, redelivered ones included, for the dead letters.
    rejects: list[UnanswerableRecord] = field(default_factory=list)
    offsets: dict[Partition, tuple[int, int]] = field(default_factory=dict)
    write_seconds: float = 0.0  # in the payments database, retries included

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    @property
    def unanswerable_total(self) -> int:
        return sum(self.unanswerable.values())

    def as_fields(self) -> dict[str, int | str]:
        """Flat fields for structured logs and telemetry dimensions."""
        fields: dict[str, int | str] = {
            "payments_messages": self.messages,
            "payments_approved": self.approved,
            "payments_rejected": self.rejected_total,
            "payments_republished": self.republished,
            "payments_duplicates": self.duplicates,
            "payments_skipped": self.skipped,
            "payments_unanswerable": self.unanswerable_total,
        }
        for message, count in self.rejected.items():
            fields[f"payments_rejected_{message.name.lower()}"] = count
        for reason, count in self.unanswerable.items():
            fields[f"payments_unanswerable_{reason}"] = count
        return fields

    def log_line(self) -> str:
        rejected = ", ".join(f"{m.name.lower()}={n}" for m, n in sorted(self.rejected.items()))
        unanswerable = ", ".join(f"{r}={n}" for r, n in sorted(self.unanswerable.items()))
        spans = " ".join(
            f"{p.topic}[{p.partition}]:{first}-{last}"
            for p, (first, last) in sorted(self.offsets.items())
        )
        return (
            f"payment batch: messages={self.messages} approved={self.approved} "
            f"rejected={self.rejected_total}"
            + (f" ({rejected})" if rejected else "")
            + f" republished={self.republished} duplicates={self.duplicates} "
            f"skipped={self.skipped} unanswerable={self.unanswerable_total}"
            + (f" ({unanswerable})" if unanswerable else "")
            + f" offsets={spans}"
        )


class PaymentProcessing:
    """Decides each transaction once and answers it with its stored outcome."""

    def __init__(
        self,
        unit_of_work: PaymentUnitOfWorkFactory,
        decode: TransactionDecoder,
        *,
        retry: RetryPolicy | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._decode = decode
        self._retry = retry or RetryPolicy()
        self._clock = clock

    def handle(self, records: Sequence[StreamRecord]) -> PaymentBatch:
        """Decide, store and answer one delivered batch; raise if it cannot be stored."""
        now = self._clock()
        batch = PaymentBatch(messages=len(records), offsets=_offset_spans(records))
        decisions = self._decide(records, now.astimezone(BRASILIA).date(), batch)
        if not decisions and not batch.rejects:
            return batch
        started = time.perf_counter()
        stored = self._retry.run(lambda: self._write(decisions, batch.rejects, now))
        batch.write_seconds = time.perf_counter() - started
        for decision in decisions:
            answer = stored.get(decision.transaction_id)
            if answer is None:
                # The store broke its contract: publishing nothing is better than guessing.
                raise StoreError("the payments database returned no outcome for a transaction")
            batch.results.append(answer.outcome)
            if not answer.decided_now:
                batch.republished += 1
            elif answer.outcome.status is Status.APPROVED:
                batch.approved += 1
            elif decision.error is not None:
                batch.rejected[decision.error] += 1
        return batch

    def _decide(
        self, records: Sequence[StreamRecord], today: date, batch: PaymentBatch
    ) -> list[Decision]:
        decisions: dict[str, Decision] = {}
        for record in records:
            decoded = self._decode(record)
            if isinstance(decoded, Tombstone):
                batch.skipped += 1
            elif isinstance(decoded, Unanswerable):
                batch.unanswerable[decoded.reason] += 1
                batch.rejects.append(
                    UnanswerableRecord(
                        record.topic, record.partition, record.offset, decoded.reason
                    )
                )
            elif decoded.id in decisions:
                batch.duplicates += 1  # the first delivery of an id decides, as in the store
            else:
                decisions[decoded.id] = decide(decoded, today)
        return list(decisions.values())

    def _write(
        self, decisions: Sequence[Decision], rejects: Sequence[UnanswerableRecord], now: datetime
    ) -> dict[str, StoredOutcome]:
        stored: dict[str, StoredOutcome] = {}
        with self._unit_of_work() as uow:
            if decisions:
                uow.store.record_decisions(decisions, now)
                ids = [decision.transaction_id for decision in decisions]
                stored = uow.store.stored_outcomes(ids, now)
            if rejects:
                uow.store.record_rejects(rejects, now)
            uow.commit()
        return stored


def _offset_spans(records: Sequence[StreamRecord]) -> dict[Partition, tuple[int, int]]:
    spans: dict[Partition, tuple[int, int]] = {}
    for record in records:
        first, last = spans.get(record.stream, (record.offset, record.offset))
        spans[record.stream] = (min(first, record.offset), max(last, record.offset))
    return spans
