"""Azure Functions entry point: Kafka batches of customer changes into Bank 2's telesales contacts.

The trigger decodes the batch, calls the application service, records telemetry, logs a
one-line summary and, when a dead-letter topic is configured, hands the rejected messages to the
Kafka output binding. Infrastructure failures propagate: the host retries the invocation, and
with ``commitOnFailure: false`` in host.json the batch's offsets are not committed until it
succeeds.
"""

from __future__ import annotations

import logging
import time
import typing
from functools import cache

import azure.functions as func
from azure.functions.decorators.function_app import FunctionBuilder

from adapters import telemetry
from adapters.composition import build_customer_projection, build_payment_processing
from adapters.dead_letters import dead_letter_payload
from adapters.kafka_batches import stream_records
from adapters.kafka_bindings import KafkaBindings
from adapters.payment_results import dead_letters_payload, results_payload
from adapters.settings import PaymentSettings, Settings, payments_enabled
from service.customer_projection import CustomerProjection
from service.payment_processing import PaymentProcessing

app = func.FunctionApp()
logger = logging.getLogger("telesales.customers")
kafka = KafkaBindings.from_environment()


@cache
def customer_projection() -> CustomerProjection:
    """Built on the first batch, then reused: settings read and Bank 2 opened once per worker."""
    telemetry.configure_from_environment()
    return build_customer_projection(Settings.from_environment())


@cache
def customer_telemetry() -> telemetry.CustomerBatchTelemetry:
    return telemetry.CustomerBatchTelemetry()


def project_customer_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    dead_letter_output: func.Out[str] | None,
) -> None:
    started = time.perf_counter()
    records = stream_records(events)
    with customer_telemetry().batch_span(len(records)) as span:
        summary = customer_projection().handle(records)
        customer_telemetry().record(summary, records, time.perf_counter() - started, span)
    logger.info(summary.log_line(), extra=summary.as_fields())
    letters = dead_letter_payload(records, summary.rejected_records)
    if dead_letter_output is not None and letters is not None:
        dead_letter_output.set(letters)


def _customer_trigger(function: typing.Callable[..., None]) -> FunctionBuilder:
    """The trigger, retry policy and name every variant of the customer function shares."""
    decorated = app.kafka_trigger(
        arg_name="events",
        topic="%KAFKA_CUSTOMERS_TOPIC%",
        consumer_group="%KAFKA_CONSUMER_GROUP%",
        cardinality="many",
        data_type="string",
        **kafka.connection(),
    )(function)
    decorated = app.retry(
        strategy="exponential_backoff",
        max_retry_count="2",
        minimum_interval="00:00:05",
        maximum_interval="00:01:00",
    )(decorated)
    named: FunctionBuilder = app.function_name("project_customers")(decorated)
    return named


# The dead-letter output exists only when its topic is configured: a binding naming an unset
# setting would stop the host from starting.
if kafka.dead_letter_topic:

    @_customer_trigger
    @app.kafka_output(
        arg_name="dead_letters", topic="%KAFKA_DEAD_LETTER_TOPIC%", **kafka.connection()
    )
    def project_customers(
        events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
        dead_letters: func.Out[str],
    ) -> None:
        project_customer_batch(events, dead_letters)

else:

    @_customer_trigger
    def project_customers(events: typing.List[func.KafkaEvent]) -> None:  # noqa: UP006
        project_customer_batch(events, None)


# The payment processor: card transactions from the gateway, decided once, stored and answered
# (docs/payments.md). It is registered only where its topic is configured, so a deployment
# without payments indexes and starts exactly as before; where it is, its results and
# dead-letter topics must be configured too, or the host refuses to start.
payments_logger = logging.getLogger("telesales.payments")


@cache
def payment_processing() -> PaymentProcessing:
    """Built on the first batch, then reused: its own connection to its database."""
    return build_payment_processing(PaymentSettings.from_environment())


def process_transaction_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    results: func.Out[str],
    dead_letters: func.Out[str],
) -> None:
    records = stream_records(events)
    batch = payment_processing().handle(records)
    payments_logger.info(batch.log_line(), extra=batch.as_fields())
    answers = results_payload(batch.results)
    if answers is not None:
        results.set(answers)
    letters = dead_letters_payload(records, batch.rejects)
    if letters is not None:
        dead_letters.set(letters)


if payments_enabled():

    @app.function_name("process_transactions")
    @app.retry(
        strategy="exponential_backoff",
        max_retry_count="2",
        minimum_interval="00:00:05",
        maximum_interval="00:01:00",
    )
    @app.kafka_trigger(
        arg_name="events",
        topic="%KAFKA_TRANSACTIONS_TOPIC%",
        consumer_group="%KAFKA_PAYMENTS_CONSUMER_GROUP%",
        cardinality="many",
        data_type="string",
        **kafka.connection(),
    )
    @app.kafka_output(
        arg_name="results", topic="%KAFKA_TRANSACTION_RESULTS_TOPIC%", **kafka.connection()
    )
    @app.kafka_output(
        arg_name="dead_letters",
        topic="%KAFKA_PAYMENTS_DEAD_LETTER_TOPIC%",
        **kafka.connection(),
    )
    def process_transactions(
        events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
        results: func.Out[str],
        dead_letters: func.Out[str],
    ) -> None:
        process_transaction_batch(events, results, dead_letters)
