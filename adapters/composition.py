"""The composition root: the one place that picks adapters and wires them into services."""

from __future__ import annotations

from adapters.bank2.urls import open_bank2
from adapters.formats import decode_customer_record
from adapters.settings import Settings
from service.customer_projection import CustomerProjection
from service.retries import RetryPolicy

# Bounded so that an invocation with all its host-level retries (see function_app.py) stays well
# inside the Kafka consumer's max.poll.interval.ms of 5 minutes: tests/function/test_retry_budget.py
BANK2_RETRY = RetryPolicy(attempts=4, first_delay_s=1.0, max_delay_s=10.0, budget_s=30.0)


def build_customer_projection(settings: Settings) -> CustomerProjection:
    bank2 = open_bank2(settings.bank2_url)
    return CustomerProjection(
        bank2.unit_of_work,
        decode_customer_record,
        settings.consumer_group,
        retry=BANK2_RETRY,
        marker_retention=settings.removal_marker_retention,
    )
