"""Cursors over an account's changes, and the per-account rate."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from domain.gateway import cursors
from domain.gateway.cursors import SETTLE, START, Position
from domain.gateway.rate_limits import RateLimiter
from domain.gateway.transactions import GatewayStatus, TransactionView

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def view(transaction_id: str, at: datetime) -> TransactionView:
    return TransactionView("o", transaction_id, GatewayStatus.PENDING, None, None, None, at, None)


def test_a_cursor_round_trips_and_anything_else_is_refused() -> None:
    position = Position(NOW, "3f2b")
    assert cursors.decode(cursors.encode(position)) == position
    for bad in ("", "nonsense", "x" * 300, cursors.encode(position)[:-3]):
        assert cursors.decode(bad) is None


def test_a_crafted_cursor_is_refused_not_a_failure() -> None:
    def crafted(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    for text in (
        "0001-01-01T00:00:00+05:00|x",  # out of range once in UTC
        "9999-12-31T23:59:59-05:00|x",
        "2026-11-22T12:00:00+00:00|a\x00b",  # ids the gateway never makes
        "2026-11-22T12:00:00+00:00|a\nb",
        "2026-11-22T12:00:00+00:00|caf\u00e9",
    ):
        assert cursors.decode(crafted(text)) is None


def test_a_full_page_reads_on_after_its_last_row() -> None:
    page = [view("a", NOW - timedelta(seconds=1)), view("b", NOW)]
    assert cursors.next_position(page, full=True, now=NOW) == Position(NOW, "b")


def test_a_caught_up_read_goes_back_to_the_settle_window() -> None:
    page = [view("a", NOW)]
    assert cursors.next_position(page, full=False, now=NOW) == Position(NOW - SETTLE)
    assert cursors.next_position([], full=False, now=NOW) == Position(NOW - SETTLE)
    assert Position(NOW - SETTLE) > START


def test_a_bucket_allows_a_minutes_burst_then_the_steady_rate() -> None:
    limiter = RateLimiter(per_minute=60)
    assert [limiter.take("acc", 0.0) for _ in range(60)] == [0] * 60
    assert limiter.take("acc", 0.0) == 1  # one token a second
    assert limiter.take("acc", 1.0) == 0
    assert limiter.take("other", 1.0) == 0  # each account its own


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)
