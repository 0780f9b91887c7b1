"""Azure Functions entry point: Kafka batches of customer changes into Bank 2's telesales contacts.

The trigger only decodes the batch, calls the application service, and logs a one-line summary.
Infrastructure failures propagate: the host retries the invocation, and with
``commitOnFailure: false`` in host.json the batch's offsets are not committed until it succeeds.
"""

from __future__ import annotations

import logging
import typing
from functools import cache

import azure.functions as func

from adapters.composition import build_customer_projection
from adapters.kafka_batches import stream_records
from adapters.settings import Settings
from service.customer_projection import CustomerProjection

app = func.FunctionApp()
logger = logging.getLogger("telesales.customers")


@cache
def customer_projection() -> CustomerProjection:
    """Built on the first batch, then reused: settings read and Bank 2 opened once per worker."""
    return build_customer_projection(Settings.from_environment())


@app.function_name("project_customers")
@app.retry(
    strategy="exponential_backoff",
    max_retry_count="2",
    minimum_interval="00:00:05",
    maximum_interval="00:01:00",
)
@app.kafka_trigger(
    arg_name="events",
    topic="%KAFKA_CUSTOMERS_TOPIC%",
    broker_list="%KAFKA_BROKER_LIST%",
    consumer_group="%KAFKA_CONSUMER_GROUP%",
    cardinality="many",
    data_type="string",
)
def project_customers(events: typing.List[func.KafkaEvent]) -> None:  # noqa: UP006 - the worker rejects list[...]
    summary = customer_projection().handle(stream_records(events))
    logger.info(summary.log_line(), extra=summary.as_fields())
