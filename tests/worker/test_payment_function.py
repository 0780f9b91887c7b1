"""The payment function through the real worker runtime: answers and dead letters on its outputs."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime

from demo.functions_host import KafkaMessage
from tests.payments.cards import VISA
from tests.payments.support import CVV, HOLDER, transaction
from tests.worker.app import failure_message, succeeded
from tests.worker.conftest import StartApp
from tests.worker.payloads import output_values

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# Cards valid for years: the worker runs on the real clock.
LASTING = {"credit_card_expiration_month": 12, "credit_card_expiration_year": 2099}


def settings(database_url: str) -> dict[str, str]:
    return {
        "BANK2_URL": database_url,
        "KAFKA_TRANSACTIONS_TOPIC": "transactions",
        "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions-results",
        "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments",
        "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
    }


def message(offset: int, value: dict[str, object] | bytes) -> KafkaMessage:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    key = str(value["id"]).encode() if isinstance(value, dict) else None
    return KafkaMessage("transactions", 0, offset, key, raw, WHEN)


BATCH = [
    message(0, transaction("t-1", **LASTING)),
    message(1, transaction("t-2", amount=5000, **LASTING)),
    message(2, b"not a transaction"),
]


def answers(response: object) -> list[dict[str, str]]:
    published = json.loads(output_values(response)["results"])
    return [json.loads(m["Value"]) | {"key": m["Key"]} for m in published]


def stored(path: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path.removeprefix("sqlite:///"))) as db:
        rows = db.execute("SELECT id, status, card_last_four FROM transactions ORDER BY id")
        return rows.fetchall()


def test_a_batch_is_answered_stored_and_its_unreadable_message_dead_lettered(
    start: StartApp, sqlite_url: str
) -> None:
    app = start(settings(sqlite_url))
    response = app.invoke_kafka("process_transactions", BATCH)
    assert succeeded(response), failure_message(response)
    assert sorted(output_values(response)) == ["dead_letters", "results"]
    assert [(a["key"], a["id"], a["status"]) for a in answers(response)] == [
        ("t-1", "t-1", "approved"),
        ("t-2", "t-2", "rejected"),
    ]
    assert stored(sqlite_url) == [("t-1", "approved", VISA[-4:]), ("t-2", "rejected", VISA[-4:])]
    (letter,) = json.loads(output_values(response)["dead_letters"])
    pointer = json.loads(letter["Value"])
    assert (pointer["topic"], pointer["partition"], pointer["offset"]) == ("transactions", 0, 2)
    # No card data on any output or in any log the host receives.
    sent = json.dumps(output_values(response)) + "\n".join(app.host_log_messages())
    for secret in (VISA, VISA[:6], CVV, HOLDER):
        assert secret not in sent


def test_a_redelivered_batch_gets_the_same_answers_and_stores_nothing_new(
    start: StartApp, sqlite_url: str
) -> None:
    app = start(settings(sqlite_url))
    first = app.invoke_kafka("process_transactions", BATCH)
    again = app.invoke_kafka("process_transactions", BATCH, retry_count=1)
    assert succeeded(again), failure_message(again)
    assert answers(again) == answers(first)
    assert len(stored(sqlite_url)) == 2


def test_a_payments_database_that_cannot_be_reached_fails_the_invocation(
    start: StartApp, sqlite_url: str
) -> None:
    unreachable = "postgresql://payments@127.0.0.1:9/payments?connect_timeout=1"
    app = start(settings(sqlite_url) | {"PAYMENTS_DB_URL": unreachable})
    response = app.invoke_kafka("process_transactions", BATCH)
    assert not succeeded(response)
    assert "PAYMENTS_DB_URL" in failure_message(response)
    # A failed invocation publishes nothing: no answer goes out for an outcome not stored.
    assert output_values(response) == {}
