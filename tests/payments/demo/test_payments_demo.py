"""The payments demo, end to end, as a newcomer runs it (smaller, so that it is quick)."""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import function_app
from demo.payments import SETTINGS, main


@pytest.fixture(autouse=True)
def _restore_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The demo sets the app settings as the host would and indexes the app with payments on;
    # put both back afterwards.
    for name in (*SETTINGS, "PAYMENTS_DB_URL"):
        monkeypatch.setenv(name, "")
    yield
    monkeypatch.undo()
    importlib.reload(function_app)


def printed_counts(out: str) -> dict[str, int]:
    counts = {}
    for line in out.splitlines():
        label, _, number = line.strip().rpartition(" ")
        if line.startswith("  ") and number.replace(",", "").isdigit():
            counts[label.strip()] = int(number.replace(",", ""))
    return counts


def test_the_demo_answers_every_transaction_as_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "payments.db"
    status = main(
        ["--transactions", "3000", "--batch-size", "200", "--database", str(database), "--quiet"]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Every answer matches the expected outcome" in out
    counts = printed_counts(out)
    # Every outcome occurs: approvals, each rejection message, answers repeated for redelivered
    # batches and resent transactions, and unanswerable messages.
    for label in (
        "approved",
        "rejected",
        "invalid credit card number",
        "invalid expiration month",
        "invalid expiration year",
        "invalid cvv",
        "invalid card holder name",
        "invalid amount",
        "the amount must be greater than 1",
        "you dont have limit for this transaction",
        "answered again (redelivered or resent)",
        "unanswerable (recorded and dead-lettered)",
    ):
        assert counts[label] > 0, label
    with sqlite3.connect(database) as db:
        (approved,) = db.execute(
            "SELECT count(*) FROM transactions WHERE status = 'approved'"
        ).fetchone()
    assert approved == counts["approved"]


def test_the_demo_is_the_same_run_for_the_same_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = []
    for run in ("a", "b"):
        main(["--transactions", "1000", "--database", str(tmp_path / run), "--quiet"])
        text = capsys.readouterr().out
        outputs.append(
            [line for line in text.splitlines() if "/s" not in line and "file" not in line]
        )
    assert outputs[0] == outputs[1]
