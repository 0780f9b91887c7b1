"""Deliver Kafka batches to the function exactly as the Functions host does.

The host sends a batch to the Python worker as a ``collection_string`` of JSON envelopes (one per
message, the Kafka extension's ``data_type="string"`` form) plus trigger metadata arrays, and the
worker turns them into ``KafkaEvent`` objects with the ``azure-functions`` library's own
``KafkaTriggerConverter``. This module builds those same inputs, so the demo, the tests and the
benchmark run the real decoding path. Only the gRPC transport itself is not reproduced: its
collections are stand-in objects with the same ``string`` / ``sint64`` attributes.
"""

from __future__ import annotations

import json
import logging
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import azure.functions as func
from azure.functions import meta
from azure.functions.decorators.function_app import Function
from azure.functions.kafka import KafkaTriggerConverter


class CapturedOut:
    """A stand-in for the worker's ``func.Out``: keeps what the function sets."""

    def __init__(self) -> None:
        self.value: str | None = None

    def set(self, value: str) -> None:
        self.value = value

    def get(self) -> str | None:
        return self.value


@dataclass(frozen=True, slots=True)
class KafkaMessage:
    """A message as it sits in a Kafka partition."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class _GrpcCollection:
    """Stand-in for the gRPC ``CollectionString`` / ``CollectionSInt64`` messages."""

    string: Sequence[str] = ()
    sint64: Sequence[int] = ()


def _text(raw: bytes | None) -> str | None:
    # The extension deserialises values and keys as UTF-8 strings before wrapping them.
    return raw.decode("utf-8", errors="replace") if raw is not None else None


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def kafka_batch(messages: Sequence[KafkaMessage]) -> list[func.KafkaEvent]:
    """The ``List[KafkaEvent]`` the worker passes to a ``cardinality="many"`` string trigger."""
    envelopes = [
        json.dumps(
            {
                "Offset": m.offset,
                "Partition": m.partition,
                "Topic": m.topic,
                "Timestamp": _timestamp(m.timestamp),
                "Key": _text(m.key),
                "Value": _text(m.value),
                "Headers": [],
            }
        )
        for m in messages
    ]
    data = meta.Datum(type="collection_string", value=_GrpcCollection(string=envelopes))
    # Arrays of long and string travel as typed collections; every other array as JSON text.
    trigger_metadata = {
        "OffsetArray": meta.Datum(
            type="collection_sint64", value=_GrpcCollection(sint64=[m.offset for m in messages])
        ),
        "TopicArray": meta.Datum(
            type="collection_string", value=_GrpcCollection(string=[m.topic for m in messages])
        ),
        "PartitionArray": meta.Datum(
            type="json", value=json.dumps([m.partition for m in messages])
        ),
        "KeyArray": meta.Datum(type="json", value=json.dumps([_text(m.key) for m in messages])),
        "TimestampArray": meta.Datum(
            type="json", value=json.dumps([_timestamp(m.timestamp) for m in messages])
        ),
        "HeadersArray": meta.Datum(type="json", value=json.dumps([[] for _ in messages])),
        "sys": meta.Datum(
            type="json",
            value=json.dumps(
                {"MethodName": "project_customers", "UtcNow": _timestamp(datetime.now(UTC))}
            ),
        ),
    }
    events = KafkaTriggerConverter.decode(data, trigger_metadata=trigger_metadata)
    return typing.cast("list[func.KafkaEvent]", events)


KafkaFunction = Callable[[list[func.KafkaEvent]], None]


@cache
def indexed_functions(app: func.FunctionApp) -> tuple[Function, ...]:
    """The app's functions as the worker indexes them, once: the library refuses a second pass."""
    return tuple(app.get_functions())


def user_function(app: func.FunctionApp, name: str) -> KafkaFunction:
    """The Python function behind a registered Kafka trigger, after checking its binding as the
    worker does when it indexes the app (a wrong annotation fails there, so it fails here)."""
    for function in indexed_functions(app):
        if function.get_function_name() != name:
            continue
        trigger = function.get_trigger()
        if trigger is None or trigger.get_binding_name() != "kafkaTrigger":
            raise ValueError(f"function {name!r} has no Kafka trigger")
        user = function.get_user_function()
        annotation = typing.get_type_hints(user)[trigger.name]
        if not KafkaTriggerConverter.check_input_type_annotation(annotation):
            raise TypeError(f"the worker would refuse {name!r}: bad annotation {annotation!r}")
        return typing.cast("KafkaFunction", user)
    raise LookupError(f"no function named {name!r}")


def quietly_indexed(app: func.FunctionApp, name: str) -> KafkaFunction:
    """``user_function``, without the warning indexing gives that auth levels do not apply to
    non-HTTP functions: true, and not news."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        return user_function(app, name)
    finally:
        root.setLevel(level)


class Produced(typing.Protocol):
    """A message a producer wrote: its partition, key and value."""

    @property
    def partition(self) -> int: ...
    @property
    def key(self) -> bytes | None: ...
    @property
    def value(self) -> bytes | None: ...


def deliveries(
    produced: Iterable[Produced], topic: str, batch_size: int, *, redeliver_every: int = 10
) -> Iterator[tuple[list[KafkaMessage], bool]]:
    """Batches in delivery order, offsets numbered per partition, every ``redeliver_every``-th
    batch delivered twice (as after a rebalance). Yields each batch with whether it is a
    redelivery."""
    next_offset: Counter[int] = Counter()
    batch: list[KafkaMessage] = []
    batches = 0
    for message in produced:
        offset = next_offset[message.partition]
        next_offset[message.partition] += 1
        batch.append(
            KafkaMessage(
                topic, message.partition, offset, message.key, message.value, datetime.now(UTC)
            )
        )
        if len(batch) == batch_size:
            batches += 1
            yield batch, False
            if batches % redeliver_every == 0:
                yield batch, True
            batch = []
    if batch:
        yield batch, False


class BatchTotals(logging.Handler):
    """Adds up a function's structured batch summaries (the log fields named ``<prefix>...``)
    and keeps their lines."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix
        self.totals: Counter[str] = Counter()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())
        for name, value in vars(record).items():
            if name.startswith(self._prefix) and isinstance(value, int):
                self.totals[name.removeprefix(self._prefix)] += value


@contextmanager
def batch_totals(logger_name: str, prefix: str) -> Iterator[BatchTotals]:
    """Collect the function's batch summaries instead of printing one line per batch."""
    totals = BatchTotals(prefix)
    function_logger = logging.getLogger(logger_name)
    saved = function_logger.level, function_logger.propagate
    function_logger.addHandler(totals)
    function_logger.setLevel(logging.INFO)
    function_logger.propagate = False  # the summary is printed at the end, not per batch
    try:
        yield totals
    finally:
        function_logger.removeHandler(totals)
        function_logger.level, function_logger.propagate = saved
