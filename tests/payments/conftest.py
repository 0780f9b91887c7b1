"""Fixtures the payment tests share."""

from __future__ import annotations

import pytest

from adapters.engines.database import SqlBank2


@pytest.fixture
def bank(engine_bank2: SqlBank2) -> SqlBank2:
    """The transactions' database on a fresh database of every engine that can run here."""
    return engine_bank2
