"""Where the time goes as Bank 2 grows: the function on SQLite, window by window.

    python -m bench.growth --events 200000            # windows of 40 batches of 500
    python -m bench.growth --events 200000 --code <a checkout of another commit>

Runs ``function_app``'s own function (as ``bench.run`` does) over the first ``--events`` of a
generated stream and prints, for each window: wall and CPU µs per event, the Bank 2 write's
share (the service's own measure of its transaction), the bytes the process wrote per event
(``wchar``: WAL frames and checkpoints) and the size of the file and its WAL. The host's
envelopes are built outside the timed part. ``--code`` runs the same loop on another checkout
(its own modules, this interpreter), to compare two commits window by window.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import spool

_WINDOW_BATCHES = 40
_BATCH = 500


def _bytes_written() -> int:
    with Path("/proc/self/io").open() as io:
        for line in io:
            if line.startswith("wchar:"):
                return int(line.split()[1])
    return 0


def _size_mb(path: Path) -> float:
    files = (path, path.with_name(path.name + "-wal"))
    return sum(f.stat().st_size for f in files if f.exists()) / 1e6


def _measure(spool_path: Path, events: int, folder: Path) -> None:
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

    function = quietly_indexed(function_app.app, "project_customers")
    projection = bootstrap.customer_projection()
    handle = projection.handle
    write = [0.0]

    def observed(records: Any) -> Any:
        summary = handle(records)
        write[0] += summary.write_seconds
        return summary

    vars(projection)["handle"] = observed
    print("  events   wall us/ev  cpu us/ev  write us/ev  written B/ev  file+WAL MB", flush=True)
    wall = cpu = 0.0
    written, written_at, done = 0.0, _bytes_written(), 0
    for batches, messages in enumerate(spool.batches(spool_path, events, _BATCH), 1):
        delivered = kafka_batch(messages)
        started, cpu_started = time.perf_counter(), time.process_time()
        function(delivered)
        wall += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        done += len(messages)
        if batches % _WINDOW_BATCHES == 0:
            window = _WINDOW_BATCHES * _BATCH
            now_written = _bytes_written()
            print(
                f"{done:>8} {wall / window * 1e6:>12.1f} {cpu / window * 1e6:>10.1f} "
                f"{(write[0] - written) / window * 1e6:>12.1f} "
                f"{(now_written - written_at) / window:>13.0f} {_size_mb(database):>12.1f}",
                flush=True,
            )
            wall = cpu = 0.0
            written, written_at = write[0], now_written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--spool", type=Path, help="an existing spool (default: generate one)")
    parser.add_argument("--code", type=Path, help="run the loop on this checkout instead")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="growth-") as temporary:
        folder = Path(temporary)
        if args.measure:
            _measure(args.spool, args.events, folder)
            return 0
        spool_path = args.spool
        if spool_path is None:
            spool_path = folder / "customers.spool"
            spool.write(spool_path, spool.Workload(args.customers, 4, args.seed), args.events)
        # In a process of its own, whose cwd decides which code runs.
        code = args.code or Path(__file__).resolve().parent.parent
        this = Path(__file__).resolve()
        command = [sys.executable, str(this), "--measure", "--events", str(args.events)]
        command += ["--spool", str(spool_path.resolve())]
        environment = os.environ | {"PYTHONPATH": str(code)}
        return subprocess.run(command, cwd=code, env=environment, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
