"""The demo, end to end, as a newcomer runs it (smaller, so that it is quick)."""

from __future__ import annotations

import logging
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from demo.__main__ import main
from demo.generator import CustomerEventGenerator

TIME_OF_DAY = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture(autouse=True)
def _restore_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo sets the app settings as the host would; put them back afterwards.
    for name in ("BANK2_URL", "KAFKA_CONSUMER_GROUP", "KAFKA_CUSTOMERS_TOPIC", "KAFKA_BROKER_LIST"):
        monkeypatch.setenv(name, "")


def test_the_demo_fills_bank2_with_exactly_the_expected_contacts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank2 = tmp_path / "bank2.db"
    status = main(
        [
            "--events",
            "4000",
            "--customers",
            "400",
            "--batch-size",
            "250",
            "--bank2",
            str(bank2),
            "--quiet",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Bank 2 matches the expected state" in out
    counts = {
        line.split()[0]: int(line.split()[1].replace(",", ""))
        for line in out.splitlines()
        if line.startswith("  ") and len(line.split()) == 2 and line.split()[1][0].isdigit()
    }
    # The run exercises every path: late events older than Bank 2 (stale), older ones in the same
    # batch (superseded), redelivered batches (duplicates), tombstones, removals and rejects.
    for outcome in ("upserted", "removed", "stale", "superseded", "duplicates", "skipped"):
        assert counts[outcome] > 0, outcome
    # The do-not-call list keeps some contacts from telesales, and the removal log proves each
    # erasure; the demo ends with one deleted customer's data subject report.
    assert counts["suppressed"] > 0
    assert counts["deleted"] > 0
    assert counts["do_not_call"] > 0
    assert "Telesales see: nothing: the customer was removed" in out
    assert out.rstrip().splitlines()[-1].startswith("  ")  # the report's last section ends it
    assert "events/s" in out
    with closing(sqlite3.connect(bank2)) as db:
        (contacts,) = db.execute("SELECT count(*) FROM telesales_contacts").fetchone()
        columns = [row[1] for row in db.execute("PRAGMA table_info(telesales_contacts)")]
    assert contacts > 0
    assert columns == ["customer_id", "name", "phone", "region"]


def test_the_demo_is_the_same_run_for_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for run in ("a", "b"):
        main(["--events", "1500", "--customers", "150", "--bank2", str(tmp_path / run), "--quiet"])
        text = capsys.readouterr().out
        # Timings, the file's path and times of day (the removal log's, in the subject report)
        # differ between runs; nothing else may.
        outputs.append(
            [
                line
                for line in text.splitlines()
                if "events/s" not in line
                and "file" not in line
                and not TIME_OF_DAY.search(line)
                and "loaded in" not in line
            ]
        )
    assert outputs[0] == outputs[1]


def test_no_cpf_or_email_of_the_demo_reaches_bank2_or_the_logs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    bank2 = tmp_path / "bank2.db"
    main(
        ["--events", "3000", "--customers", "300", "--bank2", str(bank2), "--quiet", "--seed", "11"]
    )
    printed = capsys.readouterr().out
    same_run = CustomerEventGenerator(seed=11, customers=300, partitions=4)
    for _ in same_run.messages(3000):
        pass
    markers = same_run.personal_markers()
    assert len(markers) > 100
    with closing(sqlite3.connect(bank2)) as db:
        everything_stored = "\n".join(db.iterdump())
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for text in (everything_stored, logged, printed):
        assert [marker for marker in markers if marker in text] == []
