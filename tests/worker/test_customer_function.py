"""The customer function through the real worker runtime: batches as the host delivers them."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from adapters.engines.urls import open_bank2
from demo.functions_host import KafkaMessage
from tests.support import query
from tests.worker.app import failure_message, succeeded
from tests.worker.conftest import StartApp
from tests.worker.payloads import output_values

WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
LEGACY = {
    "CD_CLIENTE": "1",
    "NM_CLIENTE": "Maria  Souza",
    "CD_CPF_CLIENTE": "123.456.789-10",
    "TEL_CLIENTE": "27988556137",
    "DT_CADASTRO": "1994-06-18",
    "CD_FILIAL": "23",
    "CD_REGIAO": "4",
    "STATUS": "A",
}
OURS = {
    "customer_id": "2",
    "version": 1,
    "name": "João da Silva",
    "phone": "(85) 3456-7890",
    "state": "São Paulo",
    "cpf": "987.654.321-00",
    "email": "joao.silva@exemplo.com.br",
    "address": "Rua das Flores, 123, Fortaleza",
}
BROKEN = b'{"customer_id": "3", "name": "Ana Lima", "cpf": "111.222.333-44"'  # cut off
PERSONAL = ("Maria", "Souza", "João", "123.456.789-10", "987.654.321-00", "joao.silva@", "Flores")
CONTACTS = [
    ("1", "Maria Souza", "+5527988556137", "Sudeste"),
    ("2", "João da Silva", "+558534567890", "Sudeste"),
]


def message(offset: int, value: object) -> KafkaMessage:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return KafkaMessage("customers", 0, offset, None, raw, WHEN)


BATCH = [message(0, LEGACY), message(1, OURS), message(2, BROKEN)]


def contacts(url: str) -> list[tuple[object, ...]]:
    bank2 = open_bank2(url)
    try:
        rows = query(bank2, "SELECT * FROM telesales_contacts ORDER BY customer_id")
    finally:
        bank2.close()
    return [tuple(row) for row in rows]


def test_a_batch_lands_in_bank2_and_its_reject_goes_to_the_dead_letter_output(
    start: StartApp, engine_url: str
) -> None:
    app = start({"BANK2_URL": engine_url, "KAFKA_DEAD_LETTER_TOPIC": "customers-dead-letter"})
    response = app.invoke_kafka("project_customers", BATCH)
    assert succeeded(response), failure_message(response)
    assert contacts(engine_url) == CONTACTS
    outputs = output_values(response)
    assert list(outputs) == ["dead_letters"]
    (letter,) = json.loads(outputs["dead_letters"])
    pointer = json.loads(letter["Value"])
    assert (pointer["topic"], pointer["partition"], pointer["offset"]) == ("customers", 0, 2)
    assert "Ana Lima" not in outputs["dead_letters"]
    assert "111.222.333-44" not in outputs["dead_letters"]


def test_the_host_gets_the_batch_summary_and_no_personal_data(
    start: StartApp, sqlite_url: str
) -> None:
    app = start({"BANK2_URL": sqlite_url})
    response = app.invoke_kafka("project_customers", BATCH)
    assert succeeded(response), failure_message(response)
    summaries = [log.message for log in app.host.logs if log.category == "telesales.customers"]
    assert summaries == [
        (
            "customer batch: events=3 upserted=2 suppressed=0 removed=0 withdrawn=0 stale=0"
            " superseded=0 duplicates=0 skipped=0 rejected=1 (malformed_json=1)"
            " offsets=customers[0]:0-2"
        )
    ]
    for line in app.host_log_messages():
        assert not any(value in line for value in PERSONAL), line
    # Without a dead-letter topic the function has no output binding, and sends none.
    assert list(output_values(response)) == []


def test_a_redelivered_batch_changes_nothing(start: StartApp, sqlite_url: str) -> None:
    app = start({"BANK2_URL": sqlite_url})
    first = app.invoke_kafka("project_customers", BATCH)
    again = app.invoke_kafka("project_customers", BATCH, retry_count=1)
    assert succeeded(first)
    assert succeeded(again), failure_message(again)
    assert contacts(sqlite_url) == CONTACTS
    summaries = [log.message for log in app.host.logs if log.category == "telesales.customers"]
    assert "duplicates=3" in summaries[-1], summaries


def test_a_bank2_that_cannot_be_opened_fails_the_invocation(
    start: StartApp, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    app = start({"BANK2_URL": f"sqlite:///{blocker / 'bank2.db'}"})
    response = app.invoke_kafka("project_customers", BATCH)
    # A failed invocation: the host retries it (retry policy) and never commits its offsets.
    assert not succeeded(response)
    message = failure_message(response)
    assert "BANK2_URL" in message
    assert not any(value in message for value in PERSONAL)
    assert list(output_values(response)) == []
    # The same app serves the next batch once Bank 2 can be opened: nothing was half-written.
    blocker.unlink()
    blocker.mkdir()
    retried = app.invoke_kafka("project_customers", BATCH, retry_count=1)
    assert succeeded(retried), failure_message(retried)
    with closing(sqlite3.connect(blocker / "bank2.db")) as db:
        assert db.execute("SELECT count(*) FROM telesales_contacts").fetchone() == (2,)
