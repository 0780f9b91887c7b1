"""The payments demo, end to end, as a newcomer runs it (smaller, so that it is quick)."""

from __future__ import annotations

import importlib
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

import function_app
from demo.payments import SETTINGS, any_found, main


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
    with closing(sqlite3.connect(database)) as db:
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


@pytest.mark.parametrize(
    ("secret", "texts", "found"),
    [
        ("4111111111111111", ["INSERT ... VALUES('tx-1',994111111111111111002)"], True),
        ("4111111111111111", ["4111 1111 1111 1111", "41111111111111"], False),
        ("Ana Lima", ["paid by Ana Lima-Souza today"], True),
        ("Ana Lima", ["Ana  Lima", "ana lima"], False),
        ("D'Ávila Neto", ["holder=D'Ávila Neto;"], True),
        ("Maria (filha)", ["name: Maria (filha)!"], True),
        ("Maria (filha)", ["Maria filha"], False),
    ],
)
def test_the_card_data_check_finds_a_secret_wherever_a_substring_search_would(
    secret: str, texts: list[str], *, found: bool
) -> None:
    assert any(secret in text for text in texts) == found  # the check it must agree with
    assert any_found({secret, "0000000000000000", "Nobody Here"}, texts) == found


def test_the_card_data_check_of_a_default_run_size_takes_seconds_not_minutes() -> None:
    # The check once took ~10 s after the summary of a default run, with nothing printed.
    secrets = {f"{n:016d}" for n in range(20_000)} | {
        f"Holder {_letters(n)}" for n in range(20_000)
    }
    stored = "\n".join(
        f"INSERT INTO t VALUES('tx-{n:07d}','approved',{n}.50)" for n in range(40_000)
    )
    started = time.process_time()  # CPU time: other jobs on the machine do not count
    assert not any_found(secrets, [stored, *["payments batch: 250 messages"] * 50])
    assert time.process_time() - started < 5.0


def _letters(number: int) -> str:
    return "".join(chr(ord("a") + int(digit)) for digit in str(number))
