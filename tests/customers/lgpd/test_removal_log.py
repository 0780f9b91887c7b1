"""Proof of erasure: the removal log, written by the real projection on every engine.

Each removal Bank 2 applies (deleted, inactive, opted out, withdrawn by a change that breaks a
rule, kept from telesales by a do-not-call list) appends one row: the customer, the reason, the
change's version and the message it came from. The row holds no name and no phone, is written in
the batch's transaction, and a redelivered batch appends nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.customers.formats import decode_customer_record
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from domain.customers.changes import CustomerChange
from service.customers.projection import CustomerProjection
from service.stream.records import StreamRecord
from service.stream.retries import RetryPolicy
from tests.databases import ENGINES, database_url
from tests.support import columns_of, execute, query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
NO_WAIT = RetryPolicy(attempts=1, first_delay_s=0.0, max_delay_s=0.0, budget_s=1.0)
PHONE = "(11) 98765-4321"


@pytest.fixture(params=ENGINES)
def bank2(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlBank2]:
    with database_url(request.param, tmp_path) as url:
        bank = open_bank2(url)
        yield bank
        bank.close()


@pytest.fixture
def projection(bank2: SqlBank2) -> CustomerProjection:
    return CustomerProjection(
        projection_units(bank2),
        decode_customer_record,
        "telesales",
        retry=NO_WAIT,
        clock=lambda: NOW,
    )


def message(customer_id: str, version: int, **fields: object) -> dict[str, object]:
    return {
        "customer_id": customer_id,
        "version": version,
        "name": f"Cliente {customer_id}",
        "phone": PHONE,
        "state": "SP",
        "cpf": "123.456.789-09",
    } | fields


def batch(*messages: dict[str, object] | bytes, first_offset: int = 0) -> list[StreamRecord]:
    values = [m if isinstance(m, bytes) else json.dumps(m).encode() for m in messages]
    return [
        StreamRecord("customers", 3, first_offset + i, None, value)
        for i, value in enumerate(values)
    ]


def key(change: dict[str, object], offset: int) -> str:
    """The version key the projection derives for this message at this offset."""
    decoded = decode_customer_record(batch(change, first_offset=offset)[0])
    assert isinstance(decoded, CustomerChange)
    return decoded.version.key


def removal_log(bank: SqlBank2) -> list[tuple[object, ...]]:
    rows = query(
        bank,
        "SELECT customer_id, reason, version, topic, kafka_partition, kafka_offset,"
        " list_name FROM removal_log ORDER BY kafka_offset",
    )
    return [(str(r[0]), r[1], r[2], r[3], int(str(r[4])), int(str(r[5])), r[6]) for r in rows]


def telesales(bank: SqlBank2) -> set[str]:
    return {str(row[0]) for row in query(bank, "SELECT customer_id FROM telesales_contacts")}


def test_each_removal_appends_one_row_with_its_reason_version_and_message(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    projection.handle(batch(*(message(c, 1) for c in "1234")))
    removals = [
        message("1", 2, deleted=True),
        message("2", 2, status="I"),
        message("3", 2, telemarketing_opt_out=True),
        message("4", 2, phone="not a phone"),  # breaks a rule: withdrawn
    ]
    summary = projection.handle(batch(*removals, first_offset=4))
    assert (summary.removed, summary.withdrawn) == (3, 1)
    assert removal_log(bank2) == [
        ("1", "deleted", key(removals[0], 4), "customers", 3, 4, None),
        ("2", "inactive", key(removals[1], 5), "customers", 3, 5, None),
        ("3", "opted_out", key(removals[2], 6), "customers", 3, 6, None),
        ("4", "withdrawn", key(removals[3], 7), "customers", 3, 7, None),
    ]
    assert telesales(bank2) == set()


def test_the_log_holds_no_name_and_no_phone(bank2: SqlBank2) -> None:
    assert columns_of(bank2, "removal_log") == [
        "customer_id",
        "reason",
        "version",
        "topic",
        "kafka_partition",
        "kafka_offset",
        "list_name",
        "list_exported_on",
        "applied_at",
    ]


def test_a_redelivered_batch_appends_nothing(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    deletion = message("1", 2, deleted=True)
    removals = batch(message("1", 1), deletion)
    projection.handle(removals)
    summary = projection.handle(removals)  # as after a rebalance
    assert summary.duplicates == 2
    assert removal_log(bank2) == [("1", "deleted", key(deletion, 1), "customers", 3, 1, None)]


def test_a_removal_older_than_what_bank2_holds_appends_nothing(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    projection.handle(batch(message("1", 5)))
    summary = projection.handle(batch(message("1", 4, deleted=True), first_offset=1))
    assert summary.stale == 1
    assert removal_log(bank2) == []
    assert telesales(bank2) == {"1"}


def test_the_last_of_a_customer_s_changes_in_a_batch_is_the_one_logged(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    deletion = message("1", 3, deleted=True)
    summary = projection.handle(batch(message("1", 1), message("1", 2, status="I"), deletion))
    assert (summary.removed, summary.superseded) == (1, 2)
    assert removal_log(bank2) == [("1", "deleted", key(deletion, 2), "customers", 3, 2, None)]


def suppress(bank: SqlBank2) -> None:
    """The phone on a do-not-call list, as a list load leaves it."""
    execute(
        bank,
        "INSERT INTO suppressed_phones (phone, list_name, listed_on, added_in, seen_in)"
        " VALUES ('+5511987654321', 'procon-sp', '2025-06-01', 1, 1)",
    )


def test_a_contact_whose_phone_a_list_holds_is_kept_counted_and_logged_not_shown(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    suppress(bank2)
    listed = message("1", 1)
    summary = projection.handle(batch(listed, message("2", 1, phone="(21) 2345-6789", state="RJ")))
    assert (summary.upserted, summary.suppressed) == (1, 1)
    assert "suppressed=1" in summary.log_line()
    assert telesales(bank2) == {"2"}
    assert removal_log(bank2) == [("1", "do_not_call", key(listed, 0), "customers", 3, 0, None)]
    # Bank 2 keeps the contact: the list no longer holding the phone shows it again, with no
    # new event.
    execute(bank2, "DELETE FROM suppressed_phones")
    assert telesales(bank2) == {"1", "2"}


def test_a_rejected_message_is_recorded_under_the_customer_it_was_about(
    projection: CustomerProjection, bank2: SqlBank2
) -> None:
    projection.handle(batch(message("7", 1, name=""), b"{not json", first_offset=10))
    rows = query(
        bank2,
        "SELECT topic, kafka_partition, kafka_offset, customer_id FROM rejected_message_subjects",
    )
    # The malformed message named nobody that could be read: it has no subject.
    assert [(r[0], int(str(r[1])), int(str(r[2])), str(r[3])) for r in rows] == [
        ("customers", 3, 10, "7")
    ]
