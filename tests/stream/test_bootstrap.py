"""The composition root builds each consumer once, from the settings, and forgets it on reset."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from adapters import bootstrap

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[None]:
    monkeypatch.setenv("BANK2_URL", sqlite_url)
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "telesales")
    bootstrap.reset()
    yield
    bootstrap.reset()


def test_each_consumer_is_built_once_and_reused() -> None:
    assert bootstrap.customer_projection() is bootstrap.customer_projection()
    assert bootstrap.payment_processing() is bootstrap.payment_processing()


def test_reset_builds_them_again_from_the_current_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = bootstrap.customer_projection()
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "another")
    assert bootstrap.customer_projection() is first  # settings are read once
    bootstrap.reset()
    assert bootstrap.customer_projection() is not first


def test_reset_can_fix_the_clock_for_every_consumer() -> None:
    bootstrap.reset(clock=lambda: WHEN)
    assert bootstrap.customer_projection()._clock() == WHEN
    assert bootstrap.payment_processing()._clock() == WHEN
