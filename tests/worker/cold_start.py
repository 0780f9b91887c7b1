"""Cold start through the worker: how long a fresh worker process takes to be ready and to run
its first batch, measured from the host's side of the protocol on SQLite.

    .venv/bin/python -m tests.worker.cold_start [--runs 5] [--events 500]

Each run starts a new worker process (the pinned ``azure_functions_runtime`` on this Python) and
times, as the host sees them: process start to ``StartStream`` (interpreter, runtime and gRPC),
``WorkerInitRequest`` (the worker indexes the app: imports ``function_app``), metadata and
function load, the first batch (opens Bank 2 and applies its migrations) and a second batch.
Prints the median of each step in milliseconds; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

from demo.functions_host import KafkaMessage
from tests.worker import protocol as generated_protocol
from tests.worker.host import FunctionsHost, IndexedFunction
from tests.worker.payloads import kafka_string_batch

STEPS = ("start_stream", "init_and_index", "metadata_and_load", "first_batch", "second_batch")


def _batch(first_offset: int, events: int) -> list[KafkaMessage]:
    when = datetime.now(UTC)
    return [
        KafkaMessage(
            "customers",
            0,
            offset,
            None,
            json.dumps(
                {
                    "customer_id": str(offset % 2000),
                    "version": offset + 1,
                    "name": "Cliente de Teste",
                    "phone": "(11) 3456-7890",
                    "state": "SP",
                }
            ).encode(),
            when,
        )
        for offset in range(first_offset, first_offset + events)
    ]


def one_run(workdir: Path, protos: ModuleType, generated: Path, events: int) -> dict[str, float]:
    settings = {
        "KAFKA_BROKER_LIST": "localhost:9092",
        "KAFKA_CUSTOMERS_TOPIC": "customers",
        "KAFKA_CONSUMER_GROUP": "cold-start",
        "BANK2_URL": f"sqlite:///{workdir / 'bank2.db'}",
    }
    host = FunctionsHost(protos, generated, settings)
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[step] = (now - mark) * 1000
        mark = now

    try:
        host.start(workdir / "worker.log")
        lap("start_stream")
        host.init()
        lap("init_and_index")
        (metadata,) = host.metadata().function_metadata_results
        function = IndexedFunction(metadata)
        host.load(function)
        lap("metadata_and_load")
        for step, first in (("first_batch", 0), ("second_batch", events)):
            inputs = kafka_string_batch(
                host.protos, "project_customers", _batch(first, events), arg_name="events"
            )
            response = host.invoke(function, inputs.input_data, inputs.trigger_metadata)
            if response.result.status != 1:
                raise RuntimeError(response.result.exception.message)
            lap(step)
    finally:
        host.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--events", type=int, default=500)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        generated = generated_protocol.generate(Path(scratch) / "protocol")
        protos = generated_protocol.load(generated)
        runs = []
        for number in range(arguments.runs):
            workdir = Path(scratch) / f"run-{number}"
            workdir.mkdir()
            runs.append(one_run(workdir, protos, generated, arguments.events))
    medians = {step: round(statistics.median(r[step] for r in runs), 1) for step in STEPS}
    for step, value in medians.items():
        print(f"{step:>18}: {value:8.1f} ms")  # noqa: T201 - a command's output
    summary = {"runs": arguments.runs, "events": arguments.events, "median_ms": medians}
    print(json.dumps(summary))  # noqa: T201 - a command's output


if __name__ == "__main__":
    main()
