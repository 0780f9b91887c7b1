"""How the benchmark's report puts several runs of one count together, and prints them."""

from __future__ import annotations

from typing import Any

import pytest

from bench import report


def _run(events: int, rate: int | None, rss: float = 40.0) -> dict[str, Any]:
    return {
        "events": events,
        "batch_size": 500,
        "events_per_s": rate,
        "seconds": round(events / rate, 3) if rate else 0.0,
        "peak_rss_mb": rss,
        "bytes_written_per_event": 645,
        "file_mb": 1.3,
    }


def test_runs_are_combined_as_all_their_events_over_all_their_time() -> None:
    row = report.combined([_run(10_000, 20_000), _run(10_000, 30_000, rss=45.5)])
    assert row["events_per_s"] == 24_000  # 20,000 events in 0.5 + 0.333 s
    assert row["seconds"] == pytest.approx(0.833, abs=0.001)
    assert row["peak_rss_mb"] == 45.5
    assert row["runs_events_per_s"] == [20_000, 30_000]


def test_a_run_too_short_to_time_leaves_the_count_without_a_rate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = report.combined([_run(10, 20_000), _run(10, None)])
    assert row["events_per_s"] is None
    report.describe_sweep("[sqlite] event-count sweep", [row])
    report.describe_runs([row])
    printed = capsys.readouterr().out
    assert "10 events: 2 runs, 20,000 to 20,000 events/s each" in printed
    assert report.sweep_change([row, report.combined([_run(100, 5_000)])]) is None
