"""One benchmark configuration, in a process of its own: ``python -m bench.run '<json>'``.

The function under test is ``function_app``'s own, indexed as the worker indexes it, with its
cached composition root opening Bank 2 from ``BANK2_URL``. Each batch is built as the host
delivers it (``demo.functions_host.kafka_batch``: the host's JSON envelopes, then the worker's
``KafkaTriggerConverter``). The measured time is the converter's plus the function's; the host's
own work (serialising envelopes, in .NET) is timed apart and not counted. The naive consumer, when
asked for, reads the same messages too, in the same process, into its own Bank 2: segment by
segment, each after the function (see ``SEGMENT_EVENTS``).

Prints one JSON object: throughput, seconds per stage, SQL round trips, outcomes, peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import spool

CONSUMER_GROUP = "telesales-bench"
# The naive consumer reads the same messages as the function, in the same order, a segment of
# about this many events after the function has read them. This machine's speed drifts by tens
# of percent over seconds to minutes: alternating by segments makes the drift weigh on both sides
# alike, so the ratio of one run can be trusted. (Alternating batch by batch would instead let
# each consumer's Bank 2 work, such as the server's log flushes, slow the other's next batch.)
SEGMENT_EVENTS = 5_000
_US = 1e6


@dataclass(frozen=True, slots=True)
class RunConfig:
    engine: str
    url: str
    naive_url: str | None  # None: no naive baseline in this run
    spool: str
    events: int
    batch_size: int
    stages: bool  # also time decoding apart, to split the function's time by stage
    # SQLite only: the same-work floor (bench/floor.py) reads the same batches into this file.
    floor_url: str | None = None

    def to_json(self) -> str:
        return json.dumps({name: getattr(self, name) for name in self.__slots__})

    def to_json_before_floor(self) -> str:
        """The configuration as a ``bench.run`` from before the floor reads it (the baseline)."""
        fields = {name: getattr(self, name) for name in self.__slots__ if name != "floor_url"}
        return json.dumps(fields)

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        return cls(**json.loads(text))


@dataclass(slots=True)
class _Clock:
    """Seconds accumulated by the stages of the function's side."""

    convert: float = 0.0  # KafkaTriggerConverter.decode, in the worker
    host: float = 0.0  # the host's envelopes: not counted
    function: float = 0.0  # the registered function, called with the converted batch
    handle: float = 0.0  # CustomerProjection.handle inside it
    write: float = 0.0  # the service's own measure of its Bank 2 transaction
    envelope: float = 0.0  # stream_records, timed again apart
    decode: float = 0.0  # decode_customer_record over the batch, timed again apart


class _TimedConverter:
    """``KafkaTriggerConverter`` as ``kafka_batch`` and ``user_function`` call it, timed."""

    def __init__(self, converter: Any, clock: _Clock) -> None:
        self._converter = converter
        self._clock = clock

    def decode(self, data: Any, *, trigger_metadata: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._converter.decode(data, trigger_metadata=trigger_metadata)
        finally:
            self._clock.convert += time.perf_counter() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self._converter, name)


def _prepare_environment(config: RunConfig) -> None:
    os.environ.update(
        BANK2_URL=config.url,
        KAFKA_CONSUMER_GROUP=CONSUMER_GROUP,
        KAFKA_CUSTOMERS_TOPIC=spool.TOPIC,
        KAFKA_BROKER_LIST="localhost:9092",
    )
    # Local defaults: no dead-letter output to hand a second argument, no telemetry exporter.
    for name in ("KAFKA_DEAD_LETTER_TOPIC", "APPLICATIONINSIGHTS_CONNECTION_STRING"):
        os.environ.pop(name, None)


class _Observed:
    """The function under test, with probes that watch it and change nothing it does.

    Three module attributes are wrapped, for this process only: the converter ``kafka_batch``
    calls (to time it), the composition root's ``open_bank2`` (to count the statements of the
    Bank 2 it opens) and the projection's ``handle`` (to time it and read its batch summary).
    """

    def __init__(self, clock: _Clock) -> None:
        from adapters import bootstrap  # noqa: PLC0415 - once the settings are in place
        from demo import functions_host  # noqa: PLC0415

        self.clock = clock
        self.summaries: list[Any] = []
        namespace = vars(functions_host)
        namespace["KafkaTriggerConverter"] = _TimedConverter(
            namespace["KafkaTriggerConverter"], clock
        )
        self.kafka_batch = functions_host.kafka_batch
        opened: list[Any] = []
        open_bank2 = vars(bootstrap)["open_bank2"]

        def observed_open_bank2(url: str, setting: str, **options: Any) -> Any:
            opened.append(open_bank2(url, setting, **options))
            return opened[-1]

        vars(bootstrap)["open_bank2"] = observed_open_bank2
        self.function, projection = _indexed_function()
        handle = projection.handle

        def observed_handle(records: Sequence[Any]) -> Any:
            started = time.perf_counter()
            summary = handle(records)
            clock.handle += time.perf_counter() - started
            self.summaries.append(summary)
            return summary

        vars(projection)["handle"] = observed_handle
        self.bank2 = opened[0] if opened else None
        if self.bank2 is not None:  # connected and migrated before the clock starts
            self.bank2.acquire()
            self.bank2.release(broken=False)

    def statements(self) -> int:
        return self.bank2.statements_executed if self.bank2 is not None else 0

    def close(self) -> None:
        if self.bank2 is not None:
            self.bank2.close()


def run(config: RunConfig) -> dict[str, Any]:
    _prepare_environment(config)
    from adapters.customers.formats import decode_customer_record  # noqa: PLC0415
    from adapters.stream.batches import stream_records  # noqa: PLC0415
    from bench.naive import NaiveConsumer, bank2_state  # noqa: PLC0415

    clock = _Clock()
    observed = _Observed(clock)
    naive = NaiveConsumer(config.naive_url) if config.naive_url else None
    floor = _floor(config)
    floor_convert = 0.0  # the converter's time on the batches the floor read too
    round_trips: list[int] = []
    outcomes: dict[str, int] = {}
    batches = 0
    written_before = _bytes_written()
    segment: list[list[Any]] = []  # messages the function has read and the naive consumer not yet
    for messages in spool.batches(Path(config.spool), config.events, config.batch_size):
        converted_before = clock.convert
        started = time.perf_counter()
        events = observed.kafka_batch(messages)
        clock.host += time.perf_counter() - started - (clock.convert - converted_before)
        statements_before = observed.statements()
        _read(observed, floor, events, clock, floor_first=batches % 2 == 1)
        if floor is not None:
            floor_convert += clock.convert - converted_before
        batches += 1
        round_trips.append(observed.statements() - statements_before)
        _add_summaries(observed.summaries, clock, outcomes)
        if config.stages:
            _time_decoding(events, stream_records, decode_customer_record, clock)
        if naive is not None:
            segment.append(messages)
            if len(segment) * config.batch_size >= SEGMENT_EVENTS:
                _consume(naive, segment)
    result = _result(config, clock, batches, round_trips if observed.bank2 else [], outcomes)
    written = _bytes_written() - written_before
    observed.close()
    _add_io(result, config, written)
    if floor is not None:
        floor.close()
        result["floor"] = _floor_result(config, floor.seconds + floor_convert, bank2_state)
    if naive is not None:
        _consume(naive, segment)
        naive.close()
        result["naive"] = _naive_result(naive, config.events)
        ours, theirs = bank2_state(config.url), bank2_state(config.naive_url or "")
        result["same_contacts"] = ours[0] == theirs[0]
        result["same_rejects"] = ours[1] == theirs[1]
        result["contacts"] = len(ours[0])
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def _read(
    observed: _Observed, floor: Any, events: Any, clock: _Clock, *, floor_first: bool
) -> None:
    """The function reads the batch, timed, and so does the floor if there is one.

    The floor goes first every other batch: whichever reads a batch second finds its bytes in
    the CPU caches, warmed by the first, and that alone moved the ratio from 1.21 (the floor
    first every time) to 1.47 (the function first every time) on 50,000 events.
    """
    if floor is not None and floor_first:
        floor.consume(events)
    started = time.perf_counter()
    observed.function(events)
    clock.function += time.perf_counter() - started
    if floor is not None and not floor_first:
        floor.consume(events)


def _floor(config: RunConfig) -> Any:
    if config.floor_url is None:
        return None
    from bench.floor import Floor  # noqa: PLC0415

    return Floor(config.floor_url.removeprefix("sqlite:///"), CONSUMER_GROUP)


def _consume(naive: Any, segment: list[list[Any]]) -> None:
    for messages in segment:
        naive.consume(messages)
    segment.clear()


def _floor_result(
    config: RunConfig, seconds: float, bank2_state: Callable[[str], Any]
) -> dict[str, Any]:
    return {
        "events_per_s": round(config.events / seconds) if seconds else None,
        "seconds": round(seconds, 3),
        "same_bank2": bank2_state(config.url) == bank2_state(config.floor_url or ""),
    }


def _add_io(result: dict[str, Any], config: RunConfig, written: int) -> None:
    if config.engine == "sqlite" and config.naive_url is None and config.floor_url is None:
        # This process's writes are the function's own: its WAL frames and checkpoints.
        result["bytes_written_per_event"] = round(written / config.events)
        result["file_mb"] = _file_mb(config.url)


def _bytes_written() -> int:
    """Bytes this process has handed to write calls so far (``wchar``), 0 where unknown."""
    try:
        with Path("/proc/self/io").open() as io:
            for line in io:
                if line.startswith("wchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _file_mb(url: str) -> float:
    """The size of a SQLite Bank 2 and its WAL, in MB."""
    path = Path(url.removeprefix("sqlite:///"))
    sizes = [p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return round(sum(sizes) / 1e6, 1)


def _peak_rss_mb() -> float:
    """This process image's peak resident memory.

    Not ``ru_maxrss``: Linux carries it over ``exec`` from the parent that forked us, so it would
    report the benchmark driver's memory, not this run's. ``VmHWM`` belongs to this image alone.
    """
    try:
        with Path("/proc/self/status").open() as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _add_summaries(summaries: list[Any], clock: _Clock, outcomes: dict[str, int]) -> None:
    for summary in summaries:
        clock.write += getattr(summary, "write_seconds", 0.0)
        for name, count in summary.as_fields().items():
            outcomes[name] = outcomes.get(name, 0) + int(count)
    summaries.clear()


def _indexed_function() -> tuple[Callable[[Any], None], Any]:
    import function_app  # noqa: PLC0415 - after the settings, as the host does
    from adapters import bootstrap  # noqa: PLC0415
    from demo.functions_host import quietly_indexed  # noqa: PLC0415

    function = quietly_indexed(function_app.app, "project_customers")
    bootstrap.reset()
    return function, bootstrap.customer_projection()


def _time_decoding(
    events: Any, stream_records: Callable[[Any], Any], decode: Callable[[Any], Any], clock: _Clock
) -> None:
    started = time.perf_counter()
    records = stream_records(events)
    decoded_at = time.perf_counter()
    for record in records:
        decode(record)
    clock.envelope += decoded_at - started
    clock.decode += time.perf_counter() - decoded_at


def _result(
    config: RunConfig,
    clock: _Clock,
    batches: int,
    round_trips: list[int],
    outcomes: dict[str, int],
) -> dict[str, Any]:
    events = config.events
    counted = clock.convert + clock.function
    result: dict[str, Any] = {
        "engine": config.engine,
        "events": events,
        "batch_size": config.batch_size,
        "batches": batches,
        "seconds": round(counted, 3),
        "events_per_s": round(events / counted) if counted else None,
        "host_us_not_counted": round(clock.host / events * _US, 2),
        "round_trips_per_batch": (
            {
                "mean": round(sum(round_trips) / len(round_trips), 2),
                "min": min(round_trips),
                "max": max(round_trips),
            }
            if round_trips
            else None
        ),
        "outcomes": outcomes,
    }
    if config.stages:
        # The service reads the records one at a time as the function hands them over, so its
        # time includes turning envelopes into stream records (timed again apart).
        project = clock.handle - clock.write - clock.decode - clock.envelope
        other = clock.function - clock.handle
        stages = {
            "convert": clock.convert,
            "envelope": clock.envelope,
            "decode": clock.decode,
            "validate_and_project": project,
            "write": clock.write,
            "other": other,
        }
        result["stages_us"] = {name: round(s / events * _US, 2) for name, s in stages.items()}
    return result


def _naive_result(naive: Any, events: int) -> dict[str, Any]:
    timings = naive.timings
    return {
        "events_per_s": round(events / timings.seconds) if timings.seconds else None,
        "seconds": round(timings.seconds, 3),
        "stages_us": {
            "decode": round(timings.decode / events * _US, 2),
            "validate": round(timings.validate / events * _US, 2),
            "write": round(timings.write / events * _US, 2),
        },
        "round_trips_per_event": round(timings.round_trips / events, 2),
        "outcomes": dict(timings.outcomes),
    }


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if len(arguments) != 1:
        print("usage: python -m bench.run '<configuration as JSON>'", file=sys.stderr)
        return 2
    print(json.dumps(run(RunConfig.from_json(arguments[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
