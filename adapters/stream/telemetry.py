"""OpenTelemetry metrics and traces for every consumer's batches, exported to Azure Monitor.

Instruments are created on the OpenTelemetry API, which does nothing until a provider is set:
``configure_from_environment`` sets one up (the Azure Monitor distro, imported only then, as it
costs about a second of cold start) when ``APPLICATIONINSIGHTS_CONNECTION_STRING`` is set. With
``APPLICATIONINSIGHTS_AUTHENTICATION_STRING`` asking for Entra ID ("Authorization=AAD"), data is
sent with the user-assigned managed identity named by ``AZURE_CLIENT_ID``.

Each consumer names its instruments (``BatchMetrics``) and its batch summary says what to count
(``BatchReport``). Attributes are counts, outcomes, reason codes, topics and partitions: never
personal data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from opentelemetry import metrics, trace

logger = logging.getLogger(__name__)


class BatchReport(Protocol):
    """What a consumer's batch summary tells telemetry and the log."""

    @property
    def size(self) -> int:
        """Messages delivered in the batch."""
        ...

    @property
    def write_seconds(self) -> float: ...

    def outcome_counts(self) -> Iterator[tuple[dict[str, str], int]]:
        """Each non-zero count with its attributes (``outcome``, and ``reason`` for refusals)."""
        ...

    def as_fields(self) -> dict[str, int | str]:
        """Flat fields for structured logs and span attributes."""
        ...

    def log_line(self) -> str: ...


@dataclass(frozen=True, slots=True)
class BatchMetrics:
    """A consumer's instrument names: ``<namespace>.batch.size`` and so on."""

    scope: str  # the meter's and tracer's name: "telesales.customers", "telesales.payments"
    namespace: str  # "telesales" for the customer projection, as its dashboards know it
    events: str  # the counter of messages by outcome
    span: str  # the batch's trace span


class BatchTelemetry:
    """Records one consumer's batches: counts by outcome, sizes, durations and end-to-end lag."""

    def __init__(
        self,
        names: BatchMetrics,
        meter_provider: metrics.MeterProvider | None = None,
        tracer_provider: trace.TracerProvider | None = None,
    ) -> None:
        meter = metrics.get_meter(names.scope, meter_provider=meter_provider)
        prefix = names.namespace
        self._span_name = names.span
        self._events = meter.create_counter(
            names.events, unit="{event}", description="messages by outcome"
        )
        self._batch_size = meter.create_histogram(
            f"{prefix}.batch.size", unit="{event}", description="messages per delivered batch"
        )
        self._batch_duration = meter.create_histogram(
            f"{prefix}.batch.duration", unit="s", description="a batch from decode to commit"
        )
        self._write_duration = meter.create_histogram(
            f"{prefix}.write.duration", unit="s", description="database writes, retries included"
        )
        self._lag = meter.create_histogram(
            f"{prefix}.end_to_end.lag",
            unit="s",
            description="from the Kafka record's timestamp to its commit",
        )
        self._tracer = trace.get_tracer(names.scope, tracer_provider=tracer_provider)

    @contextmanager
    def batch_span(self, size: int) -> Iterator[trace.Span]:
        with self._tracer.start_as_current_span(
            self._span_name, attributes={"messaging.batch.message_count": size}
        ) as span:
            yield span

    def record(
        self,
        summary: BatchReport,
        timestamps: Iterable[datetime | None],
        batch_seconds: float,
        span: trace.Span,
        now: datetime | None = None,
    ) -> None:
        for attributes, count in summary.outcome_counts():
            self._events.add(count, attributes)
        self._batch_size.record(summary.size)
        self._batch_duration.record(batch_seconds)
        self._write_duration.record(summary.write_seconds)
        committed = now or datetime.now(UTC)
        lag = self._lag.record
        for written in timestamps:
            if written is not None:
                seconds = (committed - written).total_seconds()
                lag(max(0.0, seconds))  # a clock behind Kafka's: no lag
        span.set_attributes({f"telesales.{k}": v for k, v in summary.as_fields().items()})


def configure_from_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Export to Application Insights when it is configured; return whether it is.

    The composition root calls it once per process (``adapters.bootstrap``).
    """
    connection_string = environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "").strip()
    if not connection_string:
        return False
    from azure.monitor.opentelemetry import configure_azure_monitor  # noqa: PLC0415 - see above

    credential = None
    if "authorization=aad" in environ.get("APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "").lower():
        from azure.identity import ManagedIdentityCredential  # noqa: PLC0415

        client_id = environ.get("AZURE_CLIENT_ID") or None
        credential = ManagedIdentityCredential(client_id=client_id)
    configure_azure_monitor(
        connection_string=connection_string,
        credential=credential,
        logger_name="telesales",  # our structured batch logs, with their fields as dimensions
    )
    logger.info("telemetry exported to Azure Monitor")
    return True
