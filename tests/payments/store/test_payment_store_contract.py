"""The payment processor's store contract, on every backend: the in-memory reference and each
engine that runs here, a fresh database per test.

Exactly one stored outcome per transaction id, however often it is delivered; the answer is
always the stored one. What only a SQL engine can show (statements per batch, migrations,
concurrent instances, the read-back check against a database that changes a row) is tested in
``test_payment_store_sql.py``.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from domain.payments.brands import Brand
from domain.payments.cards import CardSummary
from domain.payments.messages import ErrorMessage, PaymentRejectReason
from domain.payments.transactions import Decision, Outcome, Status
from service.payments.ports import StoredOutcome, UnanswerableRecord
from service.stream.errors import StoreError
from tests.backends import PaymentBackend, payment_backend

__all__ = ["payment_backend"]  # the fixture, run on every backend

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
VISA_1111 = CardSummary(Brand.VISA, "1111")


def approved(transaction_id: str, amount: str = "10.00") -> Decision:
    return Decision(transaction_id, "acc-1", Decimal(amount), None, VISA_1111)


def rejected(transaction_id: str, error: ErrorMessage = ErrorMessage.OVER_LIMIT) -> Decision:
    return Decision(transaction_id, "acc-2", Decimal("1000.01"), error, VISA_1111)


def record(
    backend: PaymentBackend, *decisions: Decision, now: datetime = NOW
) -> dict[str, StoredOutcome]:
    with backend.units()() as uow:
        uow.store.record_decisions(list(decisions), now)
        stored = uow.store.stored_outcomes([d.transaction_id for d in decisions], now)
        uow.commit()
    return stored


def test_decisions_are_stored_exactly_without_card_data(payment_backend: PaymentBackend) -> None:
    invalid_card = Decision("t-3", "acc-3", Decimal("5.00"), ErrorMessage.INVALID_CARD_NUMBER, None)
    no_amount = Decision("t-4", "acc-4", None, ErrorMessage.INVALID_AMOUNT, VISA_1111)
    record(payment_backend, approved("t-1", "1000.00"), rejected("t-2"), invalid_card, no_amount)
    assert payment_backend.transactions() == [
        ("t-1", "acc-1", Decimal("1000.00"), "approved", None, "visa", "1111"),
        (
            "t-2",
            "acc-2",
            Decimal("1000.01"),
            "rejected",
            "you dont have limit for this transaction",
            "visa",
            "1111",
        ),
        ("t-3", "acc-3", Decimal("5.00"), "rejected", "invalid credit card number", None, None),
        ("t-4", "acc-4", None, "rejected", "invalid amount", "visa", "1111"),
    ]


def test_the_stored_outcome_says_whether_this_unit_of_work_decided_it(
    payment_backend: PaymentBackend,
) -> None:
    assert record(payment_backend, approved("t-1")) == {
        "t-1": StoredOutcome(Outcome("t-1", Status.APPROVED, None), decided_now=True)
    }
    assert record(payment_backend, rejected("t-1"), now=LATER) == {
        "t-1": StoredOutcome(Outcome("t-1", Status.APPROVED, None), decided_now=False)
    }
    assert payment_backend.transactions()[0][3] == "approved"


def test_of_two_decisions_for_one_id_in_a_write_the_first_is_kept(
    payment_backend: PaymentBackend,
) -> None:
    stored = record(payment_backend, rejected("t-1", ErrorMessage.INVALID_CVV), approved("t-1"))
    assert stored["t-1"].outcome == Outcome("t-1", Status.REJECTED, "invalid cvv")
    assert len(payment_backend.transactions()) == 1


def test_ids_are_exact_case_sensitive_and_unicode(payment_backend: PaymentBackend) -> None:
    ids = ["abc", "ABC", "pagamento-ção-1", "x" * 64]
    stored = record(payment_backend, *(approved(i) for i in ids))
    assert set(stored) == set(ids)
    assert sorted(str(row[0]) for row in payment_backend.transactions()) == sorted(ids)


def test_an_unknown_id_has_no_stored_outcome(payment_backend: PaymentBackend) -> None:
    record(payment_backend, approved("t-1"))
    with payment_backend.units()() as uow:
        assert set(uow.store.stored_outcomes(["t-1", "t-2"], LATER)) == {"t-1"}


def test_rejects_are_recorded_once_per_message(payment_backend: PaymentBackend) -> None:
    reject = UnanswerableRecord("transactions", 1, 9, PaymentRejectReason.INVALID_AMOUNT)
    for _ in range(2):
        with payment_backend.units()() as uow:
            uow.store.record_rejects([reject, reject], NOW)
            uow.commit()
    assert payment_backend.rejects() == [("transactions", 1, 9, "invalid_amount")]


def test_leaving_a_unit_of_work_without_commit_stores_nothing(
    payment_backend: PaymentBackend,
) -> None:
    with payment_backend.units()() as uow:
        uow.store.record_decisions([approved("t-1")], NOW)
    assert payment_backend.transactions() == []
    assert record(payment_backend, rejected("t-1"))["t-1"].outcome.status is Status.REJECTED


def test_an_id_longer_than_its_column_is_never_kept_cut_short(
    payment_backend: PaymentBackend,
) -> None:
    # The decoder refuses ids over 64 characters; a store is the last line: it refuses one, or
    # (SQLite, without widths) keeps it whole. Never a shorter id answering another transaction.
    long_id = "t-" + "9" * 70
    if not payment_backend.enforces_widths:
        record(payment_backend, approved(long_id))
        assert [row[0] for row in payment_backend.transactions()] == [long_id]
        return
    with pytest.raises(StoreError) as raised:
        record(payment_backend, approved("t-1"), approved(long_id))
    assert long_id not in "".join(traceback.format_exception(raised.value))
    assert payment_backend.transactions() == []
