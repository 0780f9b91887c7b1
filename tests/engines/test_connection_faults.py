"""Faults on real servers: the connection is killed in the middle of a batch.

For every statement of a batch (the commit included), a run kills the writer's session from an
admin connection just before that statement is sent (``pg_terminate_backend`` on PostgreSQL,
``KILL`` on MariaDB). The batch must then commit whole or not at all, the retry on a fresh
connection must succeed, and the final Bank 2 must equal the fault-free run's: nothing lost,
nothing doubled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.customers.formats import decode_customer_record
from adapters.customers.sql import projection_sql
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from adapters.engines.urls import open_bank2
from service.customers.projection import CustomerProjection
from service.stream.records import StreamRecord
from service.stream.retries import RetryPolicy
from tests.databases import MYSQL_ADMIN_URL, POSTGRES_ADMIN_URL, database_url
from tests.support import query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
BATCHES = 4
BATCH_SIZE = 30


def _workload() -> list[list[StreamRecord]]:
    """Batches with upserts, updates, removals, rejects, stale events and a redelivery."""
    batches = []
    offset = 0
    for number in range(BATCHES):
        records = []
        for i in range(BATCH_SIZE):
            customer = str((number * 7 + i) % 25)
            event: dict[str, object] = {
                "customer_id": customer,
                "version": number * 100 + (i if i % 9 else 1),
                "name": f"Cliente {customer} lote {number}",
                "phone": f"(11) 9{8000 + i:04d}-{number:04d}",
                "state": "SP",
            }
            if i % 11 == 5:
                event["deleted"] = True
            value = b"not json" if i % 13 == 7 else json.dumps(event).encode()
            records.append(StreamRecord("customers", i % 2, offset, None, value))
            offset += 1
        batches.append(records)
    batches.insert(2, batches[1])  # redelivered after a rebalance
    return batches


def _snapshot(bank: SqlBank2) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "contacts": query(bank, "SELECT * FROM telesales_contacts ORDER BY customer_id"),
        "state": query(
            bank,
            "SELECT customer_id, version, name, phone, region, removed_at "
            "FROM contact_state ORDER BY customer_id",
        ),
        "offsets": query(
            bank, "SELECT topic, kafka_partition, last_offset FROM consumer_offsets ORDER BY 1, 2"
        ),
        "rejects": query(
            bank,
            "SELECT topic, kafka_partition, kafka_offset, reason FROM rejected_messages "
            "ORDER BY 1, 2, 3",
        ),
    }


def _run(bank: SqlBank2) -> dict[str, list[tuple[Any, ...]]]:
    projection = CustomerProjection(
        projection_units(bank),
        decode_customer_record,
        "telesales",
        retry=RetryPolicy(attempts=3, first_delay_s=0.0, max_delay_s=0.0),
        clock=lambda: NOW,
    )
    for batch in _workload():
        projection.handle(batch)
    return _snapshot(bank)


def _kill_postgres(session_id: int) -> None:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (session_id,))


def _kill_mariadb(session_id: int) -> None:
    from urllib.parse import urlsplit  # noqa: PLC0415

    import pymysql  # noqa: PLC0415

    parts = urlsplit(MYSQL_ADMIN_URL)
    admin = pymysql.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username,
        password=parts.password or "",
        autocommit=True,
    )
    with admin:
        admin.cursor().execute(f"KILL {int(session_id)}")


KILLERS: dict[str, tuple[str, Callable[[int], None]]] = {
    "postgresql": ("SELECT pg_backend_pid()", _kill_postgres),
    "mariadb": ("SELECT CONNECTION_ID()", _kill_mariadb),
}


class SessionKiller:
    """Kills the writer's session just before its n-th statement of one chosen batch."""

    def __init__(self, bank: SqlBank2, engine: str, batch: int, statement: int) -> None:
        self.bank, self.batch, self.statement = bank, batch, statement
        self.session_sql, self.kill = KILLERS[engine]
        self.units_begun = 0
        self.seen = 0
        self.fired = False
        real_unit_of_work, real_count = bank.unit_of_work_for, bank.count_statement

        def unit_of_work(make_store: Any) -> Any:
            self.units_begun += 1
            self.seen = 0
            return real_unit_of_work(make_store)

        def count_statement() -> None:
            self.seen += 1
            if (
                not self.fired
                and self.units_begun == self.batch + 1
                and self.seen == self.statement
            ):
                self.fired = True
                self._kill_current_session()
            real_count()

        bank.unit_of_work_for = unit_of_work  # type: ignore[method-assign]
        bank.count_statement = count_statement  # type: ignore[method-assign]

    def _kill_current_session(self) -> None:
        connection = self.bank._connection  # the live session, to find its id
        assert connection is not None
        cursor = connection.cursor()
        cursor.execute(self.session_sql)
        (session_id,) = cursor.fetchone()
        cursor.close()
        self.kill(int(session_id))


@pytest.fixture(params=sorted(KILLERS))
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fresh_url(engine: str, tmp_path: Path) -> Callable[[], Any]:
    def make() -> Any:
        return database_url(engine, tmp_path)

    return make


def kill_points(bank: SqlBank2) -> list[tuple[int, int]]:
    """(batch, statement) before which to kill: every statement of a first and a later batch."""
    # Offsets, the stored versions where the upsert cannot return what it wrote, contacts,
    # rejects, advance, purge (the first batch only), commit.
    first = 7 if projection_sql(bank.engine.name).stored_versions is not None else 6
    return [(0, n) for n in range(1, first + 1)] + [(3, n) for n in range(1, first)]


def test_killing_the_connection_anywhere_in_a_batch_changes_nothing_in_the_end(
    engine: str, fresh_url: Callable[[], Any]
) -> None:
    with fresh_url() as url:
        bank = open_bank2(url)
        expected = _run(bank)
        points = kill_points(bank)
        bank.close()
    assert expected["contacts"], "the workload must leave contacts behind"
    assert expected["rejects"], "the workload must leave rejects behind"

    for batch, statement in points:
        with fresh_url() as url:
            bank = open_bank2(url)
            killer = SessionKiller(bank, engine, batch, statement)
            actual = _run(bank)
            bank.close()
        assert killer.fired, f"no kill before statement {statement} of batch {batch}"
        assert actual == expected, f"killed before statement {statement} of batch {batch}"
