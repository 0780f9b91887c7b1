"""The composition root builds each consumer once, from the settings, and forgets it on reset."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters import bootstrap
from service.stream.records import StreamRecord

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[None]:
    monkeypatch.setenv("BANK2_URL", sqlite_url)
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "telesales")
    bootstrap.reset()
    yield
    bootstrap.reset()


def test_each_consumer_is_built_once_and_reused() -> None:
    assert bootstrap.customer_projection() is bootstrap.customer_projection()
    assert bootstrap.payment_processing() is bootstrap.payment_processing()


def test_reset_builds_them_again_from_the_current_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = bootstrap.customer_projection()
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "another")
    assert bootstrap.customer_projection() is first  # settings are read once
    bootstrap.reset()
    assert bootstrap.customer_projection() is not first


def test_reset_can_fix_the_clock_for_every_consumer() -> None:
    bootstrap.reset(clock=lambda: WHEN)
    assert bootstrap.customer_projection()._clock() == WHEN
    assert bootstrap.payment_processing()._clock() == WHEN


def _tables(url: str) -> set[str]:
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return {str(name) for (name,) in rows}


def test_a_separate_payments_database_receives_only_the_payment_tables(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, tmp_path: Path
) -> None:
    payments_url = f"sqlite:///{tmp_path / 'payments.db'}"
    monkeypatch.setenv("PAYMENTS_DB_URL", payments_url)
    processing = bootstrap.payment_processing()
    processing.handle([StreamRecord("transactions", 0, 0, None, b"{not json")])
    projection = bootstrap.customer_projection()
    projection.handle([StreamRecord("customers", 0, 0, None, b"{not json")])
    assert _tables(payments_url) == {
        "schema_migrations",
        "transactions",
        "rejected_messages",
        "gateway_account_secrets",  # the gateway's, beside the transactions its status reads
        "gateway_transactions",
    }
    # Bank 2 holds every consumer's tables, so that its privilege scripts always find them.
    assert {"contact_state", "telesales_contacts", "transactions"} <= _tables(sqlite_url)


def test_bank2_holds_every_consumers_tables_whichever_function_connects_first(
    sqlite_url: str,
) -> None:
    bootstrap.payment_processing().handle([StreamRecord("transactions", 0, 0, None, b"{")])
    assert {"contact_state", "transactions", "rejected_messages"} <= _tables(sqlite_url)


def test_a_customer_only_app_never_loads_the_payment_code() -> None:
    probe = (
        "import sys, function_app\n"
        "from adapters import bootstrap\n"
        "bootstrap.customer_projection()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[1:2] == ['payments']))\n"
    )
    environ = {k: v for k, v in os.environ.items() if k != "KAFKA_TRANSACTIONS_TOPIC"}
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "[]"


def test_invocations_in_threads_build_a_consumer_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[object] = []
    real = bootstrap.build_customer_projection

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)  # long enough for every thread to arrive while it builds
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(bootstrap, "build_customer_projection", slow_build)
    with ThreadPoolExecutor(8) as threads:
        found = list(threads.map(lambda _: bootstrap.customer_projection(), range(8)))
    assert len(built) == 1
    assert all(projection is built[0] for projection in found)
