"""The one shape of a Kafka function's body: records in, the service, telemetry, a log line.

Every consumer's function runs its batch through ``run_batch`` and then hands what the summary
says to its output bindings. So each gets the same span, metrics and one-line structured log,
and a failure propagates the same way: the host retries the invocation, and with
``commitOnFailure: false`` (host.json) the batch's offsets are not committed until it succeeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import azure.functions as func

from adapters.stream.batches import event_timestamps
from adapters.stream.telemetry import BatchReport, BatchTelemetry

ReportT = TypeVar("ReportT", bound=BatchReport)


def run_batch(
    events: Sequence[func.KafkaEvent],
    handle: Callable[[Sequence[func.KafkaEvent]], ReportT],
    telemetry: BatchTelemetry,
    logger: logging.Logger,
) -> ReportT:
    """Handle one delivered batch, measured and logged; its errors propagate to the host."""
    started = time.perf_counter()
    with telemetry.batch_span(len(events)) as span:
        summary = handle(events)
        seconds = time.perf_counter() - started
        telemetry.record(summary, event_timestamps(events), seconds, span)
    logger.info(summary.log_line(), extra=summary.as_fields())
    return summary
