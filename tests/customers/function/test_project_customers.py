"""The Kafka-triggered function, driven as the Functions host drives it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import function_app
from adapters import bootstrap
from adapters.settings import SettingsError
from demo.functions_host import KafkaMessage, indexed_functions, kafka_batch, user_function
from service.stream.errors import StoreError

ROOT = Path(__file__).resolve().parents[3]
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
DEBEZIUM_DELETE = {
    "before": {"id": 3, "name": "Ana Lima", "cpf": "111.222.333-44", "email": "ana@exemplo.com"},
    "after": None,
    "source": {"connector": "postgresql", "ts_ms": 1717000200000, "lsn": 24023128},
    "op": "d",
    "ts_ms": 1717000201000,
}


def message(offset: int, value: object, key: bytes | None = None) -> KafkaMessage:
    raw = json.dumps(value).encode() if value is not None else None
    return KafkaMessage("customers", 0, offset, key, raw, WHEN)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[None]:
    monkeypatch.setenv("BANK2_URL", sqlite_url)
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "telesales")
    bootstrap.reset()
    yield
    bootstrap.reset()


def call(*messages: KafkaMessage) -> None:
    user_function(function_app.app, "project_customers")(kafka_batch(messages))


def bank2_contacts(sqlite_url: str) -> list[tuple[object, ...]]:
    import sqlite3  # noqa: PLC0415 - read the file as telesales would, outside the adapter
    from contextlib import closing  # noqa: PLC0415

    with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db:
        return db.execute("SELECT * FROM telesales_contacts ORDER BY customer_id").fetchall()


def test_the_function_is_indexed_as_a_batch_string_kafka_trigger_with_retries() -> None:
    (function,) = [
        f
        for f in indexed_functions(function_app.app)
        if f.get_function_name() == "project_customers"
    ]
    # The JSON the worker sends to the host when it indexes the app.
    trigger = json.loads(function.get_function_json())["bindings"][0]
    assert trigger["type"] == "kafkaTrigger"
    assert trigger["cardinality"] == "MANY"
    assert trigger["dataType"] == "STRING"
    assert trigger["topic"] == "%KAFKA_CUSTOMERS_TOPIC%"
    assert trigger["brokerList"] == "%KAFKA_BROKER_LIST%"
    assert trigger["consumerGroup"] == "%KAFKA_CONSUMER_GROUP%"
    retry = function.get_settings_dict("retry_policy")
    assert retry is not None
    assert retry["strategy"] == "exponential_backoff"


def test_host_json_never_skips_a_failed_batch() -> None:
    host = json.loads((ROOT / "host.json").read_text())
    kafka = host["extensions"]["kafka"]
    assert kafka["commitOnFailure"] is False
    assert kafka["maxRetries"] == -1
    floor = re.match(r"\[(\d+)\.(\d+)\.(\d+)", host["extensionBundle"]["version"])
    assert floor is not None
    assert tuple(map(int, floor.groups())) >= (4, 37, 0)


@pytest.mark.usefixtures("run")
def test_a_batch_of_the_three_shapes_lands_in_bank2(sqlite_url: str) -> None:
    call(
        message(
            0,
            {
                "op": "c",
                "after": {
                    "id": 3,
                    "name": "Ana Lima",
                    "phone": "+55 92 99123-4567",
                    "state": "AM",
                    "status": "A",
                },
                "before": None,
                "source": {"ts_ms": 1717000000000, "lsn": 24000000},
            },
        ),
        message(1, LEGACY),
        message(2, OURS),
        message(3, DEBEZIUM_DELETE, key=b'{"id": 3}'),
        message(4, None, key=b'{"id": 3}'),
    )
    assert bank2_contacts(sqlite_url) == [
        ("1", "Maria Souza", "+5527988556137", "Sudeste"),
        ("2", "João da Silva", "+558534567890", "Sudeste"),
    ]


@pytest.mark.usefixtures("run")
def test_the_batch_summary_is_one_log_line_without_personal_data(
    caplog: pytest.LogCaptureFixture, sqlite_url: str
) -> None:
    caplog.set_level(logging.DEBUG)
    call(message(0, LEGACY), message(1, OURS), message(2, DEBEZIUM_DELETE), message(3, "x"))
    (summary,) = [r for r in caplog.records if r.name == "telesales.customers"]
    text = summary.getMessage()
    assert "events=4" in text
    assert "upserted=2" in text
    assert "removed=1" in text
    assert "unknown_format=1" in text
    assert "customers[0]:0-3" in text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    personal = [
        "Maria",
        "Souza",
        "João",
        "Ana Lima",
        "123.456.789-10",
        "987.654.321-00",
        "111.222.333-44",
        "joao.silva@exemplo.com.br",
        "ana@exemplo.com",
        "Rua das Flores",
        "27988556137",
        "+5527988556137",
        "3456-7890",
    ]
    assert [p for p in personal if p in logged] == []
    stored = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
    for value in (
        "123.456.789-10",
        "987.654.321-00",
        "111.222.333-44",
        "joao.silva@exemplo.com.br",
        "ana@exemplo.com",
        "Rua das Flores",
        "1994-06-18",
    ):
        assert value.encode() not in stored


@pytest.mark.usefixtures("run")
def test_a_bank2_that_cannot_be_reached_fails_the_invocation(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("BANK2_URL", f"sqlite:///{blocker / 'bank2.db'}")
    with pytest.raises(StoreError):
        call(message(0, OURS))


def test_missing_settings_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BANK2_URL", raising=False)
    monkeypatch.delenv("KAFKA_CONSUMER_GROUP", raising=False)
    bootstrap.reset()
    with pytest.raises(SettingsError, match="BANK2_URL, KAFKA_CONSUMER_GROUP"):
        call(message(0, OURS))
