"""OpenTelemetry metrics and traces for the customer projection, exported to Azure Monitor.

Instruments are created on the OpenTelemetry API, which does nothing until a provider is set:
``configure_from_environment`` sets one up (the Azure Monitor distro, imported only then, as it
costs about a second of cold start) when ``APPLICATIONINSIGHTS_CONNECTION_STRING`` is set. With
``APPLICATIONINSIGHTS_AUTHENTICATION_STRING`` asking for Entra ID ("Authorization=AAD"), data is
sent with the user-assigned managed identity named by ``AZURE_CLIENT_ID``.

Attributes are counts, reason codes, topics and partitions: never personal data.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from opentelemetry import metrics, trace

from service.customers.summary import BatchSummary

logger = logging.getLogger(__name__)

_OUTCOMES = ("upserted", "removed", "withdrawn", "stale", "superseded", "duplicates", "skipped")


class CustomerBatchTelemetry:
    """Records one customer batch: counts by outcome, sizes, durations and end-to-end lag."""

    def __init__(
        self,
        meter_provider: metrics.MeterProvider | None = None,
        tracer_provider: trace.TracerProvider | None = None,
    ) -> None:
        meter = metrics.get_meter("telesales.customers", meter_provider=meter_provider)
        self._events = meter.create_counter(
            "telesales.customer_events", unit="{event}", description="events by outcome"
        )
        self._batch_size = meter.create_histogram(
            "telesales.batch.size", unit="{event}", description="events per delivered batch"
        )
        self._batch_duration = meter.create_histogram(
            "telesales.batch.duration", unit="s", description="a batch from decode to commit"
        )
        self._write_duration = meter.create_histogram(
            "telesales.write.duration", unit="s", description="Bank 2 writes, retries included"
        )
        self._lag = meter.create_histogram(
            "telesales.end_to_end.lag",
            unit="s",
            description="from the Kafka record's timestamp to its commit in Bank 2",
        )
        self._tracer = trace.get_tracer("telesales.customers", tracer_provider=tracer_provider)

    @contextmanager
    def batch_span(self, size: int) -> Iterator[trace.Span]:
        with self._tracer.start_as_current_span(
            "project customer batch", attributes={"messaging.batch.message_count": size}
        ) as span:
            yield span

    def record(
        self,
        summary: BatchSummary,
        timestamps: Iterable[datetime | None],
        batch_seconds: float,
        span: trace.Span,
        now: datetime | None = None,
    ) -> None:
        for outcome in _OUTCOMES:
            count = getattr(summary, outcome)
            if count:
                self._events.add(count, {"outcome": outcome})
        for reason, count in summary.rejected.items():
            self._events.add(count, {"outcome": "rejected", "reason": str(reason)})
        self._batch_size.record(summary.events)
        self._batch_duration.record(batch_seconds)
        self._write_duration.record(summary.write_seconds)
        committed = now or datetime.now(UTC)
        for written in timestamps:
            if written is not None:
                self._lag.record(max((committed - written).total_seconds(), 0.0))
        span.set_attributes({f"telesales.{k}": v for k, v in summary.as_fields().items()})


_configured = False


def configure_from_environment(environ: Mapping[str, str] = os.environ) -> bool:
    """Export to Application Insights when it is configured; return whether it is.

    Every function calls it on its first batch; only the first call configures the exporter.
    """
    global _configured  # noqa: PLW0603 - one exporter per process, whichever function starts
    connection_string = environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "").strip()
    if not connection_string:
        return False
    if _configured:
        return True
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
    _configured = True
    logger.info("telemetry exported to Azure Monitor")
    return True
