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
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from domain.payments.transactions import (
    Decision,
    Status,
    Transaction,
    Unanswerable,
    decide,
)
from service.payments.ports import PaymentUnitOfWorkFactory, StoredOutcome, UnanswerableRecord
from service.payments.summary import PaymentBatch
from service.stream.clock import Clock, utc_now
from service.stream.errors import StoreError
from service.stream.records import Decoder, StreamRecord, Tombstone
from service.stream.retries import RetryPolicy
from service.stream.spans import offset_spans

Decoded = Transaction | Unanswerable | Tombstone

# Card expiry is judged on the calendar date in Brasília, the gateway's (and its issuers') time:
# UTC-3 all year, as Brazil has had no daylight saving time since 2019.
BRASILIA = timezone(timedelta(hours=-3), "BRT")


class PaymentProcessing:
    """Decides each transaction once and answers it with its stored outcome."""

    def __init__(
        self,
        unit_of_work: PaymentUnitOfWorkFactory,
        decode: Decoder[Decoded],
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
        batch = PaymentBatch(messages=len(records), offsets=offset_spans(records))
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
