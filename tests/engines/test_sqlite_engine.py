"""SQLite as Bank 2: the connection settings that the delivery guarantee depends on."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from adapters.customers.sql import sqlite as sqlite_sql
from adapters.customers.sql.sqlite import PROBING_SQL
from adapters.customers.store import projection_unit_of_work
from adapters.engines.urls import open_bank2
from tests.customers.builders import NOW, contact, v
from tests.support import query

_SYNCHRONOUS_FULL = 2
_TEMP_STORE_MEMORY = 2


def test_a_committed_batch_is_on_disk_before_the_function_returns(tmp_path: Path) -> None:
    # The host commits the Kafka offset once the function returns. WAL with synchronous=NORMAL
    # may roll a committed transaction back after a power cut: that batch would be lost, its
    # offset passed. FULL syncs the WAL at every commit (one sync per batch, not per event).
    bank2 = open_bank2(f"sqlite:///{tmp_path / 'bank2.db'}")
    try:
        assert query(bank2, "PRAGMA journal_mode") == [("wal",)]
        assert query(bank2, "PRAGMA synchronous") == [(_SYNCHRONOUS_FULL,)]
    finally:
        bank2.close()


def test_a_new_bank2_writes_small_pages_and_checkpoints_seldom(tmp_path: Path) -> None:
    # Random upserts dirty one page per row: 1 KiB pages write a quarter of what 4 KiB ones do,
    # and a page rewritten by many batches reaches the database file once per checkpoint.
    bank2 = open_bank2(f"sqlite:///{tmp_path / 'bank2.db'}")
    try:
        assert query(bank2, "PRAGMA page_size") == [(1024,)]
        assert query(bank2, "PRAGMA wal_autocheckpoint") == [(10_000,)]
    finally:
        bank2.close()


def _bytes_written() -> int:
    with Path("/proc/self/io").open() as io:
        return next(int(line.split()[1]) for line in io if line.startswith("wchar:"))


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="reads Linux's /proc/self/io")
def test_a_batch_writes_its_wal_and_no_temporary_file(tmp_path: Path) -> None:
    # A multi-row upsert inside a transaction keeps a statement journal of the pages it changes;
    # SQLite spills it to a temporary file past 64 KiB unless temporary storage is in memory.
    # Then the bytes a batch writes are its WAL frames, and no name or phone reaches /var/tmp.
    path = tmp_path / "bank2.db"
    wal = tmp_path / "bank2.db-wal"
    bank2 = open_bank2(f"sqlite:///{path}")
    ids = [str(number) for number in range(3_000)]
    try:
        assert query(bank2, "PRAGMA temp_store") == [(_TEMP_STORE_MEMORY,)]
        with projection_unit_of_work(bank2) as uow:
            uow.store.write_contacts([contact(i, 1) for i in ids], NOW)
            uow.commit()
        wal_before, written_before = wal.stat().st_size, _bytes_written()
        with projection_unit_of_work(bank2) as uow:  # every row updated: its pages journaled
            assert len(uow.store.write_contacts([contact(i, 2) for i in ids], NOW).customer_ids)
            uow.commit()
        written = _bytes_written() - written_before
        wal_grown = wal.stat().st_size - wal_before
    finally:
        bank2.close()

    assert wal_grown > 100 * 1024  # hundreds of pages: well past the 64 KiB spill threshold
    assert written < wal_grown * 1.1  # the WAL's frames, and nothing besides


def test_before_sqlite_3_35_versions_are_read_first_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite before 3.35 has no RETURNING: the store reads the stored versions (through the
    # primary key), then sends only the newer changes.
    monkeypatch.setattr(sqlite_sql, "SQL", PROBING_SQL)
    bank2 = open_bank2(f"sqlite:///{tmp_path / 'bank2.db'}")
    try:
        before = bank2.statements_executed
        with projection_unit_of_work(bank2) as uow:
            assert uow.store.write_contacts(
                [contact("1", 2), contact("2", 1)], NOW
            ).customer_ids == {"1", "2"}
            assert uow.store.write_contacts(
                [contact("1", 1), contact("3", 1)], NOW
            ).customer_ids == {"3"}
            uow.commit()
        # Read the versions, write, ask the lists (the upsert returns no row); twice; commit.
        assert bank2.statements_executed - before == 7
        assert query(bank2, "SELECT customer_id, version FROM contact_state ORDER BY 1") == [
            ("1", v(2).key),
            ("2", v(1).key),
            ("3", v(1).key),
        ]
        with closing(sqlite3.connect(tmp_path / "bank2.db")) as reader:
            probe = "EXPLAIN QUERY PLAN " + (
                PROBING_SQL.stored_versions.sql if PROBING_SQL.stored_versions else ""
            )
            plan = str(reader.execute(probe, ('["1", "2"]',)).fetchall())
        # SQLite before 3.36 words it "SEARCH TABLE contact_state", "SCAN TABLE contact_state".
        assert re.search(r"SEARCH (TABLE )?contact_state USING (COVERING )?INDEX", plan)
        assert not re.search(r"SCAN (TABLE )?contact_state", plan)
    finally:
        bank2.close()
