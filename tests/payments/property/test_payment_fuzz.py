"""Hostile transaction messages through the real decoder, service and SQLite store (fuzzed).

Hypothesis builds batches of messages an attacker or a broken producer could send: the
gateway's message with any field replaced by random JSON (wrong types, control characters, lone
surrogates, huge and exponent-form numbers, deep nesting, fields of tens of kilobytes), raw bytes
that are not UTF-8, truncated or deeply nested JSON, and tombstones. Each batch is handled,
then delivered again, as the function does it (its answers, dead letters and log line), and:

* no exception escapes: bad data is answered or refused, never a failed batch;
* every message is answered with its stored outcome, or recorded as unanswerable, or skipped
  (a tombstone), and the redelivery gets the same answers and stores nothing new;
* nothing is published that is not stored, exactly so;
* no card number, CVV or holder name reaches the database, the logs or the dead letters;
* no message costs more than ``MAX_MESSAGE_SECONDS`` to decode and decide: linear work is
  microseconds per kilobyte, so only a pathological case (a quadratic conversion, a regular
  expression that backtracks, a Luhn sum over a megabyte) comes near it.

The run is bounded: ``derandomize`` fixes the examples (the same ones every run, so a failure
is reproducible from the test alone, and ``print_blob`` prints its reproduction), and
``PAYMENTS_FUZZ_EXAMPLES`` raises their number for a longer local run. Messages of the full
the size limit (64 KiB) are timed separately, in
``test_the_costliest_messages_at_the_size_limit_decode_in_milliseconds``.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from adapters.payments.format import MAX_TRANSACTION_BYTES, decode_transaction_record
from adapters.payments.results import results_payload
from adapters.payments.store import payment_unit_of_work
from adapters.stream.dead_letters import dead_letter_payload
from domain.payments.transactions import Transaction, Unanswerable, decide
from service.payments.processing import PaymentProcessing
from service.stream.records import StreamRecord, Tombstone
from service.stream.retries import RetryPolicy
from tests.payments.cards import AMEX, VISA
from tests.support import cost

FUZZ = settings(
    max_examples=int(os.environ.get("PAYMENTS_FUZZ_EXAMPLES", "400")),
    deadline=None,  # timed per message below, where it matters
    derandomize=True,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Generous: the costliest fuzzed message takes a few milliseconds. Timed in CPU time (this
# thread's): a pathological message costs it every time, while a machine busy with other work
# only stretches the wall clock.
MAX_SECONDS = 0.05

START = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 22)
NO_WAIT = RetryPolicy(attempts=2, first_delay_s=0.0, max_delay_s=0.0, budget_s=10.0)
HOLDER = "Joana Pereira da Silva"
CVV = "987"
SECRETS = (VISA, AMEX, "4111 1111 1111 1111", HOLDER, "Pereira")
# Stands in for the function's logger ("telesales.payments"); INFO, as the host runs it.
logger = logging.getLogger("telesales.payments.fuzz")
logger.setLevel(logging.INFO)

# --- Strategies -------------------------------------------------------------------------------

# Any character, controls, format characters and lone surrogates included (json.dumps escapes
# a surrogate as \ud800, which Python's parser takes back).
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=80),
    st.sampled_from(
        [
            "",
            " ",
            "42\x00x",
            "\x00",
            "\ud800",
            "x\udfff",
            "\ufeff42",
            "42\u200b",
            "\ufffd",
            "42\x1f",
            "\u202e42",
            "1e3",
            "1,000.00",
            "10,50",
            "-5",
            "NaN",
            "\U0001f600" * 64,
        ]
    ),
)
# json.dumps writes integers of up to 4,300 digits (Python's limit); longer ones are written
# into the bytes directly (``huge_numbers_in_a_field``).
huge_number = st.integers(min_value=1, max_value=4300).map(lambda n: int("9" * n))
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge_number,
    st.floats(allow_nan=False, allow_infinity=False),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(hostile_text, children, max_size=5),
    ),
    max_leaves=20,
)
FIELDS = [
    "id",
    "account_id",
    "credit_card_number",
    "credit_card_name",
    "credit_card_expiration_month",
    "credit_card_expiration_year",
    "credit_card_cvv",
    "amount",
]
# Mostly ids that are answered, so that the card and amount rules get their share.
ids = st.one_of(
    st.uuids().map(str),
    st.text("abcdef-0123456789 ", min_size=1, max_size=66),
    st.integers(min_value=-5, max_value=10**70),
    hostile_text,
)


@st.composite
def gateway_messages(draw: st.DrawFn) -> dict[str, object]:
    """The gateway's message, carrying real card data, with fields replaced, dropped or added."""
    message: dict[str, object] = {
        "id": draw(ids),
        "account_id": draw(st.one_of(st.just("acc-1"), ids)),
        "credit_card_number": draw(st.sampled_from([VISA, AMEX, "4111 1111 1111 1111"])),
        "credit_card_name": HOLDER,
        "credit_card_expiration_month": draw(st.sampled_from([11, "12", 1])),
        "credit_card_expiration_year": draw(st.sampled_from([2030, "2031", 2026])),
        "credit_card_cvv": draw(st.sampled_from([CVV, int(CVV), "1234"])),
        "amount": draw(
            st.one_of(
                st.sampled_from(["10.00", 150.75, 1000, "1000.01", 0.99, -5, "1e3"]),
                st.decimals(allow_nan=False, allow_infinity=False).map(str),
                json_values,
            )
        ),
    }
    for field in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=3)):
        if draw(st.booleans()):
            message[field] = draw(json_values)
        else:
            del message[field]
    message.update(draw(st.dictionaries(hostile_text, json_values, max_size=3)))
    return message


def encoded(message: dict[str, object]) -> bytes:
    return json.dumps(message).encode()


big_padding = st.integers(min_value=1, max_value=64 * 1024).map(lambda n: "x" * n)
raw_values = st.one_of(
    gateway_messages().map(encoded),
    # A field of up to 64 KiB, or a message of 64 KiB of numbers.
    st.tuples(gateway_messages(), st.sampled_from(FIELDS), big_padding).map(
        lambda t: encoded({**t[0], t[1]: t[2]})
    ),
    st.tuples(gateway_messages(), st.sampled_from(["1.1,", "1,", "1e5,", '{"a":1},'])).map(
        lambda t: encoded(t[0])[:-1] + b', "pad": [' + t[1].encode() * 8000 + b"1]}"
    ),
    st.tuples(gateway_messages(), st.sampled_from(FIELDS), st.integers(4301, 60_000)).map(
        lambda t: encoded({**t[0], t[1]: "HUGE"}).replace(b'"HUGE"', b"9" * t[2])
    ),
    gateway_messages().map(lambda m: encoded(m)[: len(encoded(m)) // 2]),  # truncated
    st.binary(max_size=200),  # mostly not UTF-8, or not JSON
    st.integers(min_value=1, max_value=100_000).map(lambda n: b"[" * n),  # deep nesting
    json_values.map(lambda v: json.dumps(v).encode()),  # valid JSON, mostly not an object
    st.none(),  # a tombstone
)
batches = st.lists(raw_values, min_size=1, max_size=6)


# --- The run ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fuzz_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqlBank2]:
    path = tmp_path_factory.mktemp("payments-fuzz") / "bank2.db"
    bank = open_bank2(f"sqlite:///{path}")
    yield bank
    bank.close()


class _Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.getMessage()} {vars(record)}")


# Each unit of work has its own time, as the store's port requires.
_clock_ticks = itertools.count()


def _next_moment() -> datetime:
    return START + timedelta(seconds=next(_clock_ticks))


class _TimedDecoder:
    """The real decoder, timing each message's decoding and decision."""

    def __init__(self) -> None:
        self.seconds: dict[StreamRecord, float] = {}
        self.decoded: dict[int, Transaction | Unanswerable | Tombstone] = {}

    def __call__(self, record: StreamRecord) -> Transaction | Unanswerable | Tombstone:
        started = time.thread_time()
        decoded = decode_transaction_record(record)
        if isinstance(decoded, Transaction):
            decide(decoded, TODAY)  # the domain's share of the message's cost
        self.seconds[record] = time.thread_time() - started
        self.decoded[record.offset] = decoded
        return decoded


def _records(values: list[bytes | None]) -> list[StreamRecord]:
    records = []
    for offset, value in enumerate(values):
        key = None
        if value is not None:
            try:
                key = str(json.loads(value).get("id")).encode()  # the gateway keys by id
            except (ValueError, AttributeError, RecursionError):
                key = None
        records.append(StreamRecord("transactions", 0, offset, key, value, START))
    return records


def _empty(bank: SqlBank2) -> None:
    connection = bank.acquire()
    try:
        connection.execute("DELETE FROM transactions")  # type: ignore[attr-defined]
        connection.execute("DELETE FROM rejected_messages")  # type: ignore[attr-defined]
        connection.commit()
    finally:
        bank.release(broken=False)


def _dump(bank: SqlBank2) -> tuple[str, dict[str, tuple[str, str | None]], set[int]]:
    connection = bank.acquire()
    try:
        sqlite_connection: sqlite3.Connection = connection  # type: ignore[assignment]
        dump = "\n".join(sqlite_connection.iterdump())
        outcomes = {
            str(i): (str(s), None if e is None else str(e))
            for i, s, e in sqlite_connection.execute(
                "SELECT id, status, error_message FROM transactions"
            )
        }
        rejected = {
            int(o)
            for (o,) in sqlite_connection.execute("SELECT kafka_offset FROM rejected_messages")
        }
        connection.rollback()
        return dump, outcomes, rejected
    finally:
        bank.release(broken=False)


def _deliver(
    bank: SqlBank2, records: list[StreamRecord], captured: _Captured
) -> tuple[list[tuple[str, str, str]], list[dict[str, object]], _TimedDecoder]:
    """One delivery as the function makes it: answers, dead letters and log line."""
    decoder = _TimedDecoder()
    moment = _next_moment()
    service = PaymentProcessing(
        payment_unit_of_work(bank), decoder, retry=NO_WAIT, clock=lambda: moment
    )
    batch = service.handle(records)
    logger.info(batch.log_line(), extra=batch.as_fields())
    answers = [
        (str(m["Key"]), *_status(json.loads(m["Value"])))
        for m in json.loads(results_payload(batch.results) or "[]")
    ]
    letters = json.loads(dead_letter_payload(records, batch.rejects) or "[]")
    captured.texts.append(json.dumps(letters))
    return answers, letters, decoder


def _status(value: dict[str, str]) -> tuple[str, str]:
    return value["status"], value["error_message"]


@FUZZ
@given(values=batches)
@example(values=[encoded({"id": "42\x00x", "account_id": "a", "amount": 10}), None])
@example(values=[b'{"id": "s\\ud800", "account_id": "a", "amount": 10}'])
@example(values=[b'{"id": "t", "account_id": "a", "amount": ' + b"9" * 4301 + b"}"])
@example(values=[b'{"id": "t", "account_id": "a", "amount": 1e3}', b"[" * 100_000])
@example(values=[encoded({"id": "t", "account_id": "a", "credit_card_number": "4" * 60_000})])
def test_hostile_batches_are_answered_or_refused_and_never_leak_card_data(
    fuzz_bank: SqlBank2, values: list[bytes | None]
) -> None:
    _empty(fuzz_bank)
    records = _records(values)
    captured = _Captured()
    root = logging.getLogger()
    root.addHandler(captured)
    try:
        answers, letters, decoder = _deliver(fuzz_bank, records, captured)
        dump, stored, rejected = _dump(fuzz_bank)
        again, letters_again, redelivery = _deliver(fuzz_bank, records, captured)
    finally:
        root.removeHandler(captured)

    # Every message: answered with its stored outcome, recorded as unanswerable, or skipped.
    decided_ids = []
    for record in records:
        decoded = decoder.decoded[record.offset]
        if isinstance(decoded, Transaction):
            decided_ids.append(decoded.id)
        elif isinstance(decoded, Unanswerable):
            assert record.offset in rejected
        else:
            assert record.value is None
    assert [key for key, _, _ in answers] == list(dict.fromkeys(decided_ids))
    # Nothing published that is not stored, exactly so; the redelivery answers the same.
    for key, status, message in answers:
        assert stored[key] == (status, message or None)
    assert again == answers
    assert _dump(fuzz_bank)[1:] == (stored, rejected)
    assert len(letters) == len(letters_again) == len(rejected)
    # No card data in the database, the logs or the dead letters.
    published = json.dumps(answers)
    everything = "\n".join([dump, published, *captured.texts])
    for secret in SECRETS:
        assert secret not in everything
    if not any(CVV in text for text in map(str, decided_ids)):
        assert f"'{CVV}'" not in dump
        assert f'"{CVV}"' not in "\n".join(captured.texts)
    # No message costs more than a few milliseconds (one over the bound is timed again).
    for record, seconds in [*decoder.seconds.items(), *redelivery.seconds.items()]:
        best = cost(seconds, partial(_timed, record), MAX_SECONDS)
        assert best < MAX_SECONDS, f"{best * 1000:.1f} ms for {len(record.value or b'')} bytes"


def _at_the_limit(unit: bytes) -> bytes:
    head = encoded({"id": "t-1", "account_id": "a", "amount": "10.00"})[:-1] + b', "pad": ['
    count = (MAX_TRANSACTION_BYTES - len(head) - 3) // len(unit)
    return head + unit * count + b"1]}"


@pytest.mark.parametrize(
    "value",
    [
        _at_the_limit(b"1,"),
        _at_the_limit(b"1.1,"),
        _at_the_limit(b"1e5,"),
        _at_the_limit(b'{"a":1},'),
        _at_the_limit(b"9" * 4300 + b","),
        _at_the_limit(b'"\\u0041\\ud800",'),
        encoded({"id": "t", "account_id": "a", "credit_card_number": "4" * 60_000}),
        encoded({"id": "t" * 60_000, "account_id": "a"}),
        encoded({"id": "t", "account_id": "a", "amount": "1" * 60_000}),
        b"[" * MAX_TRANSACTION_BYTES,
    ],
    ids=[
        "ints",
        "decimals",
        "exponents",
        "objects",
        "4300-digit-ints",
        "escapes",
        "card-number",
        "id",
        "amount",
        "nesting",
    ],
)
def test_the_costliest_messages_at_the_size_limit_decode_in_milliseconds(value: bytes) -> None:
    assert len(value) <= MAX_TRANSACTION_BYTES
    record = StreamRecord("transactions", 0, 0, None, value)
    best = min(_timed(record) for _ in range(3))
    assert best < MAX_SECONDS, f"{best * 1000:.0f} ms"


def _timed(record: StreamRecord) -> float:
    started = time.thread_time()
    decoded = decode_transaction_record(record)
    if isinstance(decoded, Transaction):
        decide(decoded, TODAY)
    return time.thread_time() - started
