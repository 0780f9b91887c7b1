"""Property: however Kafka delivers customers' histories, Bank 2 ends in the same state.

Customers of two producers (our format, and Debezium with PostgreSQL log positions) on two
partitions, with upserts, removals of every kind and changes that break a rule. Any permutation
of the events (versions decide, not arrival), any duplication (producer retries at new offsets,
batches redelivered at the same offsets) and any cut into batches must leave exactly each
customer's newest event applied, as if each were applied once, in order.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from contextlib import closing
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.customers.formats import decode_customer_record
from adapters.customers.store import projection_units
from adapters.engines.urls import open_bank2
from service.customers.projection import CustomerProjection
from service.stream.records import StreamRecord
from service.stream.retries import RetryPolicy
from tests.support import query

NAMES = ["Maria Souza", "João Silva", "Ana Lima"]
PHONES = [("(11) 98765-4321", "+5511987654321"), ("85 3456-7890", "+558534567890")]
STATES = [(None, None), ("SP", "Sudeste"), ("Bahia", "Nordeste")]
REGION_OF_DDD = {"+5511": "Sudeste", "+5585": "Nordeste"}


KINDS = ["upsert", "upsert", "deleted", "inactive", "opt_out", "invalid_phone"]


@st.composite
def customer_event(draw: st.DrawFn, customer_id: str, version: int) -> dict[str, object]:
    """One change of a customer, in the shape-neutral form the test renders per producer."""
    kind = draw(st.sampled_from(KINDS))
    event: dict[str, object] = {"customer_id": customer_id, "version": version, "kind": kind}
    if kind in {"upsert", "invalid_phone"}:
        phone = draw(st.sampled_from(PHONES))[0] if kind == "upsert" else "123"
        event |= {
            "name": draw(st.sampled_from(NAMES)),
            "phone": phone,
            "state": draw(st.sampled_from(STATES))[0],
        }
    return event


def render(event: dict[str, object], shape: str) -> bytes:
    """The event as the customer's producer writes it: our format or a Debezium change."""
    kind = event["kind"]
    if shape == "ours":
        message = {k: v for k, v in event.items() if k != "kind"}
        message |= {
            "deleted": kind == "deleted",
            "status": "I" if kind == "inactive" else "A",
            "telemarketing_opt_out": kind == "opt_out",
        }
        return json.dumps(message).encode()
    row = {
        "id": int(str(event["customer_id"])),
        "name": event.get("name"),
        "phone": event.get("phone"),
        "state": event.get("state"),
        "cpf": "123.456.789-09",
        "status": "I" if kind == "inactive" else "A",
        "telemarketing_opt_out": kind == "opt_out",
    }
    source = {"connector": "postgresql", "ts_ms": 1717000000000, "lsn": event["version"]}
    if kind == "deleted":
        return json.dumps({"op": "d", "before": row, "after": None, "source": source}).encode()
    return json.dumps({"op": "u", "before": None, "after": row, "source": source}).encode()


SHAPE_OF = {"1": "ours", "2": "debezium", "3": "ours", "4": "debezium"}
PARTITION_OF = {"1": 0, "2": 1, "3": 1, "4": 0}  # a producer keys by customer: one partition each


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, object]]:
    events: list[dict[str, object]] = []
    for customer in SHAPE_OF:
        length = draw(st.integers(min_value=1, max_value=4))
        versions = sorted(draw(st.sets(st.integers(1, 1000), min_size=length, max_size=length)))
        events += [draw(customer_event(customer, version)) for version in versions]
    return events


def expected_state(history: Sequence[dict[str, object]]) -> dict[str, tuple[object, ...]]:
    newest: dict[str, dict[str, object]] = {}
    for event in history:
        customer = str(event["customer_id"])
        held = newest.get(customer)
        if held is None or int(str(event["version"])) > int(str(held["version"])):
            newest[customer] = event
    state: dict[str, tuple[object, ...]] = {}
    for customer, event in newest.items():
        if event["kind"] != "upsert":  # removed, or withdrawn by an invalid newest change
            continue
        e164 = dict(PHONES)[str(event["phone"])]
        region = dict(STATES)[event["state"]] or REGION_OF_DDD[e164[:5]]  # type: ignore[index]
        state[customer] = (event["name"], e164, region)
    return state


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[list[int]], list[int]]:
    """A history, its delivery order with duplicates, and batch cuts with some redelivered."""
    history = draw(histories())
    order = draw(st.permutations(range(len(history))))
    duplicates = draw(st.lists(st.sampled_from(range(len(history))), max_size=4))
    delivered = list(order)
    for index in duplicates:
        delivered.insert(draw(st.integers(0, len(delivered))), index)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(delivered) - 1)), max_size=4)))
    bounds = [0, *cuts, len(delivered)]
    batches = [delivered[a:b] for a, b in pairwise(bounds) if a < b]
    replays = draw(st.lists(st.integers(0, len(batches) - 1), max_size=2))
    return history, batches, replays


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deliveries())
def test_any_order_duplication_and_batching_ends_in_the_same_state(
    delivery: tuple[list[dict[str, object]], list[list[int]], list[int]],
) -> None:
    history, batches, replays = delivery
    with closing(open_bank2("sqlite:///:memory:")) as bank2:
        projection = CustomerProjection(
            projection_units(bank2),
            decode_customer_record,
            "property",
            retry=RetryPolicy(attempts=1),
        )
        next_offset = {0: 0, 1: 0}
        records_by_batch: list[list[StreamRecord]] = []
        for batch in batches:
            records = []
            for index in batch:
                event = history[index]
                customer = str(event["customer_id"])
                partition = PARTITION_OF[customer]
                value = render(event, SHAPE_OF[customer])
                records.append(
                    StreamRecord("customers", partition, next_offset[partition], None, value)
                )
                next_offset[partition] += 1
            records_by_batch.append(records)
        for number, records in enumerate(records_by_batch):
            projection.handle(records)
            if number in replays:  # redelivered after a rebalance: same offsets again
                projection.handle(records)

        rows = query(bank2, "SELECT customer_id, name, phone, region FROM telesales_contacts")
        assert {str(row[0]): tuple(row[1:]) for row in rows} == expected_state(history)
