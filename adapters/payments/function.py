"""The payment processor's function: card transactions decided once, stored and answered.

Registered only where ``KAFKA_TRANSACTIONS_TOPIC`` is set, so a deployment without payments
indexes and starts exactly as before; where it is, its results and dead-letter topics must be
configured too, or the host refuses to start (README, "The payment processor").
"""

from __future__ import annotations

import logging
import typing
from functools import cache

import azure.functions as func

from adapters.bootstrap import build_payment_processing
from adapters.payments.results import results_payload
from adapters.settings import PaymentSettings
from adapters.stream import telemetry
from adapters.stream.batches import stream_records
from adapters.stream.bindings import BATCH_RETRY, KafkaBindings
from adapters.stream.dead_letters import dead_letter_payload
from adapters.stream.garbage import freeze_long_lived_objects
from service.payments.processing import PaymentProcessing

FUNCTION_NAME = "process_transactions"
logger = logging.getLogger("telesales.payments")


@cache
def payment_processing() -> PaymentProcessing:
    """Built on the first batch, then reused: its own connection to its database."""
    telemetry.configure_from_environment()
    processing = build_payment_processing(PaymentSettings.from_environment())
    freeze_long_lived_objects()
    return processing


def process_transaction_batch(
    events: typing.List[func.KafkaEvent],  # noqa: UP006 - the worker rejects list[...]
    results: func.Out[str],
    dead_letters: func.Out[str],
) -> None:
    records = stream_records(events)
    batch = payment_processing().handle(records)
    logger.info(batch.log_line(), extra=batch.as_fields())
    answers = results_payload(batch.results)
    if answers is not None:
        results.set(answers)
    letters = dead_letter_payload(records, batch.rejects)
    if letters is not None:
        dead_letters.set(letters)


def register(app: func.FunctionApp, kafka: KafkaBindings) -> None:
    """Add ``process_transactions`` to the app, with its results and dead-letter outputs."""

    @app.function_name(FUNCTION_NAME)
    @app.retry(**BATCH_RETRY)
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
