"""Instructions per event of the function and of the same-work floor, counted by valgrind.

``python -m bench.instructions`` (needs ``valgrind`` on PATH; about a minute). Wall-clock time on
a shared VM moves by tens of percent between runs; the number of instructions the CPU executes
does not, so a change of a few percent shows here when no timing can show it.

Each count is one fresh interpreter under ``valgrind --tool=callgrind`` reading the first N events
of the benchmark's stream (the same generator, customers and seed as ``python -m bench``). The
host's envelopes and the worker's converter are built before either consumer starts, so the
difference between a run over ``--high`` events and one over ``--low`` events, less the same
difference for a run that builds the batches and reads none, is what the consumer itself costs
for ``high - low`` events: start-up, imports and migrations cancel out.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import spool

ROOT = Path(__file__).resolve().parents[1]
CONSUMERS = ("none", "function", "floor")
_COLLECTED = re.compile(r"Collected : (\d+)")
_BATCH = 500
_GROUP = "telesales-bench"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__)
    parser.add_argument("--low", type=int, default=1_000, help="events of the shorter run")
    parser.add_argument("--high", type=int, default=5_000, help="events of the longer run")
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--probe", nargs=3, metavar=("CONSUMER", "SPOOL", "EVENTS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.probe:
        consumer, spool_path, events = args.probe
        _probe(consumer, Path(spool_path), int(events))
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    if not 0 < args.low < args.high:
        parser.error("--low must be positive and below --high")
    with tempfile.TemporaryDirectory(prefix="bench-instructions-") as folder:
        stream = Path(folder) / "customers.spool"
        spool.write(stream, spool.Workload(args.customers, args.partitions, args.seed), args.high)
        counts = {
            consumer: _count(valgrind, consumer, stream, args.high)
            - _count(valgrind, consumer, stream, args.low)
            for consumer in CONSUMERS
        }
    events = args.high - args.low
    function = (counts["function"] - counts["none"]) / events
    floor = (counts["floor"] - counts["none"]) / events
    print(f"instructions per event, events {args.low:,} to {args.high:,}:")
    print(f"  function  {function:>10,.0f}")
    print(f"  floor     {floor:>10,.0f}")
    print(f"  function / floor  {function / floor:.3f}")
    return 0


def _count(valgrind: str, consumer: str, stream: Path, events: int) -> int:
    """The instructions one fresh interpreter executes to read ``events`` events."""
    completed = subprocess.run(  # noqa: S603 - valgrind and our own interpreter
        [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-m",
            "bench.instructions",
            "--probe",
            consumer,
            str(stream),
            str(events),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    found = _COLLECTED.search(completed.stderr)
    if completed.returncode != 0 or found is None:
        raise SystemExit(f"the {consumer} run failed:\n{completed.stderr[-2000:]}")
    return int(found.group(1))


def _probe(consumer: str, stream: Path, events: int) -> None:
    """Build the batches as the host does, then let ``consumer`` read them (or nobody)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-probe-"))
    os.environ.update(
        BANK2_URL=f"sqlite:///{folder / 'bank2.db'}",
        KAFKA_CONSUMER_GROUP=_GROUP,
        KAFKA_CUSTOMERS_TOPIC=spool.TOPIC,
        KAFKA_BROKER_LIST="localhost:9092",
    )
    for name in ("KAFKA_DEAD_LETTER_TOPIC", "APPLICATIONINSIGHTS_CONNECTION_STRING"):
        os.environ.pop(name, None)
    from demo.functions_host import kafka_batch  # noqa: PLC0415 - after the settings

    batches = [kafka_batch(messages) for messages in spool.batches(stream, events, _BATCH)]
    read = 0
    try:
        if consumer == "function":
            from bench.run import _indexed_function  # noqa: PLC0415

            function, _ = _indexed_function()
            for batch in batches:
                function(batch)
                read += len(batch)
        elif consumer == "floor":
            from adapters.engines.sqlite.engine import SqliteEngine  # noqa: PLC0415
            from bench.floor import Floor  # noqa: PLC0415

            path = folder / "floor.db"
            SqliteEngine(str(path)).connect().close()  # migrated as the function's is
            floor = Floor(str(path), _GROUP)
            for batch in batches:
                floor.consume(batch)
                read += len(batch)
            floor.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{consumer} read {read} events")


if __name__ == "__main__":
    sys.exit(main())
