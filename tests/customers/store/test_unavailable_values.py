"""Partial updates on every engine: a placeholder keeps what Bank 2 holds, and is never data.

Debezium sends its unavailable-value placeholder for a column it does not have in an event: a
PostgreSQL TOASTed column an update did not change (REPLICA IDENTITY DEFAULT: no before image),
a SQL Server ``varchar(max)`` column an update did not touch. Each case runs real message shapes,
with and without the schema wrapper, through the decoder and service into Bank 2 on every engine.
"""

from __future__ import annotations

import pytest

from adapters.engines.database import SqlBank2
from tests import debezium_postgres as pg
from tests.support import query

PLACEHOLDER = "__debezium_unavailable_value"
OMITTED = {"name": PLACEHOLDER}
_lsn = iter(range(24_100_000, 25_000_000, 100))


@pytest.fixture
def bank2(engine_bank2: SqlBank2) -> SqlBank2:
    return engine_bank2


@pytest.fixture(params=[False, True], ids=["payload", "schema-wrapped"])
def topic(request: pytest.FixtureRequest, bank2: SqlBank2) -> pg.CustomerTopic:
    return pg.CustomerTopic(bank2, wrapped=request.param)


def created(**fields: object) -> dict[str, object]:
    return pg.envelope("c", pg.source(lsn=next(_lsn), tx_id=600), after=pg.row(42, **fields))  # type: ignore[arg-type]


def updated(**fields: object) -> dict[str, object]:
    """An update whose image holds the placeholder where a field is PLACEHOLDER."""
    image = pg.row(42) | fields
    return pg.envelope("u", pg.source(lsn=next(_lsn), tx_id=601), after=image)


def test_a_phone_change_keeps_the_name_bank2_holds(topic: pg.CustomerTopic) -> None:
    topic.deliver(created(name="Maria Souza", phone="(27) 99999-0000"))
    summary = topic.deliver(updated(name=PLACEHOLDER, phone="(27) 98888-7777"))

    assert summary.upserted == 1
    assert topic.contacts() == [("42", "Maria Souza", "+5527988887777", "Sudeste")]


def test_a_name_change_keeps_the_phone_bank2_holds(topic: pg.CustomerTopic) -> None:
    topic.deliver(created(name="Maria Souza", phone="(27) 99999-0000"))
    topic.deliver(updated(name="Maria S. Lima", phone=PLACEHOLDER))

    assert topic.contacts() == [("42", "Maria S. Lima", "+5527999990000", "Sudeste")]


def test_a_state_left_out_keeps_deciding_the_region_if_it_decided_it(
    topic: pg.CustomerTopic,
) -> None:
    topic.deliver(created(phone="(27) 99999-0000", state="RS"))  # Sul, though the DDD says Sudeste
    topic.deliver(updated(phone="(85) 3456-7890", state=PLACEHOLDER))

    assert topic.contacts() == [("42", "Maria Souza", "+558534567890", "Sul")]


def test_a_state_left_out_lets_a_new_phone_move_the_region_if_the_phone_decided_it(
    topic: pg.CustomerTopic,
) -> None:
    topic.deliver(created(phone="(27) 99999-0000", state=None))  # Sudeste, from the DDD
    topic.deliver(updated(phone="(85) 3456-7890", state=PLACEHOLDER))

    assert topic.contacts() == [("42", "Maria Souza", "+558534567890", "Nordeste")]


def test_a_change_and_its_update_in_one_batch_merge(topic: pg.CustomerTopic) -> None:
    summary = topic.deliver(
        created(name="Maria Souza", phone="(27) 99999-0000"),
        updated(name=PLACEHOLDER, phone="(27) 98888-7777", state=PLACEHOLDER),
    )

    assert (summary.upserted, summary.superseded) == (1, 1)
    assert topic.contacts() == [("42", "Maria Souza", "+5527988887777", "Sudeste")]


def test_a_removal_needs_nothing_from_bank2(topic: pg.CustomerTopic) -> None:
    topic.deliver(created())
    omitted = {"name": PLACEHOLDER, "phone": PLACEHOLDER, "state": PLACEHOLDER}
    summary = topic.deliver(updated(**omitted, telemarketing_opt_out=True))

    assert summary.removed == 1
    assert topic.contacts() == []


def test_with_no_contact_to_keep_from_the_change_is_refused_and_withdraws_nothing(
    topic: pg.CustomerTopic, bank2: SqlBank2
) -> None:
    # An update that changes the primary key reaches Debezium as a delete and a create; with
    # REPLICA IDENTITY DEFAULT that create may carry the placeholder.
    summary = topic.deliver(created(name=PLACEHOLDER))

    assert summary.rejected == {"unavailable_value": 1}
    assert summary.upserted == summary.withdrawn == 0
    assert topic.contacts() == []
    assert query(bank2, "SELECT COUNT(*) FROM contact_state") == [(0,)]
    assert query(bank2, "SELECT kafka_offset, reason FROM rejected_messages") == [
        (0, "unavailable_value")
    ]


def test_a_removed_customer_stays_removed(topic: pg.CustomerTopic) -> None:
    topic.deliver(created())
    topic.deliver(updated(status="I"))
    # Reactivated, but the update does not say the name: there is nobody to call yet.
    summary = topic.deliver(updated(status="A", name=PLACEHOLDER))

    assert summary.rejected == {"unavailable_value": 1}
    assert topic.contacts() == []
    topic.deliver(updated(status="A", name="Maria Souza"))  # a complete change brings her back
    assert [row[1] for row in topic.contacts()] == ["Maria Souza"]


def test_a_field_the_update_gives_that_breaks_a_rule_withdraws_the_contact(
    topic: pg.CustomerTopic,
) -> None:
    topic.deliver(created())
    summary = topic.deliver(updated(name=PLACEHOLDER, phone="98765-XXXX"))

    assert summary.rejected == {"invalid_phone": 1}
    assert summary.withdrawn == 1
    assert topic.contacts() == []


def test_the_placeholder_is_never_stored(topic: pg.CustomerTopic, bank2: SqlBank2) -> None:
    topic.deliver(created())
    for fields in (OMITTED, {"phone": PLACEHOLDER}, {"state": PLACEHOLDER}):
        topic.deliver(updated(**fields))
    topic.deliver(created(name=PLACEHOLDER))
    stored = query(bank2, "SELECT * FROM contact_state") + query(
        bank2, "SELECT * FROM rejected_messages"
    )

    assert stored
    assert PLACEHOLDER not in repr(stored)


def test_a_batch_with_an_update_costs_one_statement_more(bank2: SqlBank2) -> None:
    topic = pg.CustomerTopic(bank2)
    topic.deliver(created())
    before = bank2.statements_executed
    topic.deliver(created(name="Maria Souza"))
    complete = bank2.statements_executed - before
    before = bank2.statements_executed
    topic.deliver(updated(**OMITTED))
    assert bank2.statements_executed - before == complete + 1


def test_a_removal_decided_by_one_flag_applies_when_the_other_is_left_out(
    topic: pg.CustomerTopic,
) -> None:
    topic.deliver(created())
    summary = topic.deliver(updated(status="I", telemarketing_opt_out=PLACEHOLDER))
    assert summary.removed == 1
    assert topic.contacts() == []
    topic.deliver(created(name="Maria Souza"))  # back, complete
    topic.deliver(updated(status=PLACEHOLDER, telemarketing_opt_out=True))
    assert topic.contacts() == []


def test_a_removal_and_a_refused_update_in_one_batch(topic: pg.CustomerTopic) -> None:
    # Bank 2 holds the contact; the batch removes it, then reactivates it without its name.
    topic.deliver(created())
    summary = topic.deliver(updated(status="I"), updated(status="A", name=PLACEHOLDER))

    assert (summary.removed, summary.superseded) == (1, 0)
    assert summary.rejected == {"unavailable_value": 1}
    assert topic.contacts() == []
