"""Metrics and traces of a batch, read back through the OpenTelemetry SDK's in-memory exporters."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from adapters.customers.formats import decode_customer_record
from adapters.customers.function import METRICS
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from adapters.stream.telemetry import BatchTelemetry, configure_from_environment
from service.customers.projection import CustomerProjection
from service.stream.records import StreamRecord
from tests.support import metric_points

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PERSONAL = ("Maria", "Souza", "98765", "123.456.789-09", "maria@example.com", "Rua")


def _batch() -> list[StreamRecord]:
    good = {
        "customer_id": "1",
        "version": 1,
        "name": "Maria Souza",
        "phone": "(11) 98765-4321",
        "cpf": "123.456.789-09",
        "email": "maria@example.com",
        "address": "Rua A, 1",
    }
    sent = NOW - timedelta(seconds=3)
    return [
        StreamRecord("customers", 0, 0, None, json.dumps(good).encode(), sent),
        StreamRecord("customers", 0, 1, None, b"{oops", sent),
        StreamRecord("customers", 0, 2, None, None, sent),
    ]


def test_a_batch_is_measured_by_outcome_size_duration_and_lag(bank2: SqlBank2) -> None:
    reader = InMemoryMetricReader()
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    telemetry = BatchTelemetry(METRICS, MeterProvider(metric_readers=[reader]), tracer_provider)
    projection = CustomerProjection(projection_units(bank2), decode_customer_record, "g")

    records = _batch()
    with telemetry.batch_span(len(records)) as span:
        summary = projection.handle(records)
        telemetry.record(summary, [r.timestamp for r in records], 0.25, span, now=NOW)

    points = metric_points(reader)

    events = {
        tuple(sorted(attrs.items())): value for attrs, value in points["telesales.customer_events"]
    }
    assert events == {
        (("outcome", "upserted"),): 1,
        (("outcome", "skipped"),): 1,
        (("outcome", "rejected"), ("reason", "malformed_json")): 1,
    }
    assert points["telesales.batch.size"] == [({}, (1, 3))]
    assert points["telesales.batch.duration"] == [({}, (1, 0.25))]
    assert points["telesales.end_to_end.lag"] == [({}, (3, 9.0))]  # three records, 3 s each
    assert points["telesales.write.duration"][0][1][0] == 1  # type: ignore[index]

    (span_data,) = spans.get_finished_spans()
    assert span_data.name == "project customer batch"
    assert span_data.attributes is not None
    assert span_data.attributes["telesales.batch_upserted"] == 1
    exported = repr(points) + repr(dict(span_data.attributes))
    assert [p for p in PERSONAL if p in exported] == []


def test_without_a_connection_string_nothing_is_configured() -> None:
    assert configure_from_environment({}) is False
    assert configure_from_environment({"APPLICATIONINSIGHTS_CONNECTION_STRING": " "}) is False
