"""The composition root: the one place that picks adapters and wires them into services."""

from __future__ import annotations

from adapters.customers.formats import CustomerDecoder
from adapters.customers.store import projection_units
from adapters.engines.urls import open_bank2
from adapters.payments.format import decode_transaction_record
from adapters.payments.store import payment_unit_of_work
from adapters.settings import PaymentSettings, Settings
from service.customers.projection import CustomerProjection
from service.payments.processing import PaymentProcessing
from service.stream.clock import Clock, utc_now
from service.stream.retries import RetryPolicy

# Bounded so that an invocation with all its host-level retries (see function_app.py) stays well
# inside the Kafka consumer's max.poll.interval.ms of 5 minutes: tests/stream/test_retry_budget.py
BANK2_RETRY = RetryPolicy(attempts=4, first_delay_s=1.0, max_delay_s=10.0, budget_s=30.0)


def build_customer_projection(settings: Settings) -> CustomerProjection:
    bank2 = open_bank2(settings.bank2_url, "BANK2_URL")
    return CustomerProjection(
        projection_units(bank2),
        CustomerDecoder(settings.unavailable_value_placeholder),
        settings.consumer_group,
        retry=BANK2_RETRY,
        marker_retention=settings.removal_marker_retention,
    )


def build_payment_processing(
    settings: PaymentSettings, *, clock: Clock = utc_now
) -> PaymentProcessing:
    """The payment processor on its own connection, even when it shares Bank 2's database."""
    database = open_bank2(settings.database_url, settings.database_setting)
    return PaymentProcessing(
        payment_unit_of_work(database), decode_transaction_record, retry=BANK2_RETRY, clock=clock
    )
