"""Hostile customer messages on every engine: none writes another customer or stalls the stream.

Each message goes through the real decoder and service into Bank 2 on SQLite, PostgreSQL and
MariaDB, after a valid contact for customer 42. A message the rules refuse is recorded as a
reject, the batch commits, and customer 42 is exactly as it was.
"""

from __future__ import annotations

import itertools
import time

import orjson
import pytest

from adapters.customers.formats import CustomerDecoder
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from service.customers.projection import CustomerProjection
from service.stream.records import StreamRecord
from tests.support import query

CUSTOMER_42 = {"CD_CLIENTE": "42", "NM_CLIENTE": "Maria Souza", "TEL_CLIENTE": "27988556137"}
SHOWN_42 = [("42", "Maria Souza", "+5527988556137")]


_offsets = itertools.count()


def deliver(bank2: SqlBank2, *messages: object) -> dict[str, int]:
    """One batch of these messages, at the next offsets; the rejects it counted, by reason."""
    projection = CustomerProjection(projection_units(bank2), CustomerDecoder(), "telesales")
    records = [
        StreamRecord("customers", 0, next(_offsets), None, orjson.dumps(message))
        for message in messages
    ]
    summary = projection.handle(records)
    return {str(reason): count for reason, count in summary.rejected.items()}


def shown(bank2: SqlBank2) -> list[tuple[object, ...]]:
    return query(bank2, "SELECT customer_id, name, phone FROM telesales_contacts ORDER BY 1")


@pytest.mark.parametrize(
    "customer_id",
    [
        "42\u0000evil",
        "42\u0000",
        "\u00004\u00002",
        "42\u0007",
        "42\u001b[0m",
        "42\u200b",
        "42\u0085",
    ],
)
def test_an_id_with_a_control_or_invisible_character_never_reaches_another_customer(
    engine_bank2: SqlBank2, customer_id: str
) -> None:
    deliver(engine_bank2, CUSTOMER_42)
    replaced = {"CD_CLIENTE": customer_id, "NM_CLIENTE": "Evil", "TEL_CLIENTE": "11987654321"}
    removed = {"CD_CLIENTE": customer_id, "STATUS": "I"}
    debezium = {
        "op": "d",
        "source": {"connector": "postgresql", "lsn": 99},
        "before": {"id": customer_id},
    }
    rejected = deliver(engine_bank2, replaced, removed, {"customer_id": customer_id, "version": 9})
    rejected_too = deliver(engine_bank2, debezium)

    assert rejected == {"invalid_customer_id": 3}
    assert rejected_too == {"invalid_customer_id": 1}
    assert shown(engine_bank2) == SHOWN_42


def test_huge_and_expanding_fields_cost_milliseconds_and_change_nothing(
    engine_bank2: SqlBank2,
) -> None:
    deliver(engine_bank2, CUSTOMER_42)
    expanding = "\ufdfa" * 300_000  # 18 characters each once decomposed (NFKD)
    messages = [
        {"customer_id": "42", "version": 9, "name": "Ana", "phone": "11987654321", "state": s}
        for s in (expanding, expanding + "x", "S" + " " * 900_000 + "P")
    ] + [
        {"customer_id": "42", "version": 9, "name": expanding, "phone": "11987654321"},
        {"customer_id": "42", "version": 9, "name": "a" + "\u0301" * 400_000, "phone": "1"},
    ]
    started = time.perf_counter()
    rejected = deliver(engine_bank2, *messages)
    per_message = (time.perf_counter() - started) / len(messages)

    assert rejected == {"invalid_state": 3, "invalid_name": 2}
    # Each refused at once: not the second that folding a 1 MiB state took.
    assert per_message < 0.05
    # They were rule-breaking changes of customer 42: its contact is withdrawn, not replaced.
    assert shown(engine_bank2) == []


def test_the_longest_id_and_name_the_rules_accept_are_stored_exactly(
    engine_bank2: SqlBank2,
) -> None:
    # Outside the Basic Multilingual Plane: two UTF-16 code units each on SQL Server.
    customer_id = "\U0001d4d2" * 64
    name = "\U0001d4d0" * 120
    message = {"customer_id": customer_id, "version": 1, "name": name, "phone": "11987654321"}
    assert deliver(engine_bank2, message) == {}
    assert query(engine_bank2, "SELECT customer_id, name FROM telesales_contacts") == [
        (customer_id, name)
    ]
