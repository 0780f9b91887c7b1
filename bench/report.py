"""What a benchmark run prints: a readable report as results arrive, then one JSON line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# The key prefix of each engine's default configuration in the JSON line; SQLite's has none.
PREFIXES = {"sqlite": "", "postgresql": "pg_", "mariadb": "mariadb_"}

_STAGE_NAMES = {
    "convert": "KafkaTriggerConverter (worker)",
    "envelope": "Kafka envelope -> stream records",
    "decode": "decode message",
    "validate_and_project": "validate and project",
    "validate": "validate",
    "write": "write Bank 2 (one transaction)",
    "other": "telemetry, log, dead letters",
}


def say(line: str = "") -> None:
    print(line, flush=True)


def describe_default(result: Mapping[str, Any]) -> None:
    """The default configuration of one engine: both consumers side by side."""
    naive = result.get("naive") or {}
    ours_rate, naive_rate = result["events_per_s"], naive.get("events_per_s")
    say(f"\n[{result['engine']}] {result['events']:,} events, batches of {result['batch_size']}")
    say(f"  function     {ours_rate:>9,} events/s")
    if naive_rate:
        say(f"  naive        {naive_rate:>9,} events/s   ratio {ours_rate / naive_rate:.1f}x")
    stages = result.get("stages_us") or {}
    if stages:
        say(f"  function, us per event (total {sum(stages.values()):.1f}):")
        for name, micros in stages.items():
            say(f"    {_STAGE_NAMES.get(name, name):<36}{micros:>8.2f}")
    if naive:
        say(f"  naive, us per event (total {sum(naive['stages_us'].values()):.1f}):")
        for name, micros in naive["stages_us"].items():
            say(f"    {_STAGE_NAMES.get(name, name):<36}{micros:>8.2f}")
    trips = result.get("round_trips_per_batch")
    if trips:
        say(
            f"  SQL round trips per batch: mean {trips['mean']}, min {trips['min']}, "
            f"max {trips['max']} (BEGIN not counted); naive per event: "
            f"{naive.get('round_trips_per_event', '-')}"
        )
    floor = result.get("floor")
    if floor:
        say(
            f"  same-work floor {floor['events_per_s']:>9,} events/s   function within "
            f"{floor['events_per_s'] / ours_rate:.2f}x of it; same Bank 2: "
            f"{'yes' if floor['same_bank2'] else 'NO'} (bench/floor.py)"
        )
    say(f"  host's envelopes (not counted): {result['host_us_not_counted']} us per event")
    if "same_contacts" in result:
        same = result["same_contacts"] and result["same_rejects"]
        say(
            f"  both Bank 2s hold the same {result['contacts']:,} contacts and rejects: "
            f"{'yes' if same else 'NO'}"
        )
    say(f"  peak RSS {result['peak_rss_mb']} MB")


def describe_sweep(title: str, rows: Sequence[Mapping[str, Any]]) -> None:
    say(f"\n{title}")
    header = (
        "events",
        "batch",
        "events/s",
        "us/event",
        "trips/batch",
        "RSS MB",
        "log B/ev",
        "written B/ev",
        "file MB",
    )
    widths = (10, 6, 10, 9, 12, 7, 9, 13, 8)
    say("  " + " ".join(f"{name:>{width}}" for name, width in zip(header, widths, strict=True)))
    for row in rows:
        trips = row.get("round_trips_per_batch") or {}
        rate = row["events_per_s"]
        # A run too short to time has no rate.
        rate_text, per_event = (f"{rate:,}", f"{1e6 / rate:.1f}") if rate else ("-", "-")
        say(
            f"  {row['events']:>10,} {row['batch_size']:>6} {rate_text:>10} {per_event:>9} "
            f"{trips.get('mean', '-'):>6}/{trips.get('max', '-'):<5} {row['peak_rss_mb']:>7} "
            f"{row.get('log_bytes_per_event', '-'):>9} "
            f"{row.get('bytes_written_per_event', '-'):>13} {row.get('file_mb', '-'):>8}"
        )


def combined(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Runs of one configuration as one: events/s is all their events over all their time (the
    rate as if their time were one run's), seconds their sum, peak RSS the highest; the rest is
    the first run's (the same in every run: statements, bytes written, file size).
    ``runs_events_per_s`` keeps each run's."""
    row = dict(runs[0])
    rates: list[int | None] = [run["events_per_s"] for run in runs]
    row["runs_events_per_s"] = rates
    if len(runs) > 1:
        row["seconds"] = round(sum(run["seconds"] for run in runs), 3)
        row["peak_rss_mb"] = max(run["peak_rss_mb"] for run in runs)
        seconds = [run["events"] / rate for run, rate in zip(runs, rates, strict=True) if rate]
        row["events_per_s"] = (
            round(sum(run["events"] for run in runs) / sum(seconds))
            if len(seconds) == len(runs)
            else None  # a run too short to time
        )
    return row


def describe_runs(rows: Sequence[Mapping[str, Any]]) -> None:
    for row in rows:
        runs = row.get("runs_events_per_s") or ()
        rates = [rate for rate in runs if rate]
        if len(runs) > 1 and rates:
            say(
                f"  {row['events']:,} events: {len(runs)} runs, {min(rates):,} to "
                f"{max(rates):,} events/s each; above, all their events over all their time"
            )


def sweep_change(rows: Sequence[Mapping[str, Any]]) -> float | None:
    """How the largest count's events/s compares with the smallest's (-0.2: 20 % fewer)."""
    if len(rows) < 2:
        return None
    smallest = min(rows, key=lambda row: row["events"])
    largest = max(rows, key=lambda row: row["events"])
    rates: tuple[int | None, int | None] = (smallest["events_per_s"], largest["events_per_s"])
    if not rates[0] or rates[1] is None:  # a run too short to time
        return None
    return round(rates[1] / rates[0] - 1, 3)


def describe_change(rows: Sequence[Mapping[str, Any]]) -> None:
    change = sweep_change(rows)
    if change is None:
        return
    counts = sorted(row["events"] for row in rows)
    say(
        f"  {counts[-1]:,} events against {counts[0]:,}: {change:+.0%} events/s "
        "(docs/performance.md: where the difference goes)"
    )


def describe_pairs(commit: str, events: int, pairs: Sequence[Mapping[str, Any]]) -> None:
    say(f"\n[sqlite] side by side with the code at {commit[:12]}, {events:,} events, by turns")
    for number, pair in enumerate(pairs, 1):
        say(
            f"  pair {number}: before {pair['before']:>9,} events/s   now {pair['now']:>9,} "
            f"events/s   {pair['ratio']:.2f}x"
        )
    ratios = sorted(pair["ratio"] for pair in pairs)
    say(f"  median ratio {ratios[len(ratios) // 2]:.2f}x")


def json_line(  # noqa: PLR0913 - one argument per section of the line
    defaults: Mapping[str, Mapping[str, Any]],
    batch_sweeps: Mapping[str, Sequence[Mapping[str, Any]]],
    event_sweep: Sequence[Mapping[str, Any]],
    cold_import_ms: Mapping[str, float] | None,
    skipped: Mapping[str, str],
    *,
    baseline_pairs: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The figures others track, flat for the default configurations."""
    line: dict[str, Any] = {}
    for engine, prefix in PREFIXES.items():
        result = defaults.get(engine)
        if result is None:
            if engine == "sqlite":
                line.update(
                    dict.fromkeys(
                        (
                            "events_per_s",
                            "naive_events_per_s",
                            "ratio",
                            "round_trips_per_batch",
                            "peak_rss_mb",
                        )
                    )
                )
            continue
        naive = result.get("naive") or {}
        rate, naive_rate = result["events_per_s"], naive.get("events_per_s")
        trips = result.get("round_trips_per_batch") or {}
        line[f"{prefix}events_per_s"] = rate
        line[f"{prefix}naive_events_per_s"] = naive_rate
        line[f"{prefix}ratio"] = round(rate / naive_rate, 2) if rate and naive_rate else None
        line[f"{prefix}round_trips_per_batch"] = trips.get("mean")
        line[f"{prefix}round_trips_per_batch_max"] = trips.get("max")
        line[f"{prefix}peak_rss_mb"] = result["peak_rss_mb"]
        line[f"{prefix}events"] = result["events"]
        line[f"{prefix}batch_size"] = result["batch_size"]
        line[f"{prefix}stages_us"] = result.get("stages_us")
        line[f"{prefix}naive_stages_us"] = naive.get("stages_us")
        line[f"{prefix}same_contacts"] = result.get("same_contacts")
        floor = result.get("floor")
        if floor:
            line[f"{prefix}floor_events_per_s"] = floor["events_per_s"]
            line[f"{prefix}floor_ratio"] = round(floor["events_per_s"] / rate, 2)
            line[f"{prefix}floor_same_bank2"] = floor["same_bank2"]
    line["batch_sweep"] = {
        engine: {
            str(row["batch_size"]): {
                "events_per_s": row["events_per_s"],
                "round_trips_per_batch_max": (row.get("round_trips_per_batch") or {}).get("max"),
                "log_bytes_per_event": row.get("log_bytes_per_event"),
            }
            for row in rows
        }
        for engine, rows in batch_sweeps.items()
    }
    line["event_sweep"] = {
        str(row["events"]): {
            "events_per_s": row["events_per_s"],
            "peak_rss_mb": row["peak_rss_mb"],
            "bytes_written_per_event": row.get("bytes_written_per_event"),
            "file_mb": row.get("file_mb"),
            "runs_events_per_s": row.get("runs_events_per_s"),
        }
        for row in event_sweep
    }
    line["event_sweep_change"] = sweep_change(event_sweep)
    if baseline_pairs:
        ratios = sorted(pair["ratio"] for pair in baseline_pairs if "ratio" in pair)
        line["baseline_pairs"] = [dict(pair) for pair in baseline_pairs]
        line["baseline_ratio"] = ratios[len(ratios) // 2] if ratios else None
    line["cold_import_ms"] = dict(cold_import_ms) if cold_import_ms else None
    line["skipped"] = dict(skipped)
    return line
