"""SQLite as Bank 2: the connection settings that the delivery guarantee depends on."""

from __future__ import annotations

from pathlib import Path

from adapters.bank2.urls import open_bank2
from tests.support import query

_SYNCHRONOUS_FULL = 2


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
