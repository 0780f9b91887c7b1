"""The customer projection's function: Kafka batches of customer changes into Bank 2.

The trigger decodes the batch, calls the application service, records telemetry, logs a
one-line summary and, when a dead-letter topic is configured, reports the rejected messages
through the Kafka output binding (pointers to them unless ``KAFKA_DEAD_LETTER_VALUE=original``).
Infrastructure failures propagate: the host retries the invocation, and with
``commitOnFailure: false`` in host.json the batch's offsets are not committed until it succeeds.
"""

from __future__ import annotations

import logging
import time
import typing
from functools import cache

import azure.functions as func
from azure.functions.decorators.function_app import FunctionBuilder

from adapters.bootstrap import build_customer_projection
from adapters.settings import Settings
from adapters.stream import telemetry
from adapters.stream.batches import event_timestamps, iter_stream_records, stream_records_at
from adapters.stream.bindings import BATCH_RETRY, KafkaBindings
from adapters.stream.dead_letters import DeadLetterValue, dead_letter_payload
from adapters.stream.garbage import freeze_long_lived_objects
from service.customers.projection import CustomerProjection

FUNCTION_NAME = "project_customers"
logger = logging.getLogger("telesales.customers")


@cache
def customer_projection() -> CustomerProjection:
    """Built on the first batch, then reused: settings read and Bank 2 opened once per worker."""
    telemetry.configure_from_environment()
    projection = build_customer_projection(Settings.from_environment())
    freeze_long_lived_objects()
    return projection


@cache
def customer_telemetry() -> telemetry.CustomerBatchTelemetry:
    return telemetry.CustomerBatchTelemetry()


def project_customer_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    dead_letter_output: func.Out[str] | None,
    dead_letter_value: DeadLetterValue = DeadLetterValue.POINTER,
) -> None:
    started = time.perf_counter()
    with customer_telemetry().batch_span(len(events)) as span:
        # One record at a time: the service keeps no message bytes once they are decoded.
        summary = customer_projection().handle(iter_stream_records(events))
        seconds = time.perf_counter() - started
        customer_telemetry().record(summary, event_timestamps(events), seconds, span)
    logger.info(summary.log_line(), extra=summary.as_fields())
    rejects = summary.rejected_records
    if dead_letter_output is not None and rejects:
        positions = {(r.topic, r.partition, r.offset) for r in rejects}
        original = dead_letter_value is DeadLetterValue.ORIGINAL
        records = stream_records_at(events, positions, with_values=original)
        letters = dead_letter_payload(records, rejects, dead_letter_value)
        if letters is not None:
            dead_letter_output.set(letters)


def register(app: func.FunctionApp, kafka: KafkaBindings) -> None:
    """Add ``project_customers`` to the app, with a dead-letter output if its topic is set."""

    def trigger(function: typing.Callable[..., None]) -> FunctionBuilder:
        decorated = app.kafka_trigger(
            arg_name="events",
            topic="%KAFKA_CUSTOMERS_TOPIC%",
            consumer_group="%KAFKA_CONSUMER_GROUP%",
            cardinality="many",
            data_type="string",
            **kafka.connection(),
        )(function)
        decorated = app.retry(**BATCH_RETRY)(decorated)
        named: FunctionBuilder = app.function_name(FUNCTION_NAME)(decorated)
        return named

    # The dead-letter output exists only when its topic is configured: a binding naming an unset
    # setting would stop the host from starting.
    if kafka.dead_letter_topic:

        @trigger
        @app.kafka_output(
            arg_name="dead_letters", topic="%KAFKA_DEAD_LETTER_TOPIC%", **kafka.connection()
        )
        def project_customers(
            events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
            dead_letters: func.Out[str],
        ) -> None:
            project_customer_batch(events, dead_letters, kafka.dead_letter_value)

    else:

        @trigger
        def project_customers(events: typing.List[func.KafkaEvent]) -> None:  # noqa: UP006
            project_customer_batch(events, None)
