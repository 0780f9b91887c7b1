"""``python -m bench.growth`` says, window by window, what the function cost and wrote, and with
``--pages`` which tables and indexes its commits dirtied, read from a real SQLite WAL."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import spool
from bench.wal_pages import FrameTally, frames_by_tree, wal_generation, wal_of

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
    tally = FrameTally(path)

    _insert(database, range(100))  # 200-byte rows on 1 KiB pages: many table pages
    tally.observe()

    frames, trees = frames_by_tree(path, tally)
    assert frames["contacts"] >= 20
    assert frames["sqlite_autoindex_contacts_1"] >= 1
    assert "offsets" not in frames  # created before the tally began, not written since
    assert trees["contacts"].pages >= 20
    assert trees["contacts"].depth == 2  # a root over its leaves
    assert tally.partial is False


def test_the_tally_follows_the_wal_through_a_checkpoint(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    tally = FrameTally(path)
    _insert(database, range(50))
    tally.observe()
    before = len(tally.pages)
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    _insert(database, range(50, 60))  # the WAL restarts with this transaction
    tally.observe()

    assert before >= 10
    assert len(tally.pages) > before  # the second transaction's frames, added to the first's
    assert tally.partial is False


def test_a_look_after_two_restarts_marks_the_tally_partial(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    tally = FrameTally(path)
    for first in (0, 50):
        _insert(database, range(first, first + 50))
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _insert(database, range(100, 110))

    tally.observe()

    assert tally.partial is True


def test_frames_left_from_before_a_restart_are_not_counted(
    database: sqlite3.Connection, tmp_path: Path
) -> None:
    path = tmp_path / "bank2.db"
    _insert(database, range(200))
    old = wal_generation(wal_of(path))
    database.execute("PRAGMA wal_checkpoint(PASSIVE)")  # copied back; the file keeps its frames

    database.execute("INSERT INTO offsets VALUES (1)")  # restarts the WAL from its start
    new = wal_generation(wal_of(path))

    assert len(old.pages) >= 50
    assert new.salts != old.salts
    assert 1 <= len(new.pages) <= 3  # the one small transaction, not the old frames after it


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
    assert "schema_migrations" not in table  # the first batch, which created it, is left out
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

    completed = _growth("--events", "1500", "--pages", "1", "--code", str(tmp_path))

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


def test_an_older_checkout_runs_without_the_page_probe(tmp_path: Path) -> None:
    # --code compares with a commit before the probe existed: its windows still print.
    older = tmp_path / "older"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"],  # noqa: S607 - git from PATH, as the baseline runs do
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    for name in tracked.stdout.decode().split("\0"):
        if name and (ROOT / name).is_file() and name != "bench/wal_pages.py":
            (older / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, older / name)

    completed = _growth("--events", "1000", "--window-batches", "1", "--code", str(older))

    assert completed.returncode == 0, completed.stderr[-2000:]
    assert [line.split()[0] for line in completed.stdout.splitlines()[1:]] == ["500", "1000"]


def test_impossible_page_spans_and_short_spools_are_refused_up_front(tmp_path: Path) -> None:
    stream = tmp_path / "customers.spool"
    spool.write(stream, spool.Workload(customers=50, partitions=2, seed=7), 1500)

    too_many = _growth("--events", "1000", "--pages", "2")
    too_short = _growth("--events", "1500", "--pages", "1", "--spool", str(stream))
    enough = _growth("--events", "1000", "--pages", "1", "--spool", str(stream))

    assert too_many.returncode == 2
    assert "fewer than the batches" in too_many.stderr
    assert too_short.returncode == 2
    assert "holds fewer than the 2,000 events" in too_short.stderr
    assert enough.returncode == 0, enough.stderr[-2000:]
