"""Hostile ids through the real decoder, service and store, on every engine that runs here.

The attack this guards against: an id that an engine stores otherwise than it was decided on.
On SQLite "42\\u0000x" was stored as "42" (json_extract ends a text at a NUL), so the first
outcome stored for 42 was that message's, and the real transaction 42 got its answer; on
PostgreSQL the same id failed its batch on every delivery (SQLSTATE 22P05).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.engines.database import SqlBank2
from adapters.payments.format import decode_transaction_record
from adapters.payments.store import SqlPaymentStore, payment_unit_of_work
from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Decision, Outcome, Status
from service.payments.processing import PaymentProcessing
from service.stream.errors import StoreError
from service.stream.retries import RetryPolicy
from tests.payments.support import Topic, transaction
from tests.support import query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=2, first_delay_s=0.0, max_delay_s=0.0, budget_s=10.0)
OVER_LIMIT = "you dont have limit for this transaction"


def processor(bank: SqlBank2, minutes: int = 0) -> PaymentProcessing:
    # Each unit of work its own time, as the port requires (``now`` tells what it decided).
    moment = NOW + timedelta(minutes=minutes)
    return PaymentProcessing(
        payment_unit_of_work(bank), decode_transaction_record, retry=NO_WAIT, clock=lambda: moment
    )


def raw_message(transaction_id_json: str, **changes: object) -> bytes:
    """A transaction whose id is written as this JSON text, escapes and all."""
    text = json.dumps(transaction("PLACEHOLDER", **changes))
    return text.replace('"PLACEHOLDER"', transaction_id_json).encode()


def stored_ids(bank: SqlBank2) -> list[str]:
    return sorted(str(row[0]) for row in query(bank, "SELECT id FROM transactions"))


def test_a_nul_in_an_id_is_refused_and_the_real_id_is_decided_on_its_own(bank: SqlBank2) -> None:
    topic = Topic()
    first = processor(bank).handle(
        [*topic.records(raw_message(r'"42\u0000x"'), transaction("t-1"))]
    )
    # Refused and recorded; the batch goes on.
    assert first.unanswerable == {PaymentRejectReason.INVALID_TRANSACTION_ID: 1}
    assert first.results == [Outcome("t-1", Status.APPROVED, None)]
    assert query(bank, "SELECT kafka_offset, reason FROM rejected_messages") == [
        (0, "invalid_transaction_id")
    ]
    # The real 42, over the limit, is answered for what it is: not with the refused one's answer.
    later = processor(bank, minutes=5).handle(topic.records(transaction("42", amount="5000.00")))
    assert later.results == [Outcome("42", Status.REJECTED, OVER_LIMIT)]
    assert stored_ids(bank) == ["42", "t-1"]


@pytest.mark.parametrize(
    "id_json",
    [
        r'"\u0001"',
        r'"x\u001f"',
        r'"x\u007f"',
        r'"x\u0085y"',
        r'"\u009f"',
        r'"x\ud800"',
        r'"\udfff"',
    ],
)
def test_controls_and_lone_surrogates_in_an_id_are_refused_without_failing_the_batch(
    bank: SqlBank2, id_json: str
) -> None:
    # A lone surrogate used to fail every delivery: no UTF-8 encoder takes it.
    batch = processor(bank).handle(Topic().records(raw_message(id_json), transaction("t-1")))
    assert batch.unanswerable == {PaymentRejectReason.INVALID_TRANSACTION_ID: 1}
    assert batch.results == [Outcome("t-1", Status.APPROVED, None)]
    assert stored_ids(bank) == ["t-1"]


def test_ids_an_engine_could_confuse_are_stored_and_answered_exactly(bank: SqlBank2) -> None:
    ids = [
        "café",  # composed (NFC)
        "cafe\u0301",  # the same word decomposed (NFD): another id, on every engine
        "ABC",
        "abc",
        "\U0001f600" * 64,  # 64 characters, 128 UTF-16 code units
        "a b",
        "x" * 64,
    ]
    batch = processor(bank).handle(Topic().records(*(transaction(i) for i in ids)))
    assert [o.transaction_id for o in batch.results] == ids
    assert stored_ids(bank) == sorted(ids)


def test_surrounding_spaces_name_the_same_transaction_on_every_engine(bank: SqlBank2) -> None:
    # Ids are stripped before they reach a PAD SPACE collation (MariaDB's utf8mb4_bin), where
    # "t-1" and "t-1 " would be one key: no id that reaches SQL ends with a space.
    batch = processor(bank).handle(
        Topic().records(transaction(" t-1 "), transaction("t-1", amount="5000.00"))
    )
    assert batch.results == [Outcome("t-1", Status.APPROVED, None)]
    assert batch.duplicates == 1
    assert stored_ids(bank) == ["t-1"]


def test_a_decision_an_engine_would_store_otherwise_is_never_committed(bank: SqlBank2) -> None:
    # Past the decoder's rules, the store's read-back is the second line: an id cut or refused
    # by the engine fails the unit of work before its commit (MariaDB stores a NUL exactly).
    hostile = Decision("42\x00x", "acc-1", Decimal("10.00"), None, None)
    try:
        with bank.unit_of_work_for(SqlPaymentStore) as uow:
            uow.store.record_decisions([hostile], NOW)
            stored = uow.store.stored_outcomes([hostile.transaction_id], NOW)
            uow.commit()
    except StoreError:
        assert stored_ids(bank) == []
    else:
        assert stored == {"42\x00x": stored[hostile.transaction_id]}
        assert stored_ids(bank) == ["42\x00x"]
    later = processor(bank, minutes=5).handle(Topic().records(transaction("42", amount="5000")))
    assert later.results == [Outcome("42", Status.REJECTED, OVER_LIMIT)]
