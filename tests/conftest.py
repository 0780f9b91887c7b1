"""Shared fixtures: real Bank 2 engines that can run here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from tests.databases import ENGINES, database_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bank2.db'}"


@pytest.fixture
def bank2(sqlite_url: str) -> Iterator[SqlBank2]:
    bank = open_bank2(sqlite_url)
    yield bank
    bank.close()


@pytest.fixture(params=ENGINES)
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh Bank 2 on every engine that can run here, one after the other."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine_bank2(engine_url: str) -> Iterator[SqlBank2]:
    """Bank 2 on a fresh database of every engine that can run here, one after the other."""
    bank = open_bank2(engine_url)
    yield bank
    bank.close()
