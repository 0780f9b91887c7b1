"""A payment batch is measured and traced like a customer batch: the shared batch-run shape."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import azure.functions as func
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.engines.database import SqlBank2
from adapters.payments.format import decode_transaction_record
from adapters.payments.function import METRICS
from adapters.payments.store import payment_unit_of_work
from adapters.stream.batch_run import run_batch
from adapters.stream.batches import iter_stream_records
from adapters.stream.telemetry import BatchTelemetry
from demo.functions_host import KafkaMessage, kafka_batch
from service.payments.processing import PaymentProcessing
from service.payments.summary import PaymentBatch
from tests.payments.cards import VISA
from tests.payments.support import HOLDER, transaction
from tests.support import metric_points

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# A three-digit CVV would match durations and counts by chance: the number and name are checked.
CARD_DATA = (VISA, VISA[:8], HOLDER, "Joana")


def test_a_payment_batch_is_counted_by_outcome_timed_and_traced(
    bank2: SqlBank2, caplog: pytest.LogCaptureFixture
) -> None:
    reader, spans, tracer_provider = (
        InMemoryMetricReader(),
        InMemorySpanExporter(),
        TracerProvider(),
    )
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    telemetry = BatchTelemetry(METRICS, MeterProvider(metric_readers=[reader]), tracer_provider)
    processing = PaymentProcessing(
        payment_unit_of_work(bank2), decode_transaction_record, clock=lambda: NOW
    )
    sent = datetime.now(UTC) - timedelta(seconds=2)  # lag is measured to the real commit
    values = [
        transaction("t-1"),
        transaction("t-2", amount="1000.01"),  # over the limit: rejected
        transaction("t-1"),  # the same id again in the batch
        {"id": "t-3", "credit_card_number": VISA},  # unanswerable: fields missing
        None,  # a tombstone
    ]
    messages = [
        KafkaMessage("transactions", 0, n, None, json.dumps(v).encode() if v else None, sent)
        for n, v in enumerate(values)
    ]

    def handle(events: Sequence[func.KafkaEvent]) -> PaymentBatch:
        return processing.handle(list(iter_stream_records(events)))

    with caplog.at_level(logging.INFO, logger="telesales.payments"):
        batch = run_batch(
            kafka_batch(messages), handle, telemetry, logging.getLogger("telesales.payments")
        )

    points = metric_points(reader)
    counted = {tuple(sorted(a.items())): v for a, v in points["telesales.payments.transactions"]}
    assert counted == {
        (("outcome", "approved"),): 1,
        (("outcome", "rejected"), ("reason", "over_limit")): 1,
        (("outcome", "duplicates"),): 1,
        (("outcome", "skipped"),): 1,
        (("outcome", "unanswerable"), ("reason", batch.rejects[0].reason)): 1,
    }
    assert points["telesales.payments.batch.size"] == [({}, (1, 5))]
    ((_, lag),) = points["telesales.payments.end_to_end.lag"]
    assert isinstance(lag, tuple)
    assert lag[0] == 5
    assert 10.0 <= lag[1] < 20.0  # five records written 2 s (and the batch's run time) earlier
    assert points["telesales.payments.write.duration"][0][1][0] == 1  # type: ignore[index]
    (span,) = spans.get_finished_spans()
    assert span.name == "process transaction batch"
    assert span.attributes is not None
    assert span.attributes["telesales.payments_approved"] == 1
    assert [r.getMessage() for r in caplog.records] == [batch.log_line()]
    exported = repr(points) + repr(dict(span.attributes)) + caplog.text
    assert [c for c in CARD_DATA if c in exported] == []
