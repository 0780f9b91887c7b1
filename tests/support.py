"""Helpers shared by the tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Generic, Self, TypeVar

from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from adapters.engines.database import SqlBank2
from service.stream.errors import TransientStoreError
from service.stream.records import StreamRecord
from service.stream.unit_of_work import UnitOfWork

StoreT = TypeVar("StoreT")


def cost(seconds: float, measure: Callable[[], float], bound: float, tries: int = 3) -> float:
    """``seconds``, as first measured, or while that is over ``bound`` the least of it and
    ``measure()`` timed again (``tries`` times in all): a pathological message is slow every
    time, a pause of the machine (or of the garbage collector, with Hypothesis's data in
    memory) is not."""
    for _ in range(tries - 1):
        if seconds < bound:
            break
        seconds = min(seconds, measure())
    return seconds


def query(bank: SqlBank2, sql: str) -> list[tuple[object, ...]]:
    """Read Bank 2 on the adapter's own connection, outside the code under test."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        rows = [tuple(row) for row in cursor.fetchall()]
        connection.rollback()
        return rows
    finally:
        bank.release(broken=False)


def execute(bank: SqlBank2, sql: str) -> None:
    """Write Bank 2 as its owner, on the adapter's own connection, outside the code under test."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        cursor.close()
        connection.commit()
    finally:
        bank.release(broken=False)


def columns_of(bank: SqlBank2, table: str) -> list[str]:
    """A table's or view's column names, in order, as the driver reports them."""
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")  # noqa: S608 - test-owned names
        names = [column[0] for column in cursor.description]
        cursor.fetchall()
        connection.rollback()
        return names
    finally:
        bank.release(broken=False)


def decide_one_transaction(url: str) -> str:
    """A payment batch through the payment processor's own adapter: a transaction sent twice
    and an unanswerable message (recorded as a reject). Returns the transaction's status."""
    from datetime import UTC, datetime  # noqa: PLC0415 - only the privilege tests need these

    from adapters.engines.urls import open_bank2  # noqa: PLC0415
    from adapters.payments.format import decode_transaction_record  # noqa: PLC0415
    from adapters.payments.store import payment_unit_of_work  # noqa: PLC0415
    from service.payments.processing import PaymentProcessing  # noqa: PLC0415
    from tests.payments.support import Topic, transaction  # noqa: PLC0415

    bank = open_bank2(url)
    try:
        processing = PaymentProcessing(
            payment_unit_of_work(bank),
            decode_transaction_record,
            clock=lambda: datetime(2026, 11, 22, 12, tzinfo=UTC),
        )
        batch = processing.handle(
            Topic().records(transaction("tx-1"), transaction("tx-1"), b"not json")
        )
        assert len(batch.rejects) == 1
        (result,) = {(r.transaction_id, r.status) for r in batch.results}
        return str(result[1])
    finally:
        bank.close()


class FlakyUnitOfWork(Generic[StoreT]):
    """A fake: fails on entry a given number of times, standing in for a database outage."""

    def __init__(self, real: Callable[[], UnitOfWork[StoreT]], failures: int) -> None:
        self.real, self.failures = real, failures
        self.store: StoreT

    def __call__(self) -> Self:
        return self

    def __enter__(self) -> Self:
        if self.failures > 0:
            self.failures -= 1
            raise TransientStoreError("database (fake) connect failed: outage")
        self.inner = self.real()
        self.store = self.inner.__enter__().store
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.inner.__exit__(*exc_info)  # type: ignore[arg-type]

    def commit(self) -> None:
        self.inner.commit()


MetricPoints = dict[str, list[tuple[dict[str, object], object]]]


def metric_points(reader: InMemoryMetricReader) -> MetricPoints:
    """Every data point the reader holds, by metric name: (attributes, value), a histogram's
    value as (count, sum)."""
    data = reader.get_metrics_data()
    assert data is not None
    points: MetricPoints = {}
    for resource in data.resource_metrics:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    value = getattr(point, "value", None)
                    if value is None:
                        value = (point.count, point.sum)  # type: ignore[union-attr]
                    points.setdefault(metric.name, []).append((dict(point.attributes or {}), value))
    return points


# The LGPD records as the customer function's own identity writes them (privilege tests).
LGPD_TABLES = ["removal_log", "rejected_message_subjects", "suppressed_phones", "do_not_call_lists"]
# What the function may not do to its proof of erasure, nor read of the lists.
REMOVAL_LOG_TAMPERING = [
    "SELECT * FROM removal_log",
    "UPDATE removal_log SET reason = 'deleted'",
    "DELETE FROM removal_log",
    "DELETE FROM suppressed_phones",
    "SELECT * FROM do_not_call_lists",
]


def project_lgpd_batch(url: str, owner: SqlBank2) -> tuple[int, int, int]:
    """One batch through the real projection on ``url``: a contact whose phone a do-not-call
    list holds (listed by ``owner``), a contact, a deletion and a rejected message about a known
    customer. Returns the summary's (upserted, suppressed, removed)."""
    from adapters.customers.formats import decode_customer_record  # noqa: PLC0415
    from adapters.customers.store import projection_units  # noqa: PLC0415
    from adapters.engines.urls import open_bank2  # noqa: PLC0415
    from service.customers.projection import CustomerProjection  # noqa: PLC0415

    execute(
        owner,
        "INSERT INTO suppressed_phones (phone, list_name, listed_on, added_in, seen_in)"
        " VALUES ('+5511987654321', 'procon-sp', '2025-06-01', 1, 1)",
    )
    messages: list[dict[str, object]] = [
        {"customer_id": "1", "version": 1, "name": "Maria Souza", "phone": "(11) 98765-4321"},
        {"customer_id": "2", "version": 1, "name": "Ana Lima", "phone": "(21) 2345-6789"},
        {"customer_id": "3", "version": 1, "name": "Rui Costa", "phone": "(31) 3456-7890"},
        {"customer_id": "3", "version": 2, "deleted": True},
        {"customer_id": "4", "version": 1, "name": "", "phone": "(11) 91234-5678"},
    ]
    records = [
        StreamRecord("customers", 0, offset, None, json.dumps(m).encode())
        for offset, m in enumerate(messages)
    ]
    bank = open_bank2(url)
    try:
        projection = CustomerProjection(projection_units(bank), decode_customer_record, "telesales")
        summary = projection.handle(records)
    finally:
        bank.close()
    return summary.upserted, summary.suppressed, summary.removed
