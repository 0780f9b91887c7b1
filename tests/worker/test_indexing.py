"""The app as the real worker runtime indexes it and reports it to the host.

Every function, binding, retry policy and setting name below is read from the worker's
``FunctionMetadataResponse`` as it crossed the wire: what the host (and Azure's scale controller,
which reads the same trigger metadata) would act on.
"""

from __future__ import annotations

import json
import platform
import textwrap
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from tests.worker.app import WorkerRefusedError, failure_message, succeeded
from tests.worker.conftest import StartApp

PAYMENTS = {
    "KAFKA_TRANSACTIONS_TOPIC": "transactions",
    "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions-results",
    "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments",
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
}
# What the azure-functions library writes into every Kafka output binding when the app does not
# say otherwise: the producer settings the Kafka extension then uses.
PRODUCER_DEFAULTS = {
    "keyDataType": "STRING",
    "maxMessageBytes": 1_000_000,
    "batchSize": 10_000,
    "enableIdempotence": False,
    "messageTimeoutMs": 300_000,
    "requestTimeoutMs": 5_000,
    "maxRetries": 2_147_483_647,
    "lingerMs": 5,
}
CONNECTION = {
    "brokerList": "%KAFKA_BROKER_LIST%",
    "protocol": "NOTSET",
    "authenticationMode": "NOTSET",
}


def raw_bindings(metadata: Any) -> dict[str, dict[str, object]]:
    bindings = [json.loads(raw) for raw in metadata.raw_bindings]
    return {str(binding.pop("name")): binding for binding in bindings}


def bindings(metadata: Any) -> dict[str, tuple[str, str, str]]:
    """name: (type, direction, data type), from the typed ``BindingInfo`` map."""
    return {
        name: (
            info.type,
            type(info).Direction.Name(info.direction),
            type(info).DataType.Name(info.data_type),
        )
        for name, info in metadata.bindings.items()
    }


def test_the_worker_starts_on_this_python_with_the_pinned_runtime(
    start: StartApp, sqlite_url: str
) -> None:
    app = start({"BANK2_URL": sqlite_url})
    worker = app.init.worker_metadata
    assert worker.runtime_name == "python"
    assert worker.runtime_version == "3.13" == ".".join(platform.python_version_tuple()[:2])
    assert worker.worker_version == version("azure-functions-runtime")
    # Kafka batches arrive as typed collections only because the worker asks for them.
    assert app.init.capabilities["TypedDataCollection"] == "true"
    assert any('"azure-functions version": "2.' in line for line in app.host_log_messages())


def test_the_customer_function_is_reported_exactly(start: StartApp, sqlite_url: str) -> None:
    app = start({"BANK2_URL": sqlite_url})
    assert list(app.functions) == ["project_customers"]
    function = app.functions["project_customers"].metadata
    assert (function.language, function.script_file, function.entry_point) == (
        "python",
        "function_app.py",
        "project_customers",
    )
    assert function.properties["worker_indexed"] == "True"
    assert bindings(function) == {"events": ("kafkaTrigger", "in", "string")}
    assert raw_bindings(function) == {
        "events": {
            "type": "kafkaTrigger",
            "direction": "IN",
            "dataType": "STRING",
            "cardinality": "MANY",
            "topic": "%KAFKA_CUSTOMERS_TOPIC%",
            "consumerGroup": "%KAFKA_CONSUMER_GROUP%",
            "keyDataType": "STRING",
            "lagThreshold": 50_000,
            **CONNECTION,
        }
    }


def test_the_batch_retry_policy_reaches_the_host(start: StartApp, sqlite_url: str) -> None:
    app = start({"BANK2_URL": sqlite_url})
    retry = app.functions["project_customers"].metadata.retry_options
    assert type(retry).RetryStrategy.Name(retry.retry_strategy) == "exponential_backoff"
    assert retry.max_retry_count == 2
    assert retry.minimum_interval.seconds == 5
    assert retry.maximum_interval.seconds == 60


def test_dead_letters_payments_and_sasl_are_bindings_with_setting_names(
    start: StartApp, sqlite_url: str
) -> None:
    app = start(
        {
            "BANK2_URL": sqlite_url,
            "KAFKA_DEAD_LETTER_TOPIC": "customers-dead-letter",
            "KAFKA_PROTOCOL": "SaslSsl",
            "KAFKA_AUTHENTICATION_MODE": "Plain",
            "KAFKA_USERNAME": "api-key",
            "KAFKA_PASSWORD": "api-secret",
            "KAFKA_LAG_THRESHOLD": "20000",
            **PAYMENTS,
        }
    )
    assert sorted(app.functions) == ["process_transactions", "project_customers"]
    sasl = {
        "brokerList": "%KAFKA_BROKER_LIST%",
        "protocol": "SASLSSL",
        "authenticationMode": "PLAIN",
        "username": "%KAFKA_USERNAME%",
        "password": "%KAFKA_PASSWORD%",
    }
    customers = app.functions["project_customers"].metadata
    assert bindings(customers) == {
        "events": ("kafkaTrigger", "in", "string"),
        "dead_letters": ("kafka", "out", "undefined"),
    }
    customer_bindings = raw_bindings(customers)
    assert customer_bindings["dead_letters"] == {
        "type": "kafka",
        "direction": "OUT",
        "topic": "%KAFKA_DEAD_LETTER_TOPIC%",
        **PRODUCER_DEFAULTS,
        **sasl,
    }
    assert customer_bindings["events"]["lagThreshold"] == 20_000
    payments = app.functions["process_transactions"].metadata
    assert bindings(payments) == {
        "events": ("kafkaTrigger", "in", "string"),
        "results": ("kafka", "out", "undefined"),
        "dead_letters": ("kafka", "out", "undefined"),
    }
    assert raw_bindings(payments) == {
        "events": {
            "type": "kafkaTrigger",
            "direction": "IN",
            "dataType": "STRING",
            "cardinality": "MANY",
            "topic": "%KAFKA_TRANSACTIONS_TOPIC%",
            "consumerGroup": "%KAFKA_PAYMENTS_CONSUMER_GROUP%",
            "keyDataType": "STRING",
            "lagThreshold": 20_000,
            **sasl,
        },
        "results": {
            "type": "kafka",
            "direction": "OUT",
            "topic": "%KAFKA_TRANSACTION_RESULTS_TOPIC%",
            **PRODUCER_DEFAULTS,
            **sasl,
        },
        "dead_letters": {
            "type": "kafka",
            "direction": "OUT",
            "topic": "%KAFKA_PAYMENTS_DEAD_LETTER_TOPIC%",
            **PRODUCER_DEFAULTS,
            **sasl,
        },
    }
    assert payments.retry_options.max_retry_count == 2
    # Setting names only: no credential reaches the metadata the host logs and stores.
    assert "api-secret" not in str(app.metadata)
    assert "api-key" not in str(app.metadata)


def test_a_setting_the_app_refuses_fails_indexing_as_the_host_sees_it(
    start: StartApp, sqlite_url: str
) -> None:
    with pytest.raises(WorkerRefusedError, match="KAFKA_PROTOCOL must be one of"):
        start({"BANK2_URL": sqlite_url, "KAFKA_PROTOCOL": "carrier-pigeon"})


def test_an_annotation_the_worker_rejects_fails_indexing(start: StartApp, tmp_path: Path) -> None:
    # The reason the functions annotate typing.List: the worker refuses the builtin generic.
    app_directory = tmp_path / "app"
    app_directory.mkdir()
    (app_directory / "function_app.py").write_text(
        textwrap.dedent(
            """
            import azure.functions as func

            app = func.FunctionApp()


            @app.kafka_trigger(
                arg_name="events", topic="t", broker_list="b", consumer_group="g",
                cardinality="many", data_type="string",
            )
            def builtin_list(events: list[func.KafkaEvent]) -> None:
                pass
            """
        )
    )
    with pytest.raises(WorkerRefusedError, match="builtin_list"):
        start({}, app_directory=app_directory)


def test_a_started_worker_reports_success_for_each_step(start: StartApp, sqlite_url: str) -> None:
    app = start({"BANK2_URL": sqlite_url})
    assert succeeded(app.init)
    assert succeeded(app.metadata), failure_message(app.metadata)
    assert not app.metadata.use_default_metadata_indexing
