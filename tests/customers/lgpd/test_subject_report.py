"""The data subject report, ``python -m adapters.bank2 subject``, on every engine.

A batch through the real projection leaves one customer of each standing (shown, kept but on a
do-not-call list, deleted, withdrawn by a rejected message) and one Bank 2 never saw; the
command prints each one's report, as text and as JSON, and logs nothing of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.bank2.__main__ import main as bank2_cli
from adapters.engines.urls import open_bank2
from tests.databases import ENGINES, database_url
from tests.support import execute, project_lgpd_batch, query


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        owner = open_bank2(url)
        try:
            project_lgpd_batch(url, owner)
        finally:
            owner.close()
        yield url


def report(url: str, customer_id: str, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert bank2_cli(["subject", customer_id, "--url", url, "--json"]) == 0
    parsed: dict[str, object] = json.loads(capsys.readouterr().out)
    return parsed


def test_a_shown_customer_s_report_has_the_contact_as_telesales_see_it(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = report(url, "2", capsys)
    assert shown["standing"] == "shown"
    assert shown["telesales_see"] == ["Ana Lima", "+552123456789", "Sudeste"]
    assert (shown["listings"], shown["removals"], shown["rejected"]) == ([], [], [])


def test_a_listed_customer_s_report_says_which_list_keeps_them_from_telesales(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = report(url, "1", capsys)
    assert listed["standing"] == "suppressed"
    assert listed["telesales_see"] is None
    held = listed["held"]
    assert isinstance(held, dict)
    assert (held["name"], held["phone"], held["removed_at"]) == (
        "Maria Souza",
        "+5511987654321",
        None,
    )
    assert listed["listings"] == [
        {"list_name": "procon-sp", "listed_on": "2025-06-01", "exported_on": None}
    ]
    removals = listed["removals"]
    assert isinstance(removals, list)
    assert [(r["reason"], r["topic"], r["partition"], r["offset"]) for r in removals] == [
        ("do_not_call", "customers", 0, 0)
    ]


def test_a_removed_customer_s_report_shows_the_marker_and_the_removal(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    deleted = report(url, "3", capsys)
    assert deleted["standing"] == "removed"
    held = deleted["held"]
    assert isinstance(held, dict)
    assert (held["name"], held["phone"], held["region"]) == (None, None, None)
    assert held["removed_at"] is not None
    removals = deleted["removals"]
    assert isinstance(removals, list)
    assert [(r["reason"], r["offset"]) for r in removals] == [("deleted", 3)]


def test_the_rejected_messages_about_a_customer_are_listed_without_their_content(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    withdrawn = report(url, "4", capsys)
    assert withdrawn["rejected"] == [
        {
            "topic": "customers",
            "partition": 0,
            "offset": 4,
            "reason": "invalid_name",
            "rejected_at": withdrawn["rejected"][0]["rejected_at"],  # type: ignore[index]
        }
    ]
    removals = withdrawn["removals"]
    assert isinstance(removals, list)
    assert [r["reason"] for r in removals] == ["withdrawn"]


def test_a_customer_bank2_never_saw_has_an_empty_report(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = report(url, "no-such-customer", capsys)
    assert unknown["standing"] == "unknown"
    assert (unknown["held"], unknown["telesales_see"], unknown["removals"]) == (None, None, [])


def test_the_text_report_reads_as_a_report_and_nothing_is_logged(
    url: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert bank2_cli(["subject", "1", "--url", url]) == 0
    text = capsys.readouterr().out
    assert "Telesales see: nothing: Bank 2 keeps the contact, but a do-not-call list" in text
    assert "name Maria Souza, phone +5511987654321, region Sudeste" in text
    assert "procon-sp: listed on 2025-06-01" in text
    assert "do_not_call  message customers/0@0" in text
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "Maria" not in logged
    assert "98765" not in logged


def test_the_removal_log_keeps_its_rows_for_the_retention_then_the_purge_deletes_them(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = open_bank2(url)
    try:
        old = bank.engine.timestamp(datetime.now(UTC) - timedelta(days=2000))
        # An old row, written as the owner: the test builds the timestamp.
        insert = "INSERT INTO removal_log (customer_id, reason, version, topic, kafka_partition,"
        insert += " kafka_offset, applied_at) VALUES ('9', 'deleted', '1', 'customers', 0, 99, "
        execute(bank, insert + f"'{old}')")
        assert bank2_cli(["removal-log", "purge", "--url", url]) == 0
        assert "deleted 1 rows" in capsys.readouterr().out
        remaining = query(bank, "SELECT customer_id FROM removal_log ORDER BY customer_id")
        assert [str(row[0]) for row in remaining] == ["1", "3", "4"]
    finally:
        bank.close()


@pytest.mark.parametrize("days", ["0", "-3", "five", "\u00b2", "999999999"])
def test_a_wrong_retention_fails_on_one_line(
    days: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANK2_REMOVAL_LOG_RETENTION_DAYS", days)
    assert bank2_cli(["removal-log", "purge", "--url", f"sqlite:///{tmp_path / 'b.db'}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("removal log purge failed: ")
    assert err.count("\n") == 1
