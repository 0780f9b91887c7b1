"""How many runs the benchmark's event-count sweep makes of each count, and in which order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import bench.__main__ as bench_main
from bench.plan import MOST_RUNS_PER_COUNT, parse_plan


def test_a_short_count_is_run_until_its_runs_hold_the_total() -> None:
    plan = parse_plan(["--event-counts", "10000,30000,100000,1000000"])
    assert plan.event_count_total == 100_000
    assert [plan.runs_of(count) for count in plan.event_counts] == [10, 4, 1, 1]


def test_the_runs_of_a_tiny_count_are_bounded() -> None:
    plan = parse_plan(["--event-counts", "1", "--event-count-total", "100000"])
    assert plan.runs_of(1) == MOST_RUNS_PER_COUNT


def test_the_quick_sweep_repeats_its_short_count_too() -> None:
    plan = parse_plan(["--quick"])
    assert plan.event_count_total == 10_000
    assert [plan.runs_of(count) for count in plan.event_counts] == [5, 1]


def test_a_short_count_runs_on_both_sides_of_the_long_ones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plan = parse_plan(["--event-counts", "10000,100000,1000000"])
    runner = bench_main._Runner(plan, tmp_path, tmp_path / "customers.spool")
    order: list[int] = []

    def measured(engine: str, events: int, batch_size: int) -> dict[str, Any]:
        """Stands in for a run in a fresh process: what this test checks is their order."""
        order.append(events)
        return {"events": events, "events_per_s": events, "seconds": 1.0, "peak_rss_mb": 40.0}

    monkeypatch.setattr(runner, "plain", measured)
    rows = runner.event_sweep(plan.event_counts)
    assert order == [10_000] * 5 + [100_000, 1_000_000] + [10_000] * 5
    assert [row["events"] for row in rows] == [10_000, 100_000, 1_000_000]
    assert [len(row["runs_events_per_s"]) for row in rows] == [10, 1, 1]


def test_the_counts_are_swept_smallest_first_and_once_each() -> None:
    plan = parse_plan(["--event-counts", "1000000,10000,100000,10000"])
    assert plan.event_counts == (10_000, 100_000, 1_000_000)
