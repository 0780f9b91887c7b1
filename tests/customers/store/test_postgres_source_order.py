"""Debezium PostgreSQL sources: Bank 2 follows the commit order, the snapshot included.

A snapshot row carries the snapshot's start position, and a change from a transaction that was
still open when the snapshot started is streamed after that row with its own position, which can
be at or below the snapshot's. The PostgreSQL connector's own documentation shows it: its create
example (a snapshot row, txId 555, lsn 24023128) and its update example (txId 556) carry the same
lsn. Each sequence here runs through the real decoder and service into Bank 2 on every engine,
the events with and without the Connect schema wrapper, one batch per delivery.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.customers.store import projection_unit_of_work
from adapters.engines.database import SqlBank2
from domain.customers.changes import Removal
from domain.customers.versions import Version, VersionScheme
from tests import debezium_postgres as pg

CUSTOMER = 42
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SNAPSHOT = pg.DOC_LSN


@pytest.fixture
def bank2(engine_bank2: SqlBank2) -> SqlBank2:
    return engine_bank2


@pytest.fixture(params=[False, True], ids=["payload", "schema-wrapped"])
def wrapped(request: pytest.FixtureRequest) -> bool:
    wrapped: bool = request.param
    return wrapped


class Topic(pg.CustomerTopic):
    def contact(self) -> list[tuple[object, ...]]:
        return [(name, phone) for _, name, phone, _ in self.contacts()]


def snapshot_row(**fields: object) -> dict[str, object]:
    # The documentation's create example: a snapshot row (its op reads "c"; real rows read "r").
    source = pg.source(lsn=SNAPSHOT, tx_id=555, snapshot=True, last_commit=24023119)
    return pg.envelope("c", source, after=pg.row(CUSTOMER, **fields))  # type: ignore[arg-type]


def streamed(op: str, lsn: int, tx_id: int, **fields: object) -> dict[str, object]:
    # Streamed changes carry snapshot "false"; the first transaction after a snapshot has no
    # last commit in its sequence.
    source = pg.source(lsn=lsn, tx_id=tx_id, snapshot="false")
    image = pg.row(CUSTOMER, **fields)  # type: ignore[arg-type]
    if op == "d":
        return pg.envelope("d", source, before={"id": CUSTOMER})
    return pg.envelope(op, source, before=None, after=image)


def test_the_documented_update_with_the_snapshot_s_lsn_is_applied(
    bank2: SqlBank2, wrapped: bool
) -> None:
    topic = Topic(bank2, wrapped=wrapped)
    topic.deliver(snapshot_row(phone="(27) 99999-0000"))
    summary = topic.deliver(streamed("u", SNAPSHOT, 556, phone="(27) 98888-7777"))

    assert summary.upserted == 1
    assert summary.stale == 0
    assert topic.contact() == [("Maria Souza", "+5527988887777")]


def test_a_delete_from_a_transaction_open_across_the_snapshot_removes_the_customer(
    bank2: SqlBank2, wrapped: bool
) -> None:
    # Transaction 554 deleted the row before the snapshot started (lsn below the snapshot's)
    # and committed after it: the snapshot still read the row, the delete is streamed later.
    topic = Topic(bank2, wrapped=wrapped)
    topic.deliver(
        pg.envelope(
            "r", pg.source(lsn=SNAPSHOT, tx_id=555, snapshot="first"), after=pg.row(CUSTOMER)
        )
    )
    summary = topic.deliver(streamed("d", SNAPSHOT - 96, 554), None)

    assert summary.removed == 1
    assert topic.contact() == []


def test_an_opt_out_from_a_transaction_open_across_the_snapshot_is_applied(
    bank2: SqlBank2, wrapped: bool
) -> None:
    topic = Topic(bank2, wrapped=wrapped)
    topic.deliver(snapshot_row())
    topic.deliver(streamed("u", SNAPSHOT - 8, 554, opted_out=True))

    assert topic.contact() == []


def test_replays_of_the_snapshot_row_and_of_the_update_change_nothing(
    bank2: SqlBank2, wrapped: bool
) -> None:
    topic = Topic(bank2, wrapped=wrapped)
    update = streamed("u", SNAPSHOT, 556, phone="(27) 98888-7777")
    topic.deliver(snapshot_row(), update)
    # The connector restarts and sends both again, at new offsets: in one batch, then alone.
    replay = topic.deliver(snapshot_row(), update)
    topic.deliver(snapshot_row())
    topic.deliver(update)

    assert replay.upserted == 0
    assert topic.contact() == [("Maria Souza", "+5527988887777")]


def test_replays_never_bring_back_a_customer_deleted_across_the_snapshot(
    bank2: SqlBank2, wrapped: bool
) -> None:
    topic = Topic(bank2, wrapped=wrapped)
    delete = streamed("d", SNAPSHOT - 96, 554)
    topic.deliver(snapshot_row())
    topic.deliver(delete, None)
    for replay in ([snapshot_row()], [delete, None], [snapshot_row(), delete, None]):
        summary = topic.deliver(*replay)
        assert summary.upserted == 0
        assert topic.contact() == []


def test_a_later_streamed_change_still_wins_over_an_earlier_one(
    bank2: SqlBank2, wrapped: bool
) -> None:
    topic = Topic(bank2, wrapped=wrapped)
    topic.deliver(snapshot_row())
    topic.deliver(streamed("u", SNAPSHOT - 96, 554, opted_out=True))
    topic.deliver(streamed("u", pg.DOC_DELETE_LSN, 557, phone="(27) 97777-6666"))
    # The earlier opt-out, sent again after a restart, is older than what Bank 2 holds.
    summary = topic.deliver(streamed("u", SNAPSHOT - 96, 554, opted_out=True))

    assert summary.stale == 1
    assert topic.contact() == [("Maria Souza", "+5527977776666")]


def test_a_later_snapshot_replaces_an_earlier_snapshot_s_row_but_not_a_streamed_change(
    bank2: SqlBank2, wrapped: bool
) -> None:
    later = SNAPSHOT + 1000
    topic = Topic(bank2, wrapped=wrapped)
    topic.deliver(snapshot_row(phone="(27) 99999-0000"))
    topic.deliver(
        pg.envelope(
            "r",
            pg.source(lsn=later, tx_id=600, snapshot="true"),
            after=pg.row(CUSTOMER, phone="(27) 96666-5555"),
        )
    )
    assert topic.contact() == [("Maria Souza", "+5527966665555")]

    topic.deliver(streamed("u", later + 10, 601, phone="(27) 95555-4444"))
    topic.deliver(
        pg.envelope(
            "r",
            pg.source(lsn=later + 500, tx_id=602, snapshot="last"),
            after=pg.row(CUSTOMER, phone="(27) 96666-5555"),
        )
    )
    assert topic.contact() == [("Maria Souza", "+5527955554444")]


def test_versions_stored_before_the_snapshot_rule_still_compare_right(
    bank2: SqlBank2, wrapped: bool
) -> None:
    # Bank 2 written by the code before: an opt-out streamed at lsn 5000, versioned by lsn alone.
    before = Version(VersionScheme.SOURCE_LOG_POSITION, (5000,))
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([Removal(str(CUSTOMER), before)], NOW)
        uow.commit()
    topic = Topic(bank2, wrapped=wrapped)
    # An older change Debezium sends again after the upgrade, and an old snapshot row: stale.
    summary = topic.deliver(streamed("u", 4000, 550, phone="(27) 98888-7777"), snapshot_row())
    assert summary.upserted == 0
    assert topic.contact() == []
    # A newer one applies.
    topic.deliver(streamed("u", 6000, 560, phone="(27) 98888-7777"))
    assert topic.contact() == [("Maria Souza", "+5527988887777")]
