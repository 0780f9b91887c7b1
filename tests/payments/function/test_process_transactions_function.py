"""The payment function, registered and driven as the Functions host does it.

The host's batch payload and metadata go through the ``azure-functions`` library's own
``KafkaTriggerConverter``; the function's two Kafka output bindings are stand-ins that keep what
the function sets, exactly the JSON the Kafka extension would publish.
"""

from __future__ import annotations

import importlib
import json
import logging
import sqlite3
import typing
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import UTC, datetime
from types import ModuleType

import pytest

import function_app
from adapters import bootstrap
from adapters.bootstrap import build_payment_processing
from adapters.settings import PaymentSettings, SettingsError
from demo.functions_host import (
    CapturedOut,
    KafkaMessage,
    indexed_functions,
    kafka_batch,
    user_function,
)
from tests.payments.cards import AMEX, VISA
from tests.payments.support import CVV, HOLDER, transaction

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PAYMENT_SETTINGS = {
    "KAFKA_TRANSACTIONS_TOPIC": "transactions",
    "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions_result",
    "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments",
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
}


@pytest.fixture
def payments_app(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[ModuleType]:
    """function_app indexed in a deployment with payments, its database a fresh SQLite file."""
    for name, value in PAYMENT_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PAYMENTS_DB_URL", sqlite_url)
    bootstrap.reset()  # built from these settings on the first batch
    yield importlib.reload(function_app)
    monkeypatch.undo()
    importlib.reload(function_app)  # as every other test expects it
    bootstrap.reset()


@pytest.fixture
def on_november_22nd(payments_app: ModuleType) -> None:
    """The composition root's processor, with its clock fixed at WHEN."""
    bootstrap.reset(clock=lambda: WHEN)


def message(offset: int, value: object, partition: int = 0) -> KafkaMessage:
    raw = value if isinstance(value, bytes) or value is None else json.dumps(value).encode()
    key = str(value["id"]).encode() if isinstance(value, dict) and value.get("id") else None
    return KafkaMessage("transactions", partition, offset, key, raw, WHEN)


def call(module: ModuleType, *messages: KafkaMessage) -> tuple[CapturedOut, CapturedOut]:
    function = typing.cast("Callable[..., None]", user_function(module.app, "process_transactions"))
    results, dead_letters = CapturedOut(), CapturedOut()
    function(events=kafka_batch(messages), results=results, dead_letters=dead_letters)
    return results, dead_letters


def published(out: CapturedOut) -> list[tuple[str, str]]:
    assert out.value is not None
    return [(m["Key"], m["Value"]) for m in json.loads(out.value)]


def stored(sqlite_url: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db:
        return db.execute(
            "SELECT id, account_id, amount, status, error_message, card_brand, card_last_four"
            " FROM transactions ORDER BY id"
        ).fetchall()


def answer(transaction_id: str, error: str = "") -> str:
    status = "rejected" if error else "approved"
    return f'{{"id":"{transaction_id}","status":"{status}","error_message":"{error}"}}'


def test_without_a_transactions_topic_the_app_holds_only_the_customer_function() -> None:
    names = [f.get_function_name() for f in indexed_functions(function_app.app)]
    assert names == ["project_customers"]


def test_the_function_is_a_batch_string_kafka_trigger_with_two_kafka_outputs(
    payments_app: ModuleType,
) -> None:
    functions = {f.get_function_name(): f for f in indexed_functions(payments_app.app)}
    assert set(functions) == {"project_customers", "process_transactions"}
    function = functions["process_transactions"]
    bindings = {b["name"]: b for b in json.loads(function.get_function_json())["bindings"]}
    trigger = bindings["events"]
    assert trigger["type"] == "kafkaTrigger"
    assert (trigger["cardinality"], trigger["dataType"]) == ("MANY", "STRING")
    assert trigger["topic"] == "%KAFKA_TRANSACTIONS_TOPIC%"
    assert trigger["consumerGroup"] == "%KAFKA_PAYMENTS_CONSUMER_GROUP%"
    assert trigger["brokerList"] == "%KAFKA_BROKER_LIST%"
    outputs = {name: b["topic"] for name, b in bindings.items() if b["direction"] == "OUT"}
    assert outputs == {
        "results": "%KAFKA_TRANSACTION_RESULTS_TOPIC%",
        "dead_letters": "%KAFKA_PAYMENTS_DEAD_LETTER_TOPIC%",
    }
    assert {b["type"] for name, b in bindings.items() if name != "events"} == {"kafka"}
    # The same retry policy as the customer function, whose budget test covers it.
    customers = functions["project_customers"]
    assert function.get_settings_dict("retry_policy") == customers.get_settings_dict("retry_policy")


def test_broker_security_applies_to_the_trigger_and_both_outputs(
    payments_app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAFKA_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_AUTHENTICATION_MODE", "Plain")
    module = importlib.reload(payments_app)
    (function,) = [
        f for f in indexed_functions(module.app) if f.get_function_name() == "process_transactions"
    ]
    for binding in json.loads(function.get_function_json())["bindings"]:
        assert (binding["protocol"], binding["authenticationMode"]) == ("SASLSSL", "PLAIN")
        assert binding["username"] == "%KAFKA_USERNAME%"


@pytest.mark.usefixtures("on_november_22nd")
def test_a_batch_is_answered_with_the_gateways_exact_messages_and_stored(
    payments_app: ModuleType, sqlite_url: str
) -> None:
    results, dead_letters = call(
        payments_app,
        message(0, transaction("a-1")),
        message(1, transaction("a-2", credit_card_number="4111 1111 1111 1112")),
        message(2, transaction("a-3", credit_card_expiration_month=13)),
        message(3, transaction("a-4", credit_card_expiration_year=2025)),
        message(4, transaction("a-5", credit_card_expiration_month="10")),
        message(5, transaction("a-6", credit_card_number=AMEX, credit_card_cvv="123")),
        message(6, transaction("a-7", credit_card_name=" ")),
        message(7, transaction("a-8", amount="0.99")),
        message(8, transaction("a-9", amount=1000.01)),
        message(9, transaction("b-1", amount="1000.00", credit_card_cvv=123)),
        message(10, b"{not json"),
        message(11, transaction("", amount=5)),
        message(12, None),  # a tombstone: skipped
    )
    assert published(results) == [
        ("a-1", answer("a-1")),
        ("a-2", answer("a-2", "invalid credit card number")),
        ("a-3", answer("a-3", "invalid expiration month")),
        ("a-4", answer("a-4", "invalid expiration year")),
        ("a-5", answer("a-5", "card expired")),
        ("a-6", answer("a-6", "invalid cvv")),
        ("a-7", answer("a-7", "invalid card holder name")),
        ("a-8", answer("a-8", "the amount must be greater than 1")),
        ("a-9", answer("a-9", "you dont have limit for this transaction")),
        ("b-1", answer("b-1")),
    ]
    assert stored(sqlite_url) == [
        ("a-1", "acc-1", "100.00", "approved", None, "visa", "1111"),
        ("a-2", "acc-1", "100.00", "rejected", "invalid credit card number", None, None),
        ("a-3", "acc-1", "100.00", "rejected", "invalid expiration month", "visa", "1111"),
        ("a-4", "acc-1", "100.00", "rejected", "invalid expiration year", "visa", "1111"),
        ("a-5", "acc-1", "100.00", "rejected", "card expired", "visa", "1111"),
        ("a-6", "acc-1", "100.00", "rejected", "invalid cvv", "amex", "0005"),
        ("a-7", "acc-1", "100.00", "rejected", "invalid card holder name", "visa", "1111"),
        ("a-8", "acc-1", "0.99", "rejected", "the amount must be greater than 1", "visa", "1111"),
        (
            "a-9",
            "acc-1",
            "1000.01",
            "rejected",
            "you dont have limit for this transaction",
            "visa",
            "1111",
        ),
        ("b-1", "acc-1", "1000.00", "approved", None, "visa", "1111"),
    ]
    assert dead_letters.value is not None
    letters = json.loads(dead_letters.value)
    pointers = [(letter["Key"], json.loads(letter["Value"])) for letter in letters]
    assert [(key, {k: v for k, v in p.items() if k != "timestamp"}) for key, p in pointers] == [
        (None, {"topic": "transactions", "partition": 0, "offset": 10, "reason": "malformed_json"}),
        (
            None,
            {
                "topic": "transactions",
                "partition": 0,
                "offset": 11,
                "reason": "invalid_transaction_id",
            },
        ),
    ]
    assert all(pointer["timestamp"] is not None for _, pointer in pointers)


@pytest.mark.usefixtures("on_november_22nd")
def test_a_redelivered_batch_publishes_the_same_answers_and_stores_nothing_new(
    payments_app: ModuleType, sqlite_url: str
) -> None:
    batch = [message(0, transaction("r-1")), message(1, transaction("r-2", amount=5000))]
    first, _ = call(payments_app, *batch)
    rows = stored(sqlite_url)
    again, dead_letters = call(payments_app, *batch)
    assert again.value == first.value
    assert dead_letters.value is None
    assert stored(sqlite_url) == rows


def test_the_deployed_composition_root_decides_on_todays_date(
    payments_app: ModuleType, sqlite_url: str
) -> None:
    # No fixed clock here: cards far from today's date, so the answers are the same any day.
    results, dead_letters = call(
        payments_app,
        message(0, transaction("d-1", credit_card_expiration_year=2099)),
        message(1, transaction("d-2", credit_card_expiration_year=2000)),
    )
    assert published(results) == [
        ("d-1", answer("d-1")),
        ("d-2", answer("d-2", "invalid expiration year")),
    ]
    assert dead_letters.value is None


@pytest.mark.usefixtures("on_november_22nd")
def test_no_card_number_cvv_or_holder_name_reaches_logs_outputs_or_the_database(
    payments_app: ModuleType, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    results, dead_letters = call(
        payments_app,
        message(0, transaction("p-1")),
        message(1, transaction("p-2", credit_card_cvv="12")),
        message(2, json.dumps(transaction("p-3"))[:-5].encode()),  # unreadable, card data inside
        message(3, transaction(" ", amount=1)),  # no id, card data inside
    )
    with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db:
        everything_stored = "\n".join(db.iterdump())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    fields = "\n".join(str(vars(record)) for record in caplog.records)
    for text in (everything_stored, logged, fields, results.value, dead_letters.value):
        assert text is not None
        for secret in (VISA, HOLDER, f'"{CVV}"', "Joana"):
            assert secret not in text
    assert "payment batch: messages=4 approved=1 rejected=1" in logged


def test_without_a_database_setting_the_first_batch_fails_naming_it(
    payments_app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PAYMENTS_DB_URL")
    monkeypatch.delenv("BANK2_URL", raising=False)
    with pytest.raises(SettingsError, match="PAYMENTS_DB_URL"):
        call(payments_app, message(0, transaction("s-1")))


def test_payments_use_bank2_when_no_database_of_their_own_is_set(
    sqlite_url: str,
) -> None:
    settings = PaymentSettings.from_environment({"BANK2_URL": sqlite_url})
    assert settings.database_url == sqlite_url
    own = PaymentSettings.from_environment({"BANK2_URL": sqlite_url, "PAYMENTS_DB_URL": "x"})
    assert own.database_url == "x"


def test_a_malformed_payments_url_is_reported_under_its_own_name() -> None:
    settings = PaymentSettings("mysql://nobody@/payments")
    with pytest.raises(SettingsError, match=r"^PAYMENTS_DB_URL names no host") as raised:
        build_payment_processing(settings)
    assert "nobody" not in str(raised.value)
