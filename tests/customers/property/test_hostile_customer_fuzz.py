"""Fuzz: hostile customer messages through the real function never escape, stall or leak.

Hypothesis builds batches of messages of every shape the decoder knows (legacy, our v1, Debezium
with and without the schema wrapper) and of none, with hostile values where the fields go:
control and invisible characters, expanding and huge text, huge and fractional numbers, wrong
types, deep nesting, invalid UTF-8, tombstones. Each batch runs through the function as the host
delivers it (the worker's own converter), into a SQLite Bank 2. For every batch:

* no exception escapes: bad data is never an infrastructure failure;
* every message is accounted for: applied, rejected (and recorded), a tombstone, or superseded,
  and the batch's offsets are stored, so the partition moves on;
* no message costs more than a few milliseconds to decode and judge;
* no personal field (CPF, e-mail, address) reaches a log line, Bank 2 or a dead letter.

Bounded in time (max_examples, and a deadline per example); derandomized under CI so that a
failure reproduces with the same seed, and hypothesis prints the failing example's blob.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import function_app
from adapters import bootstrap
from adapters.customers.formats import CustomerDecoder
from demo.functions_host import KafkaMessage, indexed_functions, kafka_batch
from domain.customers.changes import CustomerChange, project
from service.stream.records import StreamRecord
from tests.support import cost

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PERSONAL = ("987.654.321-00", "fuzz.person@example.com", "Rua Hostil 1234")
# Per message, decode and judge: a generous bound that catches the pathological (a 1 MiB state
# once took 650 ms to fold) without flaking on a slow machine.
MAX_SECONDS_PER_MESSAGE = 0.05

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "42\u0000evil",
            "\u0000",
            "42\u200b",
            "\ufeff42",
            "42\u0085",
            "\u202eevil",
            "SP" + " " * 5000,
            "\ufdfa" * 60_000,  # 1 MiB of it once took 0.65 s to fold
            "a" + "\u0301" * 5000,
            "x" * 70_000,
            "__debezium_unavailable_value",
            "(11) 98765-4321",
            "11987654321",
            "Maria Souza",
            "São Paulo",
            "A",
            "I",
        ]
    ),
)
hostile_number = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 2**63 - 1, 2**64 - 1, 2**64]),
)
scalar = st.one_of(st.none(), st.booleans(), hostile_number, hostile_text)
json_value = st.recursive(
    scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
field_value = st.one_of(scalar, json_value)


@st.composite
def messages(draw: st.DrawFn) -> bytes | None:
    """One value for the customer topic: a known shape with hostile fields, or anything."""
    personal = {"cpf": PERSONAL[0], "email": PERSONAL[1], "address": PERSONAL[2]}
    shape = draw(st.sampled_from(["legacy", "v1", "debezium", "wrapped", "any", "raw", "none"]))
    if shape == "none":
        return None
    if shape == "raw":
        return draw(
            st.one_of(
                st.binary(max_size=64),
                st.just(b"\xff\xfe{"),
                st.just(b"[" * 10_000 + b"]" * 10_000),
                st.just(b'{"customer_id": "1", "version": 1e999}'),
            )
        )
    if shape == "any":
        return json.dumps(draw(json_value)).encode()
    if shape == "legacy":
        message: dict[str, Any] = {
            "CD_CLIENTE": draw(field_value),
            "NM_CLIENTE": draw(field_value),
            "TEL_CLIENTE": draw(field_value),
            "STATUS": draw(field_value),
        } | personal
    elif shape == "v1":
        message = {
            "customer_id": draw(field_value),
            "version": draw(field_value),
            "updated_at": draw(st.one_of(field_value, st.just("2024-05-29T14:03:11.250-03:00"))),
            "name": draw(field_value),
            "phone": draw(field_value),
            "state": draw(field_value),
            "status": draw(field_value),
            "deleted": draw(field_value),
            "telemarketing_opt_out": draw(field_value),
        } | personal
    else:
        after = {
            "id": draw(field_value),
            "name": draw(field_value),
            "phone": draw(field_value),
            "state": draw(field_value),
            "status": draw(field_value),
            "telemarketing_opt_out": draw(field_value),
        } | personal
        sources: list[dict[str, Any]] = [
            {"connector": "postgresql", "lsn": 24023128, "snapshot": "false"},
            {"connector": "postgresql", "lsn": None, "snapshot": "incremental"},
            {"connector": "sqlserver", "commit_lsn": "00000027:00000758:0005"},
            {"connector": "mysql", "ts_ms": 1717000000000},
        ]
        source = draw(st.sampled_from(sources))
        source |= {"sequence": draw(st.one_of(st.none(), hostile_text))}
        message = {
            "op": draw(st.one_of(st.sampled_from(["c", "u", "r", "d", "t"]), field_value)),
            "before": draw(st.one_of(st.none(), st.just(after), json_value)),
            "after": draw(st.one_of(st.just(after), json_value)),
            "source": draw(st.one_of(st.just(source), field_value)),
        }
        if shape == "wrapped":
            message = {"schema": {"type": "struct"}, "payload": message}
    return json.dumps(message, ensure_ascii=draw(st.booleans())).encode()


keys = st.one_of(st.none(), st.binary(max_size=16), st.just(b'{"id": 42}'))
batches = st.lists(st.tuples(keys, messages()), min_size=1, max_size=12)


@pytest.fixture(scope="module")
def customer_function(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The function as the worker indexes it, on a SQLite Bank 2, with a dead-letter output."""
    bank2 = Path(tmp_path_factory.mktemp("fuzz")) / "bank2.db"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("BANK2_URL", f"sqlite:///{bank2}")
        env.setenv("KAFKA_CONSUMER_GROUP", "telesales")
        env.setenv("KAFKA_DEAD_LETTER_TOPIC", "customers-dead-letters")
        module = importlib.reload(function_app)
        bootstrap.reset()
        (function,) = indexed_functions(module.app)
        # The v1 format's reference model is imported on the first event it must judge (about
        # 100 ms, once per worker): not a cost of any one message.
        CustomerDecoder()(StreamRecord("customers", 0, 0, None, b'{"customer_id": null}'))
        run = function.get_user_function()
        run(
            kafka_batch([KafkaMessage("customers", 0, next(_next_offset), None, None, WHEN)]),
            _Out(),
        )
        yield run, bank2
    importlib.reload(function_app)
    bootstrap.reset()


class _Out:
    value: str | None = None

    def set(self, value: str) -> None:
        self.value = value


_next_offset = iter(range(10**9))


def _seconds_to_project(decode: CustomerDecoder, record: StreamRecord) -> float:
    # CPU time of this thread: a pathological message costs it every time, while a machine busy
    # with other work only stretches the wall clock.
    started = time.thread_time()
    decoded = decode(record)
    if isinstance(decoded, CustomerChange):
        project(decoded)
    return time.thread_time() - started


@settings(
    max_examples=int(os.environ.get("BANK2_FUZZ_EXAMPLES", "250")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batches)
def test_hostile_batches_are_applied_or_rejected_never_escape_stall_or_leak(
    customer_function: tuple[Any, Path],
    caplog: pytest.LogCaptureFixture,
    batch: list[tuple[bytes | None, bytes | None]],
) -> None:
    run, bank2 = customer_function
    decode = CustomerDecoder()
    delivered = []
    for key, value in batch:
        offset = next(_next_offset)
        delivered.append(KafkaMessage("customers", 0, offset, key, value, WHEN))
        record = StreamRecord("customers", 0, offset, key, value)
        measure = partial(_seconds_to_project, decode, record)
        assert cost(measure(), measure, MAX_SECONDS_PER_MESSAGE) < MAX_SECONDS_PER_MESSAGE

    letters = _Out()
    recorded_before = _count(bank2, "rejected_messages")
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        run(kafka_batch(delivered), letters)  # no exception escapes

    summary = _summary_of(caplog)
    assert summary["batch_events"] == len(batch)
    # Every message is accounted for: nothing is neither applied, refused, skipped nor dropped.
    accounted = sum(
        summary[f"batch_{outcome}"]
        for outcome in ("upserted", "removed", "stale", "superseded", "skipped", "rejected")
    )
    assert accounted >= len(batch) - summary["batch_withdrawn"]
    assert _stored_offset(bank2) == delivered[-1].offset
    # Each refused message is recorded, and reported to the dead-letter topic as a pointer.
    rejected = summary["batch_rejected"]
    assert _count(bank2, "rejected_messages") - recorded_before == rejected
    assert len(json.loads(letters.value or "[]")) == rejected
    shown = caplog.text + (letters.value or "") + bank2.read_bytes().decode("latin-1")
    for personal in PERSONAL:
        assert personal not in shown


def _summary_of(caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    (line,) = [r for r in caplog.records if r.getMessage().startswith("customer batch:")]
    return {k: v for k, v in vars(line).items() if k.startswith("batch_")}


def _stored_offset(bank2: Path) -> int:
    return _read(bank2, "SELECT last_offset FROM consumer_offsets WHERE topic = 'customers'")


def _count(bank2: Path, table: str) -> int:
    return _read(bank2, f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the test's own names


def _read(bank2: Path, sql: str) -> int:
    # Bank 2 read outside the code under test, on a connection of its own.
    with contextlib.closing(sqlite3.connect(bank2)) as connection:
        (value,) = connection.execute(sql).fetchone()
    return int(value)
