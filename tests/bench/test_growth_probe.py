"""``python -m bench.growth`` says, window by window, what the function cost and wrote, and with
``--pages`` which tables and indexes its commits dirtied, read from a real SQLite WAL."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.wal_pages import frames_by_tree, wal_generation, wal_of

ROOT = Path(__file__).resolve().parents[2]
_SMALL_WINDOWS = ("--window-batches", "2", "--pages", "2")


def _growth(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.growth", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture
def database(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(tmp_path / "bank2.db", isolation_level=None)
    connection.execute("PRAGMA page_size = 1024")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA wal_autocheckpoint = 0")  # checkpoints only when a test says
    connection.execute("CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT)")
    connection.execute("CREATE TABLE offsets (n INTEGER)")
    yield connection
    connection.close()


def _insert(connection: sqlite3.Connection, rows: range) -> None:
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO contacts VALUES (?, ?)", ((f"{i:08d}", "x" * 200) for i in rows)
    )
    connection.execute("COMMIT")


def test_each_frame_is_named_by_the_b_tree_that_owns_its_page(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    before = wal_generation(wal_of(path))

    _insert(database, range(100))  # 200-byte rows on 1 KiB pages: many table pages

    frames, trees = frames_by_tree(path, before)
    assert frames.by_tree["contacts"] >= 20
    assert frames.by_tree["sqlite_autoindex_contacts_1"] >= 1
    assert "offsets" not in frames.by_tree  # not written in the span counted
    assert trees["contacts"].pages >= 20
    assert trees["contacts"].depth == 2  # a root over its leaves
    assert frames.partial is False


def test_a_checkpoint_in_the_span_marks_the_count_partial(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    _insert(database, range(50))
    before = wal_generation(wal_of(path))
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    _insert(database, range(50, 60))

    frames, _ = frames_by_tree(path, before)
    assert frames.partial is True
    assert frames.by_tree["contacts"] >= 1  # what the new generation holds


def test_the_growth_probe_prints_windows_and_the_b_trees_its_commits_dirtied() -> None:
    completed = _growth("--events", "3000", "--customers", "300", *_SMALL_WINDOWS)

    assert completed.returncode == 0, completed.stderr[-2000:]
    lines = completed.stdout.splitlines()
    windows = [line.split() for line in lines if re.match(r"\s+\d+000\s", line)]
    assert [int(window[0]) for window in windows] == [1000, 2000, 3000]
    for window in windows:
        # wall, cpu and write µs, bytes written, read and write calls per event, MB
        assert len(window) == 8
        assert float(window[4]) > 0  # every window's commits wrote
    table = {line.split()[0]: line.split()[1:] for line in lines if line.startswith("  ")}
    pages, depth, first, last = table["contact_state"]
    assert int(pages) > 0
    assert int(depth) >= 1
    assert float(first) > 0
    assert float(last) > 0
    rows = [values for name, values in table.items() if len(values) == 4 and name != "b-tree"]
    total_first, total_last = (float(value) for value in table["total"])
    assert total_last == pytest.approx(sum(float(row[3]) for row in rows), abs=0.01)
    assert total_first == pytest.approx(sum(float(row[2]) for row in rows), abs=0.01)


def test_events_must_be_whole_batches() -> None:
    completed = _growth("--events", "1234")

    assert completed.returncode == 2
    assert "whole number of batches of 500" in completed.stderr


def test_pages_on_a_checkout_that_predates_them_is_refused_up_front(tmp_path: Path) -> None:
    (tmp_path / "bench").mkdir()  # an older checkout: a bench package without wal_pages.py

    completed = _growth("--events", "500", "--pages", "1", "--code", str(tmp_path))

    assert completed.returncode == 2
    assert "the --code checkout predates" in completed.stderr


def test_frames_of_a_transaction_not_committed_are_not_counted(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    _insert(database, range(10))
    committed = wal_generation(wal_of(path))
    database.execute("PRAGMA cache_size = 2")  # pages: a large transaction spills to the WAL
    database.execute("BEGIN")
    database.executemany(
        "INSERT INTO contacts VALUES (?, ?)", ((f"{i:08d}", "x" * 200) for i in range(10, 500))
    )
    spilled = wal_of(path).stat().st_size

    during = wal_generation(wal_of(path))
    database.execute("ROLLBACK")

    assert spilled > 32 + len(committed.pages) * (24 + 1024)  # frames reached the file
    assert during == committed
