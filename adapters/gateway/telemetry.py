"""The gateway's metrics: requests by operation and status code, credential failures by reason,
submissions by outcome. Attributes are codes and names the gateway defines: never an account's
data, a card's or a secret. Instruments come from the OpenTelemetry API, which records nothing
until the composition root configures an exporter (adapters/stream/telemetry.py)."""

from __future__ import annotations

from functools import cache

from opentelemetry import metrics

SCOPE = "payments.gateway"
REQUESTS = "gateway.requests"
UNAUTHORIZED = "gateway.unauthorized"
SUBMISSIONS = "gateway.submissions"
DURATION = "gateway.request.duration"


class GatewayTelemetry:
    def __init__(self, meter_provider: metrics.MeterProvider | None = None) -> None:
        meter = metrics.get_meter(SCOPE, meter_provider=meter_provider)
        self._requests = meter.create_counter(
            REQUESTS, unit="{request}", description="HTTP requests by operation and status code"
        )
        self._unauthorized = meter.create_counter(
            UNAUTHORIZED, unit="{request}", description="requests refused for their credentials"
        )
        self._submissions = meter.create_counter(
            SUBMISSIONS, unit="{transaction}", description="submitted transactions by outcome"
        )
        self._duration = meter.create_histogram(
            DURATION, unit="s", description="an HTTP request from receipt to answer"
        )

    def request(self, operation: str, status_code: int, seconds: float) -> None:
        attributes: dict[str, str | int] = {"operation": operation, "status_code": status_code}
        self._requests.add(1, attributes)
        self._duration.record(seconds, attributes)

    def unauthorized(self, operation: str, reason: str) -> None:
        self._unauthorized.add(1, {"operation": operation, "reason": reason})

    def submission(self, outcome: str) -> None:
        self._submissions.add(1, {"outcome": outcome})


@cache
def gateway_telemetry() -> GatewayTelemetry:
    return GatewayTelemetry()
