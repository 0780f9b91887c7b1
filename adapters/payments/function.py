"""The payment processor's function: card transactions decided once, stored and answered.

Registered only where ``KAFKA_TRANSACTIONS_TOPIC`` is set, so a deployment without payments
indexes and starts exactly as before; where it is, its results and dead-letter topics must be
configured too, or the host refuses to start (docs/payments.md). The body runs the batch through
the processor (``adapters.stream.batch_run``: span, metrics, one-line log), then publishes the
answers and the dead letters (pointers, never a copy: a transaction message may hold a card
number and CVV).
"""

from __future__ import annotations

import logging
import typing
from functools import cache

import azure.functions as func

from adapters import bootstrap
from adapters.payments.results import results_payload
from adapters.stream.batch_run import run_batch
from adapters.stream.batches import iter_stream_records, stream_records_at
from adapters.stream.bindings import BATCH_RETRY, KafkaBindings
from adapters.stream.dead_letters import dead_letter_payload
from adapters.stream.telemetry import BatchMetrics, BatchTelemetry
from service.payments.summary import PaymentBatch

FUNCTION_NAME = "process_transactions"
METRICS = BatchMetrics(
    scope="telesales.payments",
    namespace="telesales.payments",
    events="telesales.payments.transactions",
    span="process transaction batch",
)
logger = logging.getLogger("telesales.payments")


@cache
def _telemetry() -> BatchTelemetry:
    return BatchTelemetry(METRICS)


def _process(events: typing.Sequence[func.KafkaEvent]) -> PaymentBatch:
    return bootstrap.payment_processing().handle(list(iter_stream_records(events)))


def process_transaction_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    results: func.Out[str],
    dead_letters: func.Out[str],
) -> None:
    batch = run_batch(events, _process, _telemetry(), logger)
    answers = results_payload(batch.results)
    if answers is not None:
        results.set(answers)
    if batch.rejects:
        positions = {(r.topic, r.partition, r.offset) for r in batch.rejects}
        records = stream_records_at(events, positions, with_values=False)
        letters = dead_letter_payload(records, batch.rejects)
        if letters is not None:
            dead_letters.set(letters)


def blueprint(kafka: KafkaBindings) -> func.Blueprint:
    """``process_transactions``, with its results and dead-letter outputs."""
    functions = func.Blueprint()  # type: ignore[no-untyped-call]  # unannotated in the library

    @functions.function_name(FUNCTION_NAME)
    @functions.retry(**BATCH_RETRY)
    @functions.kafka_trigger(
        arg_name="events",
        topic="%KAFKA_TRANSACTIONS_TOPIC%",
        consumer_group="%KAFKA_PAYMENTS_CONSUMER_GROUP%",
        cardinality="many",
        data_type="string",
        lag_threshold=kafka.lag_threshold,
        **kafka.connection(),
    )
    @functions.kafka_output(
        arg_name="results", topic="%KAFKA_TRANSACTION_RESULTS_TOPIC%", **kafka.connection()
    )
    @functions.kafka_output(
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

    return functions
