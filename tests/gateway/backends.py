"""The gateway's store on every backend: the in-memory reference and each real engine.

Each backend also lends the payment processor's store on the same database, so that a test can
store an outcome as the processor does and watch the gateway's status follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from adapters.gateway.memory import GatewayState, memory_gateway_units, memory_payment_units_beside
from adapters.gateway.store import gateway_unit_of_work
from adapters.payments.store import payment_unit_of_work
from adapters.stream.memory import MemoryDatabase
from service.gateway.ports import GatewayStore
from service.payments.ports import PaymentStore
from service.stream.unit_of_work import UnitOfWorkFactory
from tests.databases import ENGINES, database_url

BACKENDS = ["memory", *ENGINES]


class GatewayBackend(Protocol):
    name: str

    def units(self) -> UnitOfWorkFactory[GatewayStore]: ...
    def payment_units(self) -> UnitOfWorkFactory[PaymentStore]: ...


class MemoryGatewayBackend:
    name = "memory"

    def __init__(self) -> None:
        self.database = MemoryDatabase(GatewayState())

    def units(self) -> UnitOfWorkFactory[GatewayStore]:
        factory: UnitOfWorkFactory[Any] = memory_gateway_units(self.database)
        return factory

    def payment_units(self) -> UnitOfWorkFactory[PaymentStore]:
        factory: UnitOfWorkFactory[Any] = memory_payment_units_beside(self.database)
        return factory


class SqlGatewayBackend:
    def __init__(self, name: str, bank: SqlBank2) -> None:
        self.name = name
        self.bank = bank

    def units(self) -> UnitOfWorkFactory[GatewayStore]:
        factory: UnitOfWorkFactory[Any] = gateway_unit_of_work(self.bank)
        return factory

    def payment_units(self) -> UnitOfWorkFactory[PaymentStore]:
        factory: UnitOfWorkFactory[Any] = payment_unit_of_work(self.bank)
        return factory


@pytest.fixture(params=BACKENDS)
def gateway_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GatewayBackend]:
    """The gateway's store on every backend, one after the other."""
    if request.param == "memory":
        yield MemoryGatewayBackend()
        return
    with database_url(request.param, tmp_path) as url:
        bank = open_bank2(url, streams=("payments",))
        try:
            yield SqlGatewayBackend(request.param, bank)
        finally:
            bank.close()
