"""``python -m bench``: measure the customer projection, print a report and one JSON line.

    python -m bench            # a few minutes: SQLite, PostgreSQL and MariaDB when reachable
    python -m bench --quick    # under a minute
    python -m bench --help     # every count can be set

See docs/performance.md for what is measured and docs/capacity.md for what the figures mean.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from adapters.engines.scratch import EngineUnavailableError
from bench import report, spool
from bench.baseline import Baseline, BaselineUnavailableError
from bench.databases import log_position, scratch_database, wal_bytes_of_database
from bench.plan import Plan, parse_plan
from bench.run import CONSUMER_GROUP, RunConfig

ROOT = Path(__file__).resolve().parent.parent
_IMPORT_PROBE = (
    "import time; started = time.perf_counter(); import function_app; "
    "print(time.perf_counter() - started)"
)


class BenchmarkError(Exception):
    """A measured run failed; its error output is attached."""


def _measure(config: RunConfig, code: Path = ROOT, as_json: str | None = None) -> dict[str, Any]:
    """Run one configuration in a fresh process, so that its peak RSS is its own; ``code`` is
    the tree whose ``bench.run`` runs it (a baseline's takes its own form of the JSON)."""
    completed = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.run", as_json or config.to_json()],
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchmarkError(
            f"{config.engine} run ({config.events} events, batches of {config.batch_size}) "
            f"failed:\n{completed.stderr[-4000:]}"
        )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _cold_import_ms(runs: int) -> dict[str, float] | None:
    """``import function_app`` in fresh interpreters, as a worker's cold start does."""
    if runs < 1:
        return None
    environment = os.environ | {
        "BANK2_URL": "sqlite:///:memory:",
        "KAFKA_CONSUMER_GROUP": CONSUMER_GROUP,
        "KAFKA_CUSTOMERS_TOPIC": spool.TOPIC,
        "KAFKA_BROKER_LIST": "localhost:9092",
    }
    timings = []
    for _ in range(runs):
        completed = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", _IMPORT_PROBE],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        timings.append(float(completed.stdout.strip().splitlines()[-1]) * 1000)
    return {"median": round(statistics.median(timings), 1), "min": round(min(timings), 1)}


@contextmanager
def _workdir(plan: Plan) -> Iterator[Path]:
    if plan.workdir is not None:
        plan.workdir.mkdir(parents=True, exist_ok=True)
        yield plan.workdir
        return
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        yield Path(folder)


class _Runner:
    def __init__(self, plan: Plan, folder: Path, spool_path: Path) -> None:
        self.plan = plan
        self.folder = folder
        self.spool = str(spool_path)

    def default(self, engine: str, events: int) -> dict[str, Any]:
        """The default configuration: the function and the naive consumer, stage by stage."""
        with ExitStack() as stack:
            url = stack.enter_context(scratch_database(engine, self.folder, "function"))
            naive_url = stack.enter_context(scratch_database(engine, self.folder, "naive"))
            floor_url = (
                stack.enter_context(scratch_database(engine, self.folder, "floor"))
                if engine == "sqlite"
                else None
            )
            return _measure(
                RunConfig(
                    engine,
                    url,
                    naive_url,
                    self.spool,
                    events,
                    self.plan.batch_size,
                    stages=True,
                    floor_url=floor_url,
                )
            )

    def plain(self, engine: str, events: int, batch_size: int) -> dict[str, Any]:
        """The function alone; on a server, also the transaction log it wrote per event."""
        with scratch_database(engine, self.folder, f"sweep-{events}-{batch_size}") as url:
            logged = log_position(engine, url)
            result = _measure(
                RunConfig(engine, url, None, self.spool, events, batch_size, stages=False)
            )
            after = log_position(engine, url)
            written = (
                wal_bytes_of_database(url, logged, after)
                if engine == "postgresql" and logged is not None and after is not None
                else None
            )
        if written is not None:
            # PostgreSQL: only the WAL records of this database's transactions and pages.
            result["log_bytes_per_event"] = round(written / events)
        elif engine == "mariadb" and logged is not None and after is not None:
            # InnoDB's redo position is server-wide: other clients' writes are counted too.
            result["log_bytes_per_event"] = round((after - logged) / events)
            result["log_server_wide"] = True
        return result

    def event_sweep(self, counts: Sequence[int]) -> list[dict[str, Any]]:
        """The event-count sweep on SQLite, ``counts`` smallest first. A short count is run
        again, each time in a fresh process on a fresh file (``Plan.runs_of``), so that its
        figure is not one burst of this machine's speed, and its runs are reported as one
        (``report.combined``). Each count's runs come in two halves (the larger one first), the
        first in the counts' order and the second in reverse, so that the shortest count's runs
        lie on both sides of the longest and a drift of the machine's speed during the sweep
        does not fall on one count alone."""
        wanted = [self.plan.runs_of(events) for events in counts]
        runs: list[list[dict[str, Any]]] = [[] for _ in counts]
        for index in range(len(counts)):  # the first half of each count's runs, smallest first
            runs[index] += self._sqlite_runs(counts[index], (wanted[index] + 1) // 2)
        for index in reversed(range(len(counts))):  # the rest, largest first
            runs[index] += self._sqlite_runs(counts[index], wanted[index] // 2)
        return [report.combined(count_runs) for count_runs in runs]

    def _sqlite_runs(self, events: int, times: int) -> list[dict[str, Any]]:
        return [self.plain("sqlite", events, self.plan.batch_size) for _ in range(times)]

    def baseline_pairs(self, baseline: Baseline, pairs: int) -> list[dict[str, Any]]:
        """The SQLite default configuration, the code before issue 16 and this code by turns,
        each in a fresh process on a fresh file: events/s of both and their ratio, per pair."""
        rows = []
        events, batch_size = self.plan.events, self.plan.batch_size
        for pair in range(pairs):
            rates = {}
            for side in ("before", "now") if pair % 2 == 0 else ("now", "before"):
                with scratch_database("sqlite", self.folder, f"pair-{pair}-{side}") as url:
                    config = RunConfig(
                        "sqlite", url, None, self.spool, events, batch_size, stages=False
                    )
                    code, as_json = ROOT, None
                    if side == "before":
                        code, as_json = baseline.path, config.to_json_before_floor()
                    rates[side] = _measure(config, code, as_json)["events_per_s"]
            rows.append({**rates, "ratio": round(rates["now"] / rates["before"], 2)})
        return rows


def _run(plan: Plan, folder: Path) -> dict[str, Any]:
    spool_path = folder / "customers.spool"
    started = time.perf_counter()
    spool.write(
        spool_path,
        spool.Workload(plan.customers, plan.partitions, plan.seed),
        plan.spool_events,
    )
    report.say(
        f"Generated {plan.spool_events:,} events for {plan.customers:,} customers "
        f"in {time.perf_counter() - started:.0f} s (not measured)."
    )
    cold_import = _cold_import_ms(plan.import_runs)
    if cold_import:
        report.say(
            f"Cold import of function_app: median {cold_import['median']} ms, "
            f"best {cold_import['min']} ms ({plan.import_runs} fresh processes)"
        )
    runner = _Runner(plan, folder, spool_path)
    defaults: dict[str, dict[str, Any]] = {}
    batch_sweeps: dict[str, list[dict[str, Any]]] = {}
    skipped: dict[str, str] = {}
    for engine in plan.engines:
        server = engine != "sqlite"
        try:
            defaults[engine] = runner.default(engine, plan.server_events if server else plan.events)
        except EngineUnavailableError as error:
            skipped[engine] = f"server unreachable: {error}"
            report.say(f"\n[{engine}] skipped: server unreachable ({error})")
            continue
        report.describe_default(defaults[engine])
        if plan.batch_sizes:
            sweep_events = plan.server_sweep_events if server else plan.sweep_events
            batch_sweeps[engine] = [
                runner.plain(engine, sweep_events, size) for size in plan.batch_sizes
            ]
            report.describe_sweep(f"[{engine}] batch-size sweep", batch_sweeps[engine])
    event_sweep: list[dict[str, Any]] = []
    if "sqlite" in plan.engines and plan.event_counts:
        event_sweep = runner.event_sweep(plan.event_counts)
        report.describe_sweep("[sqlite] event-count sweep", event_sweep)
        report.describe_runs(event_sweep)
        report.describe_change(event_sweep)
    pairs: list[dict[str, Any]] = []
    if "sqlite" in plan.engines and plan.baseline and plan.baseline_pairs:
        try:
            with Baseline(ROOT, plan.baseline, folder) as baseline:
                pairs = runner.baseline_pairs(baseline, plan.baseline_pairs)
        except BaselineUnavailableError as error:
            report.say(f"\n[sqlite] side-by-side runs skipped: {error}")
            pairs = [{"skipped": str(error)}]
        else:
            report.describe_pairs(plan.baseline, plan.events, pairs)
    return report.json_line(
        defaults, batch_sweeps, event_sweep, cold_import, skipped, baseline_pairs=pairs
    )


def main(argv: Sequence[str] | None = None) -> int:
    plan = parse_plan(argv)
    started = time.perf_counter()
    try:
        with _workdir(plan) as folder:
            line = _run(plan, folder)
    except BenchmarkError as error:
        print(error, file=sys.stderr)
        return 1
    report.say(f"\nBenchmark done in {time.perf_counter() - started:.0f} s.")
    print(json.dumps(line, separators=(",", ":")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
