"""The payments store on SQL engines only (``engine_url``): SQLite, PostgreSQL and MariaDB, and
SQL Server when configured, each a fresh database per test.

What a SQL engine adds to the store contract (test_payment_store_contract.py, which also runs on
the in-memory reference): the schema, one statement per batch, migrations, instances racing on
their own connections, and the read-back check against a database that changes a row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from adapters.payments.format import decode_transaction_record
from adapters.payments.store import SqlPaymentStore, payment_unit_of_work
from domain.payments.brands import Brand
from domain.payments.cards import CardSummary
from domain.payments.messages import ErrorMessage
from domain.payments.transactions import Decision, Outcome, Status
from service.payments.ports import StoredOutcome
from service.payments.processing import PaymentProcessing
from service.stream.errors import StoreError
from service.stream.retries import RetryPolicy
from tests.payments.support import Topic, transaction
from tests.support import columns_of, query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)
NO_WAIT = RetryPolicy(attempts=5, first_delay_s=0.0, max_delay_s=0.0, budget_s=60.0)
VISA_1111 = CardSummary(Brand.VISA, "1111")


def approved(transaction_id: str, amount: str = "10.00") -> Decision:
    return Decision(transaction_id, "acc-1", Decimal(amount), None, VISA_1111)


def rejected(transaction_id: str, error: ErrorMessage = ErrorMessage.OVER_LIMIT) -> Decision:
    return Decision(transaction_id, "acc-2", Decimal("1000.01"), error, VISA_1111)


def record(bank: SqlBank2, *decisions: Decision, now: datetime = NOW) -> dict[str, StoredOutcome]:
    with bank.unit_of_work_for(SqlPaymentStore) as uow:
        uow.store.record_decisions(list(decisions), now)
        stored = uow.store.stored_outcomes([d.transaction_id for d in decisions], now)
        uow.commit()
    return stored


def clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


def stored_rows(bank: SqlBank2) -> list[tuple[object, ...]]:
    rows = query(
        bank,
        "SELECT id, account_id, amount, status, error_message, card_brand, card_last_four"
        " FROM transactions",
    )
    # Amounts come back as Decimal, or as exact text on SQLite: compare them as Decimal.
    return sorted((row[0], row[1], Decimal(str(row[2])), *row[3:]) for row in rows)


def test_the_transactions_table_holds_no_card_data_column(bank: SqlBank2) -> None:
    # What the rows hold is the contract suite's (test_payment_store_contract.py); that the
    # table has these columns and no other is the schema's.
    assert columns_of(bank, "transactions") == [
        "id",
        "account_id",
        "amount",
        "status",
        "error_message",
        "card_brand",
        "card_last_four",
        "created_at",
        "updated_at",
    ]


def test_a_redelivered_batch_stores_nothing_new_and_is_answered_the_same(
    engine_url: str, bank: SqlBank2
) -> None:
    records = Topic().records(
        transaction("t-1"),
        transaction("t-2", amount="1000.01"),
        transaction("t-3", credit_card_number="4111111111111112"),
        b"{not json",
    )
    answers = []
    for delivery in range(3):
        # Each delivery on a fresh connection, as after a restart, and a later clock.
        again = open_bank2(engine_url)
        service = PaymentProcessing(
            payment_unit_of_work(again),
            decode_transaction_record,
            retry=NO_WAIT,
            clock=clock_at(NOW + timedelta(days=30 * delivery)),
        )
        batch = service.handle(records)
        again.close()
        answers.append(batch.results)
        assert batch.republished == (0 if delivery == 0 else 3)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == [
        Outcome("t-1", Status.APPROVED, None),
        Outcome("t-2", Status.REJECTED, "you dont have limit for this transaction"),
        Outcome("t-3", Status.REJECTED, "invalid credit card number"),
    ]
    assert len(stored_rows(bank)) == 3
    assert query(bank, "SELECT kafka_offset, reason FROM rejected_messages") == [
        (3, "malformed_json")
    ]


def test_a_3000_transaction_write_is_one_statement(bank: SqlBank2) -> None:
    decisions = [approved(f"t-{n}") for n in range(3000)]
    before = bank.statements_executed
    stored = record(bank, *decisions)
    assert bank.statements_executed - before == 3  # store, read back, commit
    assert len(stored) == 3000
    assert all(s.decided_now for s in stored.values())


def test_two_instances_racing_on_the_same_transactions_answer_with_one_outcome_each(
    engine_url: str,
) -> None:
    ids = [f"t-{n}" for n in range(40)]
    barrier = threading.Barrier(2)
    answers: dict[str, list[dict[str, Outcome]]] = {"approve": [], "reject": []}
    failures: list[BaseException] = []

    def instance(name: str) -> None:
        try:
            bank = open_bank2(engine_url)
            service = PaymentProcessing(
                payment_unit_of_work(bank), decode_transaction_record, retry=NO_WAIT
            )
            amount = "10.00" if name == "approve" else "5000.00"
            barrier.wait()
            for start in range(0, len(ids), 5):  # eight small batches each, interleaving
                batch = service.handle(
                    Topic().records(
                        *(transaction(i, amount=amount) for i in ids[start : start + 5])
                    )
                )
                answers[name].append({o.transaction_id: o for o in batch.results})
            bank.close()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=instance, args=(name,)) for name in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    bank = open_bank2(engine_url)
    stored = {str(row[0]): str(row[3]) for row in stored_rows(bank)}
    bank.close()
    assert sorted(stored) == sorted(ids)
    for name, batches in answers.items():
        published = {i: o for batch in batches for i, o in batch.items()}
        assert {i: str(o.status) for i, o in published.items()} == stored, name


def test_both_migrations_are_recorded_and_rerunning_them_changes_nothing(
    engine_url: str, bank: SqlBank2
) -> None:
    record(bank, approved("t-1"))
    again = open_bank2(engine_url)
    assert record(again, approved("t-2"))["t-2"].decided_now
    again.close()
    versions = sorted(
        int(str(row[0])) for row in query(bank, "SELECT version FROM schema_migrations")
    )
    assert versions[:2] == [1, 2]
    assert len(stored_rows(bank)) == 2


def test_a_decision_stored_otherwise_fails_the_batch_before_its_commit(bank2: SqlBank2) -> None:
    # A stand-in for what no rule foresaw (a JSON function that cuts a text, a value clipped
    # with a mere warning): a trigger that rewrites the account as the row is stored. The
    # read-back sees it, and nothing of the batch is kept, its rejects included.
    connection = bank2.acquire()
    try:
        connection.execute(  # type: ignore[attr-defined]
            "CREATE TRIGGER rewrite AFTER INSERT ON transactions BEGIN"
            " UPDATE transactions SET account_id = 'someone-else' WHERE id = NEW.id; END"
        )
        connection.commit()
    finally:
        bank2.release(broken=False)
    service = PaymentProcessing(
        payment_unit_of_work(bank2), decode_transaction_record, retry=NO_WAIT, clock=clock_at(NOW)
    )
    with pytest.raises(StoreError, match="not stored exactly as decided"):
        service.handle(Topic().records(transaction("t-1"), b"{not json"))
    assert stored_rows(bank2) == []
    assert query(bank2, "SELECT reason FROM rejected_messages") == []
