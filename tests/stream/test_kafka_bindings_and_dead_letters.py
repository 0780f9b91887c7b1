"""Broker security from settings, and rejected messages re-published to a dead-letter topic."""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import pytest

import function_app
from adapters import bootstrap
from adapters.settings import SettingsError
from adapters.stream.bindings import (
    DEFAULT_LAG_THRESHOLD,
    DRAIN_SECONDS,
    PLANNED_EVENTS_PER_SECOND_PER_INSTANCE,
    KafkaBindings,
)
from demo.functions_host import KafkaMessage, indexed_functions, kafka_batch

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class CapturedOut:
    """A fake of the worker's ``func.Out``: keeps what the function sets."""

    def __init__(self) -> None:
        self.value: str | None = None

    def set(self, value: str) -> None:
        self.value = value

    def get(self) -> str | None:
        return self.value


def bindings_of(module: ModuleType) -> list[dict[str, object]]:
    (function,) = indexed_functions(module.app)
    bindings: list[dict[str, object]] = json.loads(function.get_function_json())["bindings"]
    return bindings


@pytest.fixture
def reindex(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Re-import function_app under other settings, as a worker indexing another deployment."""
    yield monkeypatch
    monkeypatch.undo()
    importlib.reload(function_app)
    bootstrap.reset()


def test_confluent_cloud_style_sasl_ssl_plain_passes_credentials_as_settings(
    reindex: pytest.MonkeyPatch,
) -> None:
    reindex.setenv("KAFKA_PROTOCOL", "SASL_SSL")
    reindex.setenv("KAFKA_AUTHENTICATION_MODE", "Plain")
    trigger = bindings_of(importlib.reload(function_app))[0]
    assert trigger["protocol"] == "SASLSSL"
    assert trigger["authenticationMode"] == "PLAIN"
    assert trigger["username"] == "%KAFKA_USERNAME%"
    assert trigger["password"] == "%KAFKA_PASSWORD%"  # noqa: S105 - a setting name


def test_a_local_plaintext_broker_needs_no_credentials() -> None:
    connection = KafkaBindings.from_environment({}).connection()
    assert connection == {
        "broker_list": "%KAFKA_BROKER_LIST%",
        "protocol": "NOTSET",
        "authentication_mode": "NOTSET",
    }


@pytest.mark.parametrize(
    ("setting", "value"), [("KAFKA_PROTOCOL", "TLS"), ("KAFKA_AUTHENTICATION_MODE", "OAuth")]
)
def test_an_unknown_protocol_or_mechanism_is_refused_by_name(setting: str, value: str) -> None:
    with pytest.raises(SettingsError, match=setting):
        KafkaBindings.from_environment({setting: value})


def test_the_lag_threshold_is_what_one_instance_drains_in_the_accepted_time() -> None:
    # docs/capacity.md, section 6: 5,000 events/s per instance for 10 s.
    assert PLANNED_EVENTS_PER_SECOND_PER_INSTANCE * DRAIN_SECONDS == DEFAULT_LAG_THRESHOLD == 50_000
    assert KafkaBindings.from_environment({}).lag_threshold == DEFAULT_LAG_THRESHOLD
    assert KafkaBindings.from_environment({"KAFKA_LAG_THRESHOLD": " "}).lag_threshold == 50_000


def test_the_trigger_carries_the_default_lag_threshold_as_a_number() -> None:
    trigger = bindings_of(function_app)[0]
    # A number, not a %SETTING%: the extension reads lagThreshold as a long and resolves no
    # setting names in it.
    assert trigger["lagThreshold"] == DEFAULT_LAG_THRESHOLD


def test_the_trigger_carries_the_lag_threshold_setting(reindex: pytest.MonkeyPatch) -> None:
    reindex.setenv("KAFKA_LAG_THRESHOLD", "20000")
    trigger = bindings_of(importlib.reload(function_app))[0]
    assert trigger["lagThreshold"] == 20_000


@pytest.mark.parametrize("value", ["lots", "1e4", "2.5", "0", "-100", "2147483648"])
def test_a_malformed_lag_threshold_fails_indexing_by_name(value: str) -> None:
    with pytest.raises(SettingsError, match="KAFKA_LAG_THRESHOLD must be"):
        KafkaBindings.from_environment({"KAFKA_LAG_THRESHOLD": value})


def test_without_a_dead_letter_topic_there_is_no_output_binding() -> None:
    assert [b["type"] for b in bindings_of(function_app)] == ["kafkaTrigger"]


BAD_PHONE = json.dumps(
    {
        "customer_id": "7",
        "version": 1,
        "name": "Ana Lima",
        "phone": "123",
        "cpf": "123.456.789-09",
        "email": "ana@example.com",
        "address": "Rua das Flores 12",
    }
)
DEAD_LETTER_BATCH = [
    KafkaMessage("customers", 2, 40, b"7", BAD_PHONE.encode(), WHEN),
    KafkaMessage("customers", 2, 41, None, b"{not json", WHEN),
    KafkaMessage(
        "customers",
        2,
        42,
        None,
        b'{"customer_id": "8", "version": 1, "name": "Rui", "phone": "(11) 98765-4321"}',
        WHEN,
    ),
]
EXPECTED_HEADERS = [
    {
        "x-reject-reason": "invalid_phone",
        "x-source-topic": "customers",
        "x-source-partition": "2",
        "x-source-offset": "40",
    },
    {
        "x-reject-reason": "malformed_json",
        "x-source-topic": "customers",
        "x-source-partition": "2",
        "x-source-offset": "41",
    },
]


def dead_letters_of_a_batch(
    reindex: pytest.MonkeyPatch, sqlite_url: str, **settings: str
) -> list[dict[str, Any]]:
    """Run the dead-letter batch through the function indexed under these settings."""
    reindex.setenv("KAFKA_DEAD_LETTER_TOPIC", "customers-dead-letters")
    reindex.setenv("BANK2_URL", sqlite_url)
    reindex.setenv("KAFKA_CONSUMER_GROUP", "telesales")
    for name, value in settings.items():
        reindex.setenv(name, value)
    module = importlib.reload(function_app)
    bootstrap.reset()  # built from these settings on the first batch
    (output,) = [b for b in bindings_of(module) if b["direction"] == "OUT"]
    assert output["type"] == "kafka"
    assert output["topic"] == "%KAFKA_DEAD_LETTER_TOPIC%"

    out = CapturedOut()
    (function,) = indexed_functions(module.app)
    function.get_user_function()(kafka_batch(DEAD_LETTER_BATCH), out)
    assert out.value is not None
    letters: list[dict[str, Any]] = json.loads(out.value)
    return letters


def headers_of(letters: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{h["Key"]: h["Value"] for h in letter["Headers"]} for letter in letters]


def test_a_dead_letter_points_at_the_rejected_message_and_holds_none_of_its_data(
    reindex: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    letters = dead_letters_of_a_batch(reindex, sqlite_url)

    assert [letter["Key"] for letter in letters] == ["7", None]
    assert [json.loads(letter["Value"]) for letter in letters] == [
        {
            "topic": "customers",
            "partition": 2,
            "offset": 40,
            "reason": "invalid_phone",
            "timestamp": WHEN.isoformat(),
        },
        {
            "topic": "customers",
            "partition": 2,
            "offset": 41,
            "reason": "malformed_json",
            "timestamp": WHEN.isoformat(),
        },
    ]
    assert headers_of(letters) == EXPECTED_HEADERS
    published = json.dumps(letters)
    for personal in ("Ana Lima", "123.456.789-09", "ana@example.com", "Rua das Flores"):
        assert personal not in published


def test_the_original_message_is_copied_only_when_the_setting_asks_for_it(
    reindex: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    letters = dead_letters_of_a_batch(reindex, sqlite_url, KAFKA_DEAD_LETTER_VALUE="Original")

    assert [(letter["Key"], letter["Value"]) for letter in letters] == [
        ("7", BAD_PHONE),
        (None, "{not json"),
    ]
    assert headers_of(letters) == EXPECTED_HEADERS


def test_a_redelivered_batch_reports_its_rejects_again(
    reindex: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    # The first delivery committed, then failed to publish (the output binding, a lost host):
    # Kafka redelivers it, and its dead letters must still reach the topic, at least once.
    first = dead_letters_of_a_batch(reindex, sqlite_url)
    (function,) = indexed_functions(function_app.app)
    again = CapturedOut()
    function.get_user_function()(kafka_batch(DEAD_LETTER_BATCH), again)
    assert again.value is not None
    assert json.loads(again.value) == first
    # A redelivery that overlaps the next messages reports each reject once.
    overlap = CapturedOut()
    later = KafkaMessage("customers", 2, 43, None, b"[]", WHEN)
    function.get_user_function()(kafka_batch([*DEAD_LETTER_BATCH[1:], later]), overlap)
    assert overlap.value is not None
    assert [json.loads(letter["Value"])["offset"] for letter in json.loads(overlap.value)] == [
        41,
        43,
    ]


@pytest.mark.parametrize("value", ["", "pointer", " POINTER "])
def test_the_dead_letter_value_is_a_pointer_by_default(value: str) -> None:
    environment = {"KAFKA_DEAD_LETTER_TOPIC": "dead", "KAFKA_DEAD_LETTER_VALUE": value}
    assert KafkaBindings.from_environment(environment).dead_letter_value == "pointer"
    assert KafkaBindings.from_environment({}).dead_letter_value == "pointer"


def test_an_unknown_dead_letter_value_fails_indexing_by_name() -> None:
    with pytest.raises(SettingsError, match="KAFKA_DEAD_LETTER_VALUE must be one of"):
        KafkaBindings.from_environment({"KAFKA_DEAD_LETTER_VALUE": "copy"})


def test_header_values_are_plain_text_not_base64() -> None:
    # The extension's samples send header values as text; a base64 value would arrive encoded.
    from adapters.stream.dead_letters import dead_letter_payload  # noqa: PLC0415
    from domain.customers.reasons import RejectReason  # noqa: PLC0415
    from service.customers.ports import RejectedRecord  # noqa: PLC0415
    from service.stream.records import StreamRecord  # noqa: PLC0415

    payload = dead_letter_payload(
        [StreamRecord("t", 0, 1, None, b"x")], [RejectedRecord("t", 0, 1, RejectReason.OVERSIZED)]
    )
    assert payload is not None
    (letter,) = json.loads(payload)
    assert letter["Headers"][0]["Value"] == "oversized"
    assert letter["Headers"][0]["Value"] != base64.b64encode(b"oversized").decode()
