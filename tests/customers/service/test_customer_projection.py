"""The customer projection service on a real SQLite Bank 2, with the real message decoders."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.customers.formats import decode_customer_record
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from domain.customers.reasons import RejectReason
from service.customers.projection import CustomerProjection
from service.customers.summary import BatchSummary
from service.stream.errors import TransientStoreError
from service.stream.records import StreamRecord
from service.stream.retries import RetryPolicy
from tests.support import FlakyUnitOfWork, query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=3, first_delay_s=0.0, max_delay_s=0.0, budget_s=10.0)


def event(customer_id: str, version: int, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "customer_id": customer_id,
        "version": version,
        "name": f"Cliente {customer_id}",
        "phone": "(11) 98765-4321",
        "state": "SP",
        "cpf": "123.456.789-09",
        "email": f"cliente{customer_id}@example.com.br",
    }
    return base | fields


class Topic:
    """Appends messages to one partition, numbering offsets as Kafka does."""

    def __init__(self, name: str = "customers", partition: int = 0) -> None:
        self.name, self.partition, self.next_offset = name, partition, 0

    def records(self, *values: dict[str, object] | bytes | None) -> list[StreamRecord]:
        out = []
        for value in values:
            raw = json.dumps(value).encode() if isinstance(value, dict) else value
            out.append(StreamRecord(self.name, self.partition, self.next_offset, None, raw))
            self.next_offset += 1
        return out


@pytest.fixture
def projection(bank2: SqlBank2) -> CustomerProjection:
    return CustomerProjection(
        projection_units(bank2),
        decode_customer_record,
        "telesales",
        retry=NO_WAIT,
        clock=lambda: NOW,
    )


def contacts(bank: SqlBank2) -> dict[str, tuple[object, ...]]:
    rows = query(bank, "SELECT customer_id, name, phone, region FROM telesales_contacts")
    return {str(row[0]): row[1:] for row in rows}


def test_a_batch_becomes_contacts_with_name_phone_and_region(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic()
    summary = projection.handle(
        topic.records(event("1", 1), event("2", 1, phone="+55 21 2345-6789", state=None))
    )
    assert contacts(bank2) == {
        "1": ("Cliente 1", "+5511987654321", "Sudeste"),
        "2": ("Cliente 2", "+552123456789", "Sudeste"),
    }
    assert (summary.events, summary.upserted, summary.rejected_total) == (2, 2, 0)


def test_a_redelivered_batch_is_counted_as_duplicates_and_changes_nothing(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    batch = Topic().records(event("1", 1), b"not json", event("2", 1, deleted=True))
    first = projection.handle(batch)
    again = projection.handle(batch)
    assert (first.upserted, first.removed, first.rejected_total) == (1, 1, 1)
    assert (again.duplicates, again.upserted, again.removed, again.rejected_total) == (3, 0, 0, 0)
    assert contacts(bank2) == {"1": ("Cliente 1", "+5511987654321", "Sudeste")}
    assert query(bank2, "SELECT count(*) FROM rejected_messages") == [(1,)]


def test_only_the_newest_event_of_a_customer_in_a_batch_is_written(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    summary = projection.handle(
        Topic().records(event("1", 3, name="Newest"), event("1", 1, name="Old"), event("1", 2))
    )
    assert contacts(bank2)["1"][0] == "Newest"
    assert (summary.upserted, summary.superseded) == (1, 2)


def test_an_event_older_than_bank2_is_stale(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic()
    projection.handle(topic.records(event("1", 5, name="Current")))
    summary = projection.handle(topic.records(event("1", 4, name="Late")))
    assert summary.stale == 1
    assert contacts(bank2)["1"][0] == "Current"


@pytest.mark.parametrize(
    "removal",
    [{"deleted": True}, {"status": "I"}, {"telemarketing_opt_out": True}],
    ids=["deleted", "inactive", "opted-out"],
)
def test_a_removed_customer_disappears_in_the_same_batch(
    projection: CustomerProjection, bank2: SqlBank2, removal: dict[str, object]
) -> None:
    summary = projection.handle(Topic().records(event("1", 1), event("1", 2, **removal)))
    assert contacts(bank2) == {}
    assert summary.removed == 1


def test_bad_messages_are_rejected_with_their_coordinates_and_the_batch_goes_on(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic(partition=3)
    summary = projection.handle(
        topic.records(
            b"{broken",
            {"foo": 1},
            event("1", 1, phone="98765-4321"),
            event("2", 1, name="   "),
            event("3", 1),
        )
    )
    assert summary.rejected == {
        RejectReason.MALFORMED_JSON: 1,
        RejectReason.UNKNOWN_FORMAT: 1,
        RejectReason.INVALID_PHONE: 1,
        RejectReason.INVALID_NAME: 1,
    }
    assert list(contacts(bank2)) == ["3"]
    assert query(
        bank2,
        "SELECT topic, kafka_partition, kafka_offset, reason FROM rejected_messages ORDER BY 3",
    ) == [
        ("customers", 3, 0, "malformed_json"),
        ("customers", 3, 1, "unknown_format"),
        ("customers", 3, 2, "invalid_phone"),
        ("customers", 3, 3, "invalid_name"),
    ]


def test_a_tombstone_is_acknowledged_and_skipped(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic()
    summary = projection.handle(topic.records(None))
    assert (summary.skipped, summary.rejected_total) == (1, 0)
    assert projection.handle(topic.records(None, event("1", 1))).duplicates == 0
    assert query(bank2, "SELECT last_offset FROM consumer_offsets") == [(2,)]


def test_sql_statements_per_batch_do_not_grow_with_the_batch(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic()
    costs = []
    for size in (1, 50, 2000):
        before = bank2.statements_executed
        projection.handle(
            topic.records(*(event(str(n), topic.next_offset + 1) for n in range(size)))
        )
        costs.append(bank2.statements_executed - before)
    assert costs[1] == costs[2]
    assert costs[2] <= 8


def test_a_short_outage_is_retried_and_the_batch_lands(bank2: SqlBank2) -> None:
    flaky = FlakyUnitOfWork(projection_units(bank2), failures=2)
    projection = CustomerProjection(flaky, decode_customer_record, "g", retry=NO_WAIT)
    summary: BatchSummary = projection.handle(Topic().records(event("1", 1)))
    assert summary.upserted == 1
    assert list(contacts(bank2)) == ["1"]


def test_a_lasting_outage_fails_the_batch_and_writes_nothing(bank2: SqlBank2) -> None:
    flaky = FlakyUnitOfWork(projection_units(bank2), failures=3)
    projection = CustomerProjection(flaky, decode_customer_record, "g", retry=NO_WAIT)
    with pytest.raises(TransientStoreError):
        projection.handle(Topic().records(event("1", 1)))
    assert contacts(bank2) == {}
    assert query(bank2, "SELECT count(*) FROM consumer_offsets") == [(0,)]


def test_a_newer_change_that_breaks_a_rule_withdraws_the_contact(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    topic = Topic()
    projection.handle(topic.records(event("1", 1), event("2", 5)))
    summary = projection.handle(
        topic.records(event("1", 2, phone="+1 212 555 0100"), event("2", 4, phone="123"))
    )
    # Customer 1's newest data is not callable: telesales must not keep calling the old number.
    # Customer 2's invalid change is older than what Bank 2 holds: nothing changes.
    assert list(contacts(bank2)) == ["2"]
    assert summary.rejected == {RejectReason.INVALID_PHONE: 2}
    assert (summary.withdrawn, summary.removed, summary.stale) == (1, 0, 1)
    projection.handle(topic.records(event("1", 3)))
    assert sorted(contacts(bank2)) == ["1", "2"]


def test_debezium_changes_in_the_same_millisecond_apply_in_offset_order(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    def change(phone: str) -> dict[str, object]:
        row = {"id": 9, "name": "Ana", "phone": phone, "state": "SP", "status": "A"}
        return {"op": "u", "after": row, "source": {"connector": "mysql", "ts_ms": 1717000000000}}

    topic = Topic()
    projection.handle(topic.records(change("(11) 98765-4321"), change("(21) 98765-4321")))
    assert contacts(bank2)["9"][1] == "+5521987654321"
    projection.handle(topic.records(change("(31) 98765-4321")))
    assert contacts(bank2)["9"][1] == "+5531987654321"
