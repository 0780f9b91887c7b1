"""The benchmark runs end to end on a tiny configuration and ends with a sane JSON line.

Timing is never asserted: only that every figure is there, positive where it must be, that both
consumers end with the same Bank 2, and that SQL round trips per batch stay bounded whatever the
batch size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"events_per_s", "naive_events_per_s", "ratio", "round_trips_per_batch", "peak_rss_mb"}
# SQLite: applied offsets, contacts (RETURNING the ids written), which of them a do-not-call
# list holds, the removal log, rejects and the customers they were about, offsets, the hourly
# purge, the commit. One more would mean the stored versions are read first again.
MAX_STATEMENTS_PER_BATCH = 9


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    workdir = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "bench",
            "--engines",
            "sqlite",
            "--events",
            "1200",
            "--customers",
            "300",
            "--batch-sizes",
            "1,64,1000",
            "--sweep-events",
            "400",
            "--event-counts",
            "300,900",
            "--event-count-total",
            "900",
            "--import-runs",
            "1",
            "--baseline-pairs",
            "1",
            "--workdir",
            str(workdir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.strip().splitlines()
    return completed.stdout, json.loads(lines[-1])


def test_the_last_line_holds_the_tracked_figures(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    assert line.keys() >= KEYS
    assert line["events"] == 1200
    assert line["batch_size"] == 500
    assert line["events_per_s"] > 0
    assert line["naive_events_per_s"] > 0
    assert line["ratio"] > 0
    assert 0 < line["peak_rss_mb"] < 1000
    assert line["cold_import_ms"]["median"] > 0


def test_both_consumers_end_with_the_same_bank2(run: tuple[str, dict[str, Any]]) -> None:
    assert run[1]["same_contacts"] is True


def test_every_stage_is_accounted_for(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    assert set(line["stages_us"]) == {
        "convert",
        "envelope",
        "decode",
        "validate_and_project",
        "write",
        "other",
    }
    assert set(line["naive_stages_us"]) == {"decode", "validate", "write"}
    assert all(micros > 0 for micros in line["naive_stages_us"].values())


def test_round_trips_per_batch_do_not_grow_with_the_batch(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    sweep = line["batch_sweep"]["sqlite"]
    assert set(sweep) == {"1", "64", "1000"}
    assert all(
        0 < size["round_trips_per_batch_max"] <= MAX_STATEMENTS_PER_BATCH for size in sweep.values()
    )
    assert 0 < line["round_trips_per_batch"] <= MAX_STATEMENTS_PER_BATCH


def test_the_event_sweep_reports_memory_for_each_count(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    assert set(line["event_sweep"]) == {"300", "900"}
    assert all(0 < point["peak_rss_mb"] < 1000 for point in line["event_sweep"].values())


def test_the_event_sweep_says_how_the_largest_count_compares(
    run: tuple[str, dict[str, Any]],
) -> None:
    report, line = run
    smallest, largest = (line["event_sweep"][count]["events_per_s"] for count in ("300", "900"))
    assert line["event_sweep_change"] == pytest.approx(largest / smallest - 1, abs=0.001)
    assert f"900 events against 300: {line['event_sweep_change']:+.0%} events/s" in report


def test_a_short_count_is_run_until_it_holds_as_many_events(
    run: tuple[str, dict[str, Any]],
) -> None:
    report, line = run
    short, long = line["event_sweep"]["300"], line["event_sweep"]["900"]
    assert len(short["runs_events_per_s"]) == 3
    assert len(long["runs_events_per_s"]) == 1
    assert long["events_per_s"] == long["runs_events_per_s"][0]
    # All the runs' events over all their time.
    seconds = sum(300 / rate for rate in short["runs_events_per_s"])
    assert short["events_per_s"] == pytest.approx(900 / seconds, abs=1)
    fastest, slowest = max(short["runs_events_per_s"]), min(short["runs_events_per_s"])
    assert f"300 events: 3 runs, {slowest:,} to {fastest:,} events/s each" in report


def test_unreached_engines_leave_no_figures(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    assert not any(key.startswith(("pg_", "mariadb_")) for key in line)
    assert line["skipped"] == {}


def test_the_report_is_readable_before_the_json_line(run: tuple[str, dict[str, Any]]) -> None:
    report, _ = run
    assert "[sqlite] 1,200 events, batches of 500" in report
    assert "both Bank 2s hold the same" in report


def test_the_code_before_issue_16_runs_side_by_side(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    (pair,) = line["baseline_pairs"]
    # Without git or the pinned commit (a shallow clone) the runs are skipped, with the reason.
    assert pair.keys() == {"before", "now", "ratio"} or pair.keys() == {"skipped"}
    if "ratio" in pair:
        assert pair["before"] > 0
        assert pair["now"] > 0


def test_the_same_work_floor_ends_with_the_same_bank2(run: tuple[str, dict[str, Any]]) -> None:
    _, line = run
    assert line["floor_events_per_s"] > 0
    assert line["floor_same_bank2"] is True
