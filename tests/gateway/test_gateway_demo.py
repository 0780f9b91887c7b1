"""The gateway demo, end to end, as a newcomer runs it (smaller, so that it is quick)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import function_app
from demo.gateway import MERCHANTS, SETTINGS, main


@pytest.fixture(autouse=True)
def _restore_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The demo sets the app settings as the host would and indexes the app with the gateway
    # on; put both back afterwards.
    extra = (
        "PAYMENTS_DB_URL",
        "BANK2_URL",
        "GATEWAY_FINGERPRINT_KEY",
        "GATEWAY_RATE_LIMIT_PER_MINUTE",
    )
    for name in (*SETTINGS, *extra):
        monkeypatch.setenv(name, "")
    yield
    monkeypatch.undo()
    importlib.reload(function_app)


def test_the_demo_runs_two_merchants_through_the_gateway(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "gateway.db"
    status = main(["--transactions", "400", "--database", str(database)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Every answer and every status matches the expected outcome" in out
    answers = dict(re.findall(r"^  (\d{3}) .*?([\d,]+)$", out, re.MULTILINE))
    assert set(answers) == {"202", "400", "401", "409", "413"}  # every kind of request
    for merchant in MERCHANTS:
        panel = re.search(rf"Panel of {merchant}: ([\d,]+) transactions, ([\d,]+) approved", out)
        assert panel is not None
        assert int(panel.group(2).replace(",", "")) > 0
        assert "0 pending" in out
    assert "Bearer" not in out  # the tokens stay with the merchants
    assert database.exists()
