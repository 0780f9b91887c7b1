"""The composition root: the one place that picks adapters and wires them into services.

Each consumer is built on its function's first batch, from the app settings, then reused by the
worker for every batch after it. The process-wide parts start once, whichever consumer comes
first: telemetry export, and the garbage collector's freeze of the long-lived objects (after the
first consumer is built, when nearly all of them exist). ``reset`` drops the built consumers, so
that tools and tests can build them again from other settings or with a fixed clock.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

from adapters.customers.formats import CustomerDecoder
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from adapters.engines.registry import ALL_STREAMS
from adapters.engines.urls import open_bank2
from adapters.settings import GatewaySettings, PaymentSettings, Settings
from adapters.stream import telemetry
from adapters.stream.garbage import freeze_long_lived_objects
from service.customers.projection import CustomerProjection
from service.stream.clock import Clock, utc_now
from service.stream.retries import RetryPolicy

if TYPE_CHECKING:  # imported when a payment function is built: a customer-only app never loads it
    from service.gateway.gateway import Gateway
    from service.payments.processing import PaymentProcessing

# Bounded so that an invocation with all its host-level retries (see adapters/stream/bindings.py)
# stays well inside the Kafka consumer's max.poll.interval.ms of 5 minutes:
# tests/stream/test_retry_budget.py adds it up.
BANK2_RETRY = RetryPolicy(attempts=4, first_delay_s=1.0, max_delay_s=10.0, budget_s=30.0)
# A person or a merchant's server is waiting on an HTTP answer: retry a transient failure
# briefly, then answer 503 and let the client retry (an intake retry is idempotent).
GATEWAY_RETRY = RetryPolicy(attempts=3, first_delay_s=0.2, max_delay_s=1.0, budget_s=3.0)

# Bank 2 holds every consumer's tables, whichever function connects first, so that its
# least-privilege scripts (adapters/engines/<engine>/privileges.sql) always find them. A
# separate payments database (PAYMENTS_DB_URL) holds the payment processor's only.
BANK2_STREAMS = ALL_STREAMS
# The databases opened by the builders, closed by ``reset``: a tool or test that builds again
# does not leave the old connections open.
_OPENED: list[SqlBank2] = []


def build_customer_projection(settings: Settings, *, clock: Clock = utc_now) -> CustomerProjection:
    bank2 = open_bank2(settings.bank2_url, "BANK2_URL", streams=BANK2_STREAMS)
    _OPENED.append(bank2)
    return CustomerProjection(
        projection_units(bank2),
        CustomerDecoder(settings.unavailable_value_placeholder).decode,
        settings.consumer_group,
        retry=BANK2_RETRY,
        marker_retention=settings.removal_marker_retention,
        clock=clock,
    )


def build_payment_processing(
    settings: PaymentSettings, *, clock: Clock = utc_now
) -> PaymentProcessing:
    """The payment processor on its own connection, even when it shares Bank 2's database."""
    from adapters.payments.format import decode_transaction_record  # noqa: PLC0415 - see above
    from adapters.payments.store import payment_unit_of_work  # noqa: PLC0415
    from service.payments.processing import PaymentProcessing  # noqa: PLC0415

    database = _payments_database(settings)
    return PaymentProcessing(
        payment_unit_of_work(database), decode_transaction_record, retry=BANK2_RETRY, clock=clock
    )


def build_gateway(settings: GatewaySettings, *, clock: Clock = utc_now) -> Gateway:
    """The gateway's services on their own connection to the database holding the transactions
    (its tables are the payment processor's stream's): a request never waits for a batch's."""
    from adapters.gateway.request import read_json  # noqa: PLC0415 - see above
    from adapters.gateway.store import gateway_unit_of_work  # noqa: PLC0415
    from domain.gateway.rate_limits import RateLimiter  # noqa: PLC0415
    from service.gateway.access import Access  # noqa: PLC0415
    from service.gateway.authentication import Authenticator  # noqa: PLC0415
    from service.gateway.gateway import Gateway  # noqa: PLC0415
    from service.gateway.intake import TransactionIntake  # noqa: PLC0415
    from service.gateway.status import TransactionStatus  # noqa: PLC0415

    units = gateway_unit_of_work(_payments_database(settings.payments))
    access = Access(
        Authenticator(units, GATEWAY_RETRY), RateLimiter(settings.rate_limit_per_minute)
    )
    intake = TransactionIntake(
        units, access, read_json, settings.fingerprint_key, retry=GATEWAY_RETRY, clock=clock
    )
    return Gateway(access, intake, TransactionStatus(units, GATEWAY_RETRY, clock=clock))


def _payments_database(settings: PaymentSettings) -> SqlBank2:
    """A new connection to the database holding the transactions. A database of its own
    (PAYMENTS_DB_URL) gets the payment tables only; Bank 2 gets them all."""
    streams = BANK2_STREAMS if settings.database_setting == "BANK2_URL" else ("payments",)
    database = open_bank2(settings.database_url, settings.database_setting, streams=streams)
    _OPENED.append(database)
    return database


_BUILDING = threading.Lock()


class _Built:
    """The consumers built so far in this process, and the clock they are built with."""

    clock: Clock = utc_now
    customer_projection: CustomerProjection | None = None
    payment_processing: PaymentProcessing | None = None
    gateway: Gateway | None = None


def customer_projection() -> CustomerProjection:
    """The customer projection, built on first use: settings read and Bank 2 opened once."""
    if _Built.customer_projection is None:
        with _BUILDING:  # a worker running invocations in threads builds it once all the same
            if _Built.customer_projection is None:
                _start_process()
                settings = Settings.from_environment()
                _Built.customer_projection = build_customer_projection(settings, clock=_Built.clock)
                freeze_long_lived_objects()
    return _Built.customer_projection


def payment_processing() -> PaymentProcessing:
    """The payment processor, built on first use, on its own connection to its database."""
    if _Built.payment_processing is None:
        with _BUILDING:
            if _Built.payment_processing is None:
                _start_process()
                settings = PaymentSettings.from_environment()
                _Built.payment_processing = build_payment_processing(settings, clock=_Built.clock)
                freeze_long_lived_objects()
    return _Built.payment_processing


def gateway() -> Gateway:
    """The gateway's services, built on first request, on their own connection."""
    if _Built.gateway is None:
        with _BUILDING:
            if _Built.gateway is None:
                _start_process()
                settings = GatewaySettings.from_environment()
                _Built.gateway = build_gateway(settings, clock=_Built.clock)
                freeze_long_lived_objects()
    return _Built.gateway


def reset(*, clock: Clock = utc_now) -> None:
    """Forget the built consumers: the next batch builds them again, with this clock."""
    _Built.clock = clock
    _Built.customer_projection = None
    _Built.payment_processing = None
    _Built.gateway = None
    while _OPENED:
        _OPENED.pop().close()


@cache
def _start_process() -> None:
    """What the process needs once, whichever consumer starts first."""
    telemetry.configure_from_environment()
