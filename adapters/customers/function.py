"""The customer projection's function: Kafka batches of customer changes into Bank 2.

The body runs the batch through the projection (``adapters.stream.batch_run``: span, metrics,
one-line log) and, when a dead-letter topic is configured, reports the rejected messages through
the Kafka output binding (pointers to them unless ``KAFKA_DEAD_LETTER_VALUE=original``).
"""

from __future__ import annotations

import logging
import typing
from functools import cache

import azure.functions as func
from azure.functions.decorators.function_app import FunctionBuilder

from adapters import bootstrap
from adapters.stream.batch_run import run_batch
from adapters.stream.batches import iter_stream_records, stream_records_at
from adapters.stream.bindings import BATCH_RETRY, KafkaBindings
from adapters.stream.dead_letters import DeadLetterValue, dead_letter_payload
from adapters.stream.telemetry import BatchMetrics, BatchTelemetry
from service.customers.summary import BatchSummary

FUNCTION_NAME = "project_customers"
METRICS = BatchMetrics(
    scope="telesales.customers",
    namespace="telesales",
    events="telesales.customer_events",
    span="project customer batch",
)
logger = logging.getLogger("telesales.customers")


@cache
def _telemetry() -> BatchTelemetry:
    return BatchTelemetry(METRICS)


def _project(events: typing.Sequence[func.KafkaEvent]) -> BatchSummary:
    # One record at a time: the service keeps no message bytes once they are decoded.
    return bootstrap.customer_projection().handle(iter_stream_records(events))


def project_customer_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    dead_letter_output: func.Out[str] | None,
    dead_letter_value: DeadLetterValue = DeadLetterValue.POINTER,
) -> None:
    summary = run_batch(events, _project, _telemetry(), logger)
    rejects = summary.rejected_records
    if dead_letter_output is not None and rejects:
        positions = {(r.topic, r.partition, r.offset) for r in rejects}
        original = dead_letter_value is DeadLetterValue.ORIGINAL
        records = stream_records_at(events, positions, with_values=original)
        letters = dead_letter_payload(records, rejects, dead_letter_value)
        if letters is not None:
            dead_letter_output.set(letters)


def blueprint(kafka: KafkaBindings) -> func.Blueprint:
    """``project_customers``, with a dead-letter output if its topic is set."""
    functions = func.Blueprint()  # type: ignore[no-untyped-call]  # unannotated in the library

    def trigger(function: typing.Callable[..., None]) -> FunctionBuilder:
        decorated = functions.kafka_trigger(
            arg_name="events",
            topic="%KAFKA_CUSTOMERS_TOPIC%",
            consumer_group="%KAFKA_CONSUMER_GROUP%",
            cardinality="many",
            data_type="string",
            lag_threshold=kafka.lag_threshold,
            **kafka.connection(),
        )(function)
        decorated = functions.retry(**BATCH_RETRY)(decorated)
        named: FunctionBuilder = functions.function_name(FUNCTION_NAME)(decorated)
        return named

    # The dead-letter output exists only when its topic is configured: a binding naming an unset
    # setting would stop the host from starting.
    if kafka.dead_letter_topic:

        @trigger
        @functions.kafka_output(
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

    return functions
