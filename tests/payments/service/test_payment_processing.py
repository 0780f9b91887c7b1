"""The payment processor service on a real SQLite Bank 2, with the real message decoder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.engines.database import SqlBank2
from adapters.payments.format import decode_transaction_record
from adapters.payments.store import payment_unit_of_work
from domain.payments.messages import ErrorMessage, PaymentRejectReason
from domain.payments.transactions import Outcome, Status
from service.payments.processing import PaymentProcessing
from service.stream.errors import TransientStoreError
from service.stream.retries import RetryPolicy
from tests.payments.cards import AMEX, VISA
from tests.payments.support import CVV, HOLDER, Topic, transaction
from tests.support import FlakyUnitOfWork, query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LATER = datetime(2026, 11, 22, 12, 5, tzinfo=UTC)  # each unit of work has its own time
NO_WAIT = RetryPolicy(attempts=3, first_delay_s=0.0, max_delay_s=0.0, budget_s=10.0)

APPROVED = Status.APPROVED
REJECTED = Status.REJECTED


def processor(bank2: SqlBank2, now: datetime = NOW) -> PaymentProcessing:
    return PaymentProcessing(
        payment_unit_of_work(bank2), decode_transaction_record, retry=NO_WAIT, clock=lambda: now
    )


def rows(bank2: SqlBank2) -> list[tuple[object, ...]]:
    return query(
        bank2,
        "SELECT id, account_id, amount, status, error_message, card_brand, card_last_four,"
        " created_at, updated_at FROM transactions ORDER BY id",
    )


def test_a_batch_is_decided_stored_and_answered_in_order(bank2: SqlBank2) -> None:
    batch = processor(bank2).handle(
        Topic().records(
            transaction("t-1"),
            transaction("t-2", amount="1000.01"),
            transaction("t-3", credit_card_number=AMEX, credit_card_cvv="1234", amount="0.99"),
        )
    )
    assert batch.results == [
        Outcome("t-1", APPROVED, None),
        Outcome("t-2", REJECTED, "you dont have limit for this transaction"),
        Outcome("t-3", REJECTED, "the amount must be greater than 1"),
    ]
    assert (batch.approved, batch.rejected_total, batch.republished) == (1, 2, 0)
    stamp = "2026-11-22T12:00:00.000000Z"
    assert rows(bank2) == [
        ("t-1", "acc-1", "100.00", "approved", None, "visa", "1111", stamp, stamp),
        (
            "t-2",
            "acc-1",
            "1000.01",
            "rejected",
            "you dont have limit for this transaction",
            "visa",
            "1111",
            stamp,
            stamp,
        ),
        (
            "t-3",
            "acc-1",
            "0.99",
            "rejected",
            "the amount must be greater than 1",
            "amex",
            "0005",
            stamp,
            stamp,
        ),
    ]


def test_a_redelivery_after_the_card_expired_republishes_the_original_approval(
    bank2: SqlBank2,
) -> None:
    # Valid through 11/2026: approved on November 30th...
    records = Topic().records(transaction("t-1"))
    first = processor(bank2, datetime(2026, 11, 30, 12, tzinfo=UTC)).handle(records)
    assert first.results == [Outcome("t-1", APPROVED, None)]
    # ...and the same message, redelivered on December 1st, gets the same answer.
    again = processor(bank2, datetime(2026, 12, 1, 12, tzinfo=UTC)).handle(records)
    assert again.results == [Outcome("t-1", APPROVED, None)]
    assert (again.approved, again.rejected_total, again.republished) == (0, 0, 1)
    assert [row[3] for row in rows(bank2)] == ["approved"]


def test_a_fresh_transaction_with_that_card_on_december_1st_is_rejected(bank2: SqlBank2) -> None:
    batch = processor(bank2, datetime(2026, 12, 1, 12, tzinfo=UTC)).handle(
        Topic().records(transaction("t-2"))
    )
    assert batch.results == [Outcome("t-2", REJECTED, "card expired")]
    assert batch.rejected == {ErrorMessage.CARD_EXPIRED: 1}


def test_expiry_is_judged_on_the_date_in_brasilia(bank2: SqlBank2) -> None:
    # 02:00 UTC on December 1st is still 23:00 on November 30th in Brasília.
    batch = processor(bank2, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)).handle(
        Topic().records(transaction("t-1"))
    )
    assert batch.results == [Outcome("t-1", APPROVED, None)]


def test_the_first_outcome_stored_wins_whatever_a_later_message_says(bank2: SqlBank2) -> None:
    topic = Topic()
    processor(bank2).handle(topic.records(transaction("t-1", amount=5000)))
    later = processor(bank2, LATER).handle(topic.records(transaction("t-1", amount=10)))
    assert later.results == [Outcome("t-1", REJECTED, "you dont have limit for this transaction")]
    assert [(row[2], row[3]) for row in rows(bank2)] == [("5000.00", "rejected")]


def test_an_id_twice_in_one_batch_is_decided_by_its_first_message_and_answered_once(
    bank2: SqlBank2,
) -> None:
    batch = processor(bank2).handle(
        Topic().records(
            transaction("t-1", credit_card_cvv="1"),
            transaction("t-2"),
            transaction("t-1"),
        )
    )
    assert batch.results == [
        Outcome("t-1", REJECTED, "invalid cvv"),
        Outcome("t-2", APPROVED, None),
    ]
    assert batch.duplicates == 1


def test_unanswerable_messages_are_recorded_once_and_listed_for_every_delivery(
    bank2: SqlBank2,
) -> None:
    records = Topic().records(b"{oops", transaction("", amount=10), None, transaction("t-1"))
    for _ in range(2):
        batch = processor(bank2).handle(records)
        assert [(r.offset, r.reason) for r in batch.rejects] == [
            (0, PaymentRejectReason.MALFORMED_JSON),
            (1, PaymentRejectReason.INVALID_TRANSACTION_ID),
        ]
        assert batch.skipped == 1
    assert query(
        bank2, "SELECT topic, kafka_partition, kafka_offset, reason FROM rejected_messages"
    ) == [
        ("transactions", 0, 0, "malformed_json"),
        ("transactions", 0, 1, "invalid_transaction_id"),
    ]


def test_a_batch_of_tombstones_touches_nothing(bank2: SqlBank2) -> None:
    before = bank2.statements_executed
    batch = processor(bank2).handle(Topic().records(None, None))
    assert (batch.messages, batch.skipped, batch.results) == (2, 2, [])
    assert bank2.statements_executed == before


def test_a_batch_costs_the_same_statements_whatever_its_size(bank2: SqlBank2) -> None:
    topic = Topic()
    costs = []
    for size in (1, 50, 2000):
        before = bank2.statements_executed
        start = topic.next_offset
        topic_records = topic.records(
            *(transaction(f"t-{start + n}") for n in range(size)), b"not json"
        )
        processor(bank2).handle(topic_records)
        costs.append(bank2.statements_executed - before)
    # Store the decisions, read the outcomes back, record the rejects, commit.
    assert costs == [4, 4, 4]


def test_the_log_line_and_fields_carry_counts_and_offsets_only(bank2: SqlBank2) -> None:
    batch = processor(bank2).handle(
        Topic().records(transaction("t-1"), transaction("t-2", credit_card_cvv="x"), b"[]")
    )
    line = batch.log_line()
    assert line == (
        "payment batch: messages=3 approved=1 rejected=1 (invalid_cvv=1) republished=0 "
        "duplicates=0 skipped=0 unanswerable=1 (unknown_format=1) offsets=transactions[0]:0-2"
    )
    assert batch.as_fields()["payments_rejected_invalid_cvv"] == 1
    for secret in (VISA, CVV, HOLDER):
        assert secret not in line
        assert secret not in str(batch.as_fields())


def test_no_card_number_cvv_or_holder_name_is_stored(bank2: SqlBank2) -> None:
    processor(bank2).handle(
        Topic().records(
            transaction("t-1"), transaction("t-2", credit_card_number="4111 1111-1111 1112")
        )
    )
    connection = bank2.acquire()
    try:
        # Every row but the migrations' records, whose times' digits may spell any CVV.
        dump = "\n".join(
            line
            for line in connection.iterdump()  # type: ignore[attr-defined]
            if not line.startswith('INSERT INTO "schema_migrations"')
        )
    finally:
        bank2.release(broken=False)
    for secret in (VISA, "4111111111111112", "41111111111111", CVV, HOLDER, "Joana"):
        assert secret not in dump


def test_a_short_outage_is_retried_and_the_batch_is_answered(bank2: SqlBank2) -> None:
    flaky = FlakyUnitOfWork(payment_unit_of_work(bank2), failures=2)
    service = PaymentProcessing(flaky, decode_transaction_record, retry=NO_WAIT, clock=lambda: NOW)
    batch = service.handle(Topic().records(transaction("t-1")))
    assert batch.results == [Outcome("t-1", APPROVED, None)]


def test_a_lasting_outage_fails_the_batch_and_answers_nothing(bank2: SqlBank2) -> None:
    flaky = FlakyUnitOfWork(payment_unit_of_work(bank2), failures=3)
    service = PaymentProcessing(flaky, decode_transaction_record, retry=NO_WAIT, clock=lambda: NOW)
    with pytest.raises(TransientStoreError):
        service.handle(Topic().records(transaction("t-1")))
    assert rows(bank2) == []
