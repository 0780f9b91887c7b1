"""Where the time goes as Bank 2 grows: the function on SQLite, window by window.

    python -m bench.growth --events 200000            # windows of 40 batches of 500
    python -m bench.growth --events 200000 --pages 10 # and which B-trees the commits dirty
    python -m bench.growth --events 200000 --code <a checkout of another commit>

Runs ``function_app``'s own function (as ``bench.run`` does) over the first ``--events`` of a
generated stream and prints, for each window: wall and CPU µs per event, the Bank 2 write's
share (the service's own measure of its transaction), the bytes the process wrote per event
(``wchar``: WAL frames and checkpoints), its read and write calls per event (``syscr``: pages
SQLite's cache did not hold, and a checkpoint's reads of the WAL; ``syscw``: two per WAL frame
and one per page a checkpoint copies) and the size of the file and its WAL. The host's
envelopes are built outside the timed part. ``--pages N`` also prints, for N batches into a new
Bank 2 (the second to the N+1th: the first creates its schema) and for N more batches after the
last window (untimed), the WAL frames per event that each table and index took, with its pages
and depth at the end (``bench/wal_pages.py``); the probe's own reads are not counted in the
windows. ``--code`` runs the same loop on another checkout (its own modules, this
interpreter), to compare two commits window by window.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench import spool

if TYPE_CHECKING:
    from bench.wal_pages import BTree, FrameTally

_WINDOW_BATCHES = 40
_BATCH = 500


@dataclass(frozen=True, slots=True)
class _Io:
    """This process's I/O so far (``/proc/self/io``)."""

    written: int  # bytes handed to write calls
    reads: int  # read calls
    writes: int  # write calls

    @classmethod
    def now(cls) -> _Io:
        fields: dict[str, int] = {}
        with Path("/proc/self/io").open() as io:
            for line in io:
                name, _, value = line.partition(":")
                fields[name] = int(value)
        return cls(fields["wchar"], fields["syscr"], fields["syscw"])

    def moved(self, before: _Io, after: _Io) -> _Io:
        """This mark moved on by what was done between ``before`` and ``after``, so that a
        window measured from it leaves that out."""
        return _Io(
            self.written + after.written - before.written,
            self.reads + after.reads - before.reads,
            self.writes + after.writes - before.writes,
        )


def _size_mb(path: Path) -> float:
    files = (path, path.with_name(path.name + "-wal"))
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def _measure(spool_path: Path, events: int, folder: Path, window_batches: int, pages: int) -> None:
    """The loop itself, in this process, on the modules it imports (cwd first on sys.path)."""
    database = folder / "growth.db"
    os.environ.update(
        BANK2_URL=f"sqlite:///{database}",
        KAFKA_CONSUMER_GROUP="telesales-bench",
        KAFKA_CUSTOMERS_TOPIC=spool.TOPIC,
        KAFKA_BROKER_LIST="localhost:9092",
    )
    import function_app  # noqa: PLC0415 - after the settings, as the host does
    from adapters import bootstrap  # noqa: PLC0415
    from demo.functions_host import kafka_batch, quietly_indexed  # noqa: PLC0415

    indexed = quietly_indexed(function_app.app, "project_customers")
    projection = bootstrap.customer_projection()
    handle = projection.handle
    write = [0.0]

    def observed(records: Any) -> Any:
        summary = handle(records)
        write[0] += summary.write_seconds
        return summary

    vars(projection)["handle"] = observed

    def function(messages: list[Any]) -> None:
        indexed(kafka_batch(messages))

    probe = _PageProbe(database, pages) if pages else None
    print(
        "  events   wall us/ev  cpu us/ev  write us/ev  written B/ev  reads/ev  writes/ev"
        "  file+WAL MB",
        flush=True,
    )
    wall = cpu = 0.0
    written, io, done = 0.0, _Io.now(), 0
    batches = spool.batches(spool_path, events + pages * _BATCH, _BATCH)
    for number, messages in enumerate(itertools.islice(batches, events // _BATCH), 1):
        delivered = kafka_batch(messages)
        started, cpu_started = time.perf_counter(), time.process_time()
        indexed(delivered)
        wall += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        done += len(messages)
        if probe is not None:
            before = _Io.now()
            probe.after_batch(number)  # untimed, and its reads left out of the window
            io = io.moved(before, _Io.now())
        if number % window_batches == 0:
            window = window_batches * _BATCH
            now = _Io.now()
            print(
                f"{done:>8} {wall / window * 1e6:>12.1f} {cpu / window * 1e6:>10.1f} "
                f"{(write[0] - written) / window * 1e6:>12.1f} "
                f"{(now.written - io.written) / window:>13.0f} "
                f"{(now.reads - io.reads) / window:>9.2f} "
                f"{(now.writes - io.writes) / window:>10.2f} {_size_mb(database):>12.1f}",
                flush=True,
            )
            wall = cpu = 0.0
            written, io = write[0], now
    if probe is not None:
        probe.print_after(done, function, batches)  # the N batches after --events: untimed


class _PageProbe:
    """``--pages N``: the WAL frames of N batches into a new Bank 2 and of N batches after the
    last window, by the table or index that owns their page."""

    def __init__(self, database: Path, batches: int) -> None:
        # The checkout that runs: with --code, main() has checked that it has the probe.
        from bench import wal_pages  # noqa: PLC0415

        self._wal_pages = wal_pages
        self._database = database
        self._batches = batches
        self._tally: FrameTally | None = None  # from the end of the first batch
        self._first: tuple[Counter[str], bool] | None = None

    def after_batch(self, number: int) -> None:
        """Called after each timed batch: the first one created the schema, so the tally
        starts after it and ends after the N+1th."""
        if number == 1:
            self._tally = self._wal_pages.FrameTally(self._database)
        elif self._tally is not None and number <= self._batches + 1:
            self._tally.observe()
            if number == self._batches + 1:
                frames, _ = self._wal_pages.frames_by_tree(self._database, self._tally)
                self._first = (frames, self._tally.partial)

    def print_after(
        self, done: int, function: Callable[[list[Any]], None], batches: Iterator[list[Any]]
    ) -> None:
        if self._first is None:  # main() refuses such a span before anything runs
            raise RuntimeError("--pages must be fewer than the batches in --events")
        tally = self._wal_pages.FrameTally(self._database)
        for messages in batches:
            function(messages)
            tally.observe()
        last, trees = self._wal_pages.frames_by_tree(self._database, tally)
        _print_pages(self._first, (last, tally.partial), trees, self._batches, done)


def _print_pages(
    first: tuple[Counter[str], bool],
    last: tuple[Counter[str], bool],
    trees: dict[str, BTree],
    pages: int,
    done: int,
) -> None:
    events = pages * _BATCH
    (earlier, earlier_partial), (later, later_partial) = first, last
    print(
        f"\nWAL frames per event by table and index: {pages} batches into a new Bank 2 (after "
        f"the first, which created it), and {pages} batches after event {done:,}; pages and "
        "depth at the end",
        flush=True,
    )
    if earlier_partial or later_partial:
        print("  (the WAL restarted more than once between two looks: a column is partial)")
    print(f"  {'b-tree':<46} {'pages':>7} {'depth':>5} {'first':>7} {'last':>7}")
    names = sorted(set(later) | set(earlier), key=lambda name: (later[name], earlier[name]))
    for name in reversed(names):
        tree = trees.get(name)
        size = f"{tree.pages:>7} {tree.depth:>5}" if tree else f"{'-':>7} {'-':>5}"
        print(f"  {name:<46} {size} {earlier[name] / events:>7.3f} {later[name] / events:>7.3f}")
    total_first, total_last = sum(earlier.values()), sum(later.values())
    print(
        f"  {'total':<46} {'':>7} {'':>5} {total_first / events:>7.3f} {total_last / events:>7.3f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--spool", type=Path, help="an existing spool (default: generate one)")
    parser.add_argument("--code", type=Path, help="run the loop on this checkout instead")
    parser.add_argument(
        "--window-batches", type=int, default=_WINDOW_BATCHES, help="batches of 500 per line"
    )
    parser.add_argument(
        "--pages", type=int, default=0, help="also name the B-trees of N batches' WAL frames"
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.events < _BATCH or args.events % _BATCH:
        parser.error(f"--events must be a whole number of batches of {_BATCH}")
    if args.window_batches < 1 or args.pages < 0:
        parser.error("--window-batches must be at least 1 and --pages at least 0")
    if args.pages and args.pages >= args.events // _BATCH:
        parser.error("--pages must be fewer than the batches in --events (the first is apart)")
    if args.pages and args.code and not (args.code / "bench" / "wal_pages.py").exists():
        parser.error("--pages needs bench/wal_pages.py, which the --code checkout predates")
    # Checked once, by the process that starts the run (the --measure one reads what it got).
    needed = args.events + args.pages * _BATCH
    if args.spool and not args.measure and not spool.holds(args.spool, needed):
        parser.error(f"--spool holds fewer than the {needed:,} events")
    with tempfile.TemporaryDirectory(prefix="growth-") as temporary:
        folder = Path(temporary)
        if args.measure:
            _measure(args.spool, args.events, folder, args.window_batches, args.pages)
            return 0
        spool_path = args.spool
        if spool_path is None:
            spool_path = folder / "customers.spool"
            workload = spool.Workload(args.customers, 4, args.seed)
            spool.write(spool_path, workload, needed)  # with the batches measured after --events
        # In a process of its own, whose cwd decides which code runs.
        code = args.code or Path(__file__).resolve().parent.parent
        this = Path(__file__).resolve()
        command = [sys.executable, str(this), "--measure", "--events", str(args.events)]
        command += ["--window-batches", str(args.window_batches), "--pages", str(args.pages)]
        command += ["--spool", str(spool_path.resolve())]
        environment = os.environ | {"PYTHONPATH": str(code)}
        return subprocess.run(command, cwd=code, env=environment, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
