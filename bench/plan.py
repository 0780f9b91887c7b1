"""Which configurations a benchmark run measures, from the command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.baseline import BEFORE_ISSUE_16
from bench.databases import ENGINES

# The event-count sweep runs a short count again at most this many times.
MOST_RUNS_PER_COUNT = 20


@dataclass(frozen=True, slots=True)
class Plan:
    engines: tuple[str, ...]
    events: int  # the default configuration on SQLite, naive baseline included
    server_events: int  # the same on PostgreSQL and MariaDB, whose naive side is slow
    batch_size: int
    batch_sizes: tuple[int, ...]  # the batch-size sweep, on every engine
    sweep_events: int  # events per batch-size configuration on SQLite
    server_sweep_events: int  # the same on PostgreSQL and MariaDB
    event_counts: tuple[int, ...]  # the event-count sweep on SQLite, at ``batch_size``
    # Each count is run as many times as it takes for its runs to add up to this many events,
    # at most MOST_RUNS_PER_COUNT times, so that a short count's figure is not one burst.
    event_count_total: int
    customers: int
    partitions: int
    seed: int
    import_runs: int  # fresh processes timing ``import function_app``
    workdir: Path | None
    baseline: str | None  # the commit measured side by side on SQLite; None: not measured
    baseline_pairs: int  # runs of each, by turns

    @property
    def spool_events(self) -> int:
        """Every configuration reads a prefix of one spool this long."""
        sweeps = (self.sweep_events, self.server_sweep_events) if self.batch_sizes else ()
        return max(self.events, self.server_events, *sweeps, *self.event_counts)

    def runs_of(self, events: int) -> int:
        """How many fresh runs the event-count sweep makes of ``events``."""
        return min(max(1, -(-self.event_count_total // events)), MOST_RUNS_PER_COUNT)


@dataclass(frozen=True, slots=True)
class _Counts:
    events: int
    server_events: int
    batch_sizes: tuple[int, ...]
    sweep_events: int
    server_sweep_events: int
    event_counts: tuple[int, ...]
    event_count_total: int
    customers: int


# About three minutes on a 2-core machine with both servers (ten on a slower one); --quick
# under half a minute.
_DEFAULT = _Counts(
    events=100_000,
    server_events=20_000,
    batch_sizes=(1, 64, 500, 5_000),
    sweep_events=20_000,
    server_sweep_events=10_000,
    event_counts=(10_000, 100_000, 1_000_000),
    event_count_total=100_000,
    customers=20_000,
)
_QUICK = _Counts(
    events=5_000,
    server_events=2_000,
    batch_sizes=(1, 64, 500, 5_000),
    sweep_events=5_000,
    server_sweep_events=1_000,
    event_counts=(2_000, 10_000),
    event_count_total=10_000,
    customers=2_000,
)


def _counts(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("expected whole numbers separated by commas") from None
    if any(count < 1 for count in counts):
        raise argparse.ArgumentTypeError("counts must be at least 1")
    return counts


def _engines(text: str) -> tuple[str, ...]:
    engines = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown or not engines:
        raise argparse.ArgumentTypeError(f"engines are a comma-separated subset of {ENGINES}")
    return engines


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def parse_plan(argv: Sequence[str] | None) -> Plan:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Throughput, cost per stage, SQL round trips and memory of the customer "
        "projection against a naive per-message consumer, on every Bank 2 engine reachable. "
        "The last line printed is one JSON object.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small counts: seconds instead of minutes"
    )
    parser.add_argument(
        "--engines", type=_engines, default=ENGINES, help="comma-separated (default: all)"
    )
    parser.add_argument("--events", type=_positive, help="default configuration, SQLite")
    parser.add_argument("--server-events", type=_positive, help="the same, PostgreSQL/MariaDB")
    parser.add_argument("--batch-size", type=_positive, help="default batch size (500)")
    parser.add_argument("--batch-sizes", type=_counts, help="batch-size sweep, e.g. 1,64,500")
    parser.add_argument("--sweep-events", type=_positive, help="events per sweep run, SQLite")
    parser.add_argument("--server-sweep-events", type=_positive, help="the same, servers")
    parser.add_argument("--event-counts", type=_counts, help="event-count sweep on SQLite")
    parser.add_argument(
        "--event-count-total",
        type=_positive,
        help="run each count of the event-count sweep as many times as it takes, each in a "
        "fresh process on a fresh file, for its runs to add up to this many events (default "
        f"100,000, quick 10,000; at most {MOST_RUNS_PER_COUNT} runs); its events/s is then all "
        "their events over all their time",
    )
    parser.add_argument("--no-sweeps", action="store_true", help="only the default runs")
    parser.add_argument("--customers", type=_positive, help="distinct customers generated")
    parser.add_argument("--partitions", type=_positive, default=4, help="topic partitions")
    parser.add_argument("--seed", type=int, default=7, help="generator seed")
    parser.add_argument(
        "--import-runs", type=int, default=9, help="cold imports of function_app to time"
    )
    parser.add_argument(
        "--baseline",
        default=BEFORE_ISSUE_16,
        help="commit whose code runs side by side with this one on SQLite (default: the last "
        "before issue 16)",
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the side-by-side runs")
    parser.add_argument(
        "--baseline-pairs", type=int, help="side-by-side runs of each (default 3, quick 1)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="folder for the spool and SQLite files (default: a temp one)"
    )
    args = parser.parse_args(argv)
    counts = _QUICK if args.quick else _DEFAULT
    sweeps = not args.no_sweeps
    return Plan(
        engines=args.engines,
        events=args.events or counts.events,
        server_events=args.server_events or counts.server_events,
        batch_size=args.batch_size or 500,
        batch_sizes=(args.batch_sizes or counts.batch_sizes) if sweeps else (),
        sweep_events=args.sweep_events or counts.sweep_events,
        server_sweep_events=args.server_sweep_events or counts.server_sweep_events,
        # Smallest first, each once: a short count's runs go on both sides of the longer ones.
        event_counts=tuple(sorted(set(args.event_counts or counts.event_counts))) if sweeps else (),
        event_count_total=args.event_count_total or counts.event_count_total,
        customers=args.customers or counts.customers,
        partitions=args.partitions,
        seed=args.seed,
        import_runs=max(args.import_runs, 0),
        workdir=args.workdir,
        baseline=None if args.no_baseline else args.baseline,
        baseline_pairs=max(
            args.baseline_pairs if args.baseline_pairs is not None else (1 if args.quick else 3),
            0,
        ),
    )
