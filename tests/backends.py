"""Every store backend the contract suites run on: the in-memory reference and each real engine.

A contract test states a port's behaviour once, through a backend: its unit-of-work factory,
and what an operator or telesales would read back (the view, the markers, the rejects, the
transactions). ``memory`` is the executable reference (``adapters/*/memory.py``); the engines
are real servers, a fresh database per test (``tests/databases.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest

from adapters.customers.memory import (
    MemoryProjectionStore,
    ProjectionState,
    memory_projection_units,
)
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from adapters.payments.memory import MemoryPaymentStore, PaymentState, memory_payment_units
from adapters.payments.store import payment_unit_of_work
from adapters.stream.memory import MemoryDatabase
from service.customers.ports import ProjectionStore
from service.payments.ports import PaymentStore
from service.stream.unit_of_work import UnitOfWorkFactory
from tests.databases import ENGINES, database_url
from tests.support import execute, query

BACKENDS = ["memory", *ENGINES]
B = TypeVar("B")
Row = tuple[object, ...]


class ProjectionBackend(Protocol):
    name: str
    # Whether a value longer than its column is refused (SQLite has no widths: it keeps it whole).
    enforces_widths: bool

    def units(self) -> UnitOfWorkFactory[ProjectionStore]: ...
    def telesales(self) -> list[Row]:
        """``telesales_contacts``: (customer_id, name, phone, region), by customer id."""
        ...

    def held(self) -> list[Row]:
        """Every customer row, markers included: (customer_id, name, phone, region)."""
        ...

    def rejects(self) -> list[Row]:
        """(topic, partition, offset, reason), in position order."""
        ...

    def reject_subjects(self) -> list[Row]:
        """(topic, partition, offset, customer_id), in position order."""
        ...

    def removal_log(self) -> list[Row]:
        """(customer_id, reason, version, topic, partition, offset), in the order appended."""
        ...

    def list_phone(self, phone: str) -> None:
        """Put a phone on a do-not-call list, as a list load does."""
        ...


class PaymentBackend(Protocol):
    name: str
    enforces_widths: bool  # as ProjectionBackend's

    def units(self) -> UnitOfWorkFactory[PaymentStore]: ...
    def transactions(self) -> list[Row]:
        """(id, account_id, amount as Decimal, status, error, brand, last four), by id."""
        ...

    def rejects(self) -> list[Row]: ...


class MemoryBackend:
    """Both consumers' reference stores, each on its own in-memory database."""

    name = "memory"
    enforces_widths = True

    def __init__(self) -> None:
        self.projection = MemoryDatabase(ProjectionState())
        self.payments = MemoryDatabase(PaymentState())


class MemoryProjectionBackend(MemoryBackend):
    def units(self) -> UnitOfWorkFactory[ProjectionStore]:
        factory: UnitOfWorkFactory[MemoryProjectionStore] = memory_projection_units(self.projection)
        return factory

    def telesales(self) -> list[Row]:
        return list(self.projection.state.telesales_contacts())

    def held(self) -> list[Row]:
        contacts = self.projection.state.contacts
        return [(i, r.name, r.phone, r.region) for i, r in sorted(contacts.items())]

    def rejects(self) -> list[Row]:
        return [
            (*position, reason)
            for position, reason in sorted(self.projection.state.rejects.items())
        ]

    def reject_subjects(self) -> list[Row]:
        subjects = self.projection.state.reject_subjects
        return [(*position, customer_id) for position, customer_id in sorted(subjects.items())]

    def removal_log(self) -> list[Row]:
        return [
            (e.customer_id, str(e.reason), e.version_key, e.topic, e.partition, e.offset)
            for e in (logged.entry for logged in self.projection.state.removal_log)
        ]

    def list_phone(self, phone: str) -> None:
        self.projection.state.suppressed_phones.setdefault(phone, set()).add("procon-sp")


class MemoryPaymentBackend(MemoryBackend):
    def units(self) -> UnitOfWorkFactory[PaymentStore]:
        factory: UnitOfWorkFactory[MemoryPaymentStore] = memory_payment_units(self.payments)
        return factory

    def transactions(self) -> list[Row]:
        return [
            (i, r.account_id, r.amount, r.status, r.error_message, r.card_brand, r.card_last_four)
            for i, r in sorted(self.payments.state.transactions.items())
        ]

    def rejects(self) -> list[Row]:
        return [
            (*position, reason) for position, reason in sorted(self.payments.state.rejects.items())
        ]


class SqlBackend:
    """A real engine's database, read back with plain SQL on the adapter's connection."""

    def __init__(self, name: str, bank: SqlBank2) -> None:
        self.name = name
        self.bank = bank
        self.enforces_widths = name != "sqlite"

    def rejects(self) -> list[Row]:
        return query(
            self.bank,
            "SELECT topic, kafka_partition, kafka_offset, reason FROM rejected_messages"
            " ORDER BY 1, 2, 3",
        )


class SqlProjectionBackend(SqlBackend):
    def units(self) -> UnitOfWorkFactory[ProjectionStore]:
        factory: UnitOfWorkFactory[Any] = projection_units(self.bank)
        return factory

    def telesales(self) -> list[Row]:
        return query(
            self.bank, "SELECT customer_id, name, phone, region FROM telesales_contacts ORDER BY 1"
        )

    def held(self) -> list[Row]:
        return query(
            self.bank, "SELECT customer_id, name, phone, region FROM contact_state ORDER BY 1"
        )

    def reject_subjects(self) -> list[Row]:
        return query(
            self.bank,
            "SELECT topic, kafka_partition, kafka_offset, customer_id"
            " FROM rejected_message_subjects ORDER BY 1, 2, 3",
        )

    def removal_log(self) -> list[Row]:
        # Appended in one statement per batch: within one, by offset.
        return query(
            self.bank,
            "SELECT customer_id, reason, version, topic, kafka_partition, kafka_offset"
            " FROM removal_log ORDER BY applied_at, kafka_offset",
        )

    def list_phone(self, phone: str) -> None:
        columns = "(phone, list_name, listed_on, added_in, seen_in)"
        values = f"('{phone}', 'procon-sp', '2025-06-01', 1, 1)"
        execute(self.bank, f"INSERT INTO suppressed_phones {columns} VALUES {values}")  # noqa: S608


class SqlPaymentBackend(SqlBackend):
    def units(self) -> UnitOfWorkFactory[PaymentStore]:
        factory: UnitOfWorkFactory[Any] = payment_unit_of_work(self.bank)
        return factory

    def transactions(self) -> list[Row]:
        rows = query(
            self.bank,
            "SELECT id, account_id, amount, status, error_message, card_brand, card_last_four"
            " FROM transactions",
        )
        # Amounts come back as Decimal, or as exact text on SQLite: compare them as Decimal.
        return sorted(
            (row[0], row[1], None if row[2] is None else Decimal(str(row[2])), *row[3:])
            for row in rows
        )


@contextmanager
def _on(
    backend: str, tmp_path: Path, memory: Callable[[], B], sql: Callable[[str, SqlBank2], B]
) -> Iterator[B]:
    if backend == "memory":
        yield memory()
        return
    with database_url(backend, tmp_path) as url:
        bank = open_bank2(url)
        try:
            yield sql(backend, bank)
        finally:
            bank.close()


@pytest.fixture(params=BACKENDS)
def projection_backend(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[ProjectionBackend]:
    """The customer projection's store on every backend, one after the other."""
    memory: Callable[[], ProjectionBackend] = MemoryProjectionBackend
    with _on(request.param, tmp_path, memory, SqlProjectionBackend) as backend:
        yield backend


@pytest.fixture(params=BACKENDS)
def payment_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PaymentBackend]:
    """The payment processor's store on every backend, one after the other."""
    memory: Callable[[], PaymentBackend] = MemoryPaymentBackend
    with _on(request.param, tmp_path, memory, SqlPaymentBackend) as backend:
        yield backend
