"""No card number, CVV, holder name or secret in any database file, log line or answer.

A realistic session on every engine (accounts issued, valid and rejected transactions, a retry,
a conflict, bad bodies, wrong secrets, status reads), then every place the gateway and the
processor write is searched: every table's every value (and on SQLite the database files'
bytes, write-ahead log included), every log record with its fields, every HTTP answer with its
headers. Only the transactions topic carries card data: that is its purpose.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.engines.urls import open_bank2
from tests.gateway.harness import Gateway, body, deployed

CARD = "5555 5555 5555 4444"
HOLDER = "Thereza Quintanilha Bragança"
CVV = "864"


@pytest.fixture
def gateway(engine_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    with deployed(engine_url, monkeypatch) as running:
        yield running


def session(gateway: Gateway) -> None:
    card = {"credit_card_number": CARD, "credit_card_name": HOLDER, "credit_card_cvv": CVV}
    gateway.submit(body("ok-1", **card))
    gateway.submit(body("ok-1", **card))  # a retry
    gateway.submit(body("ok-1", **card, amount=3))  # a conflict
    gateway.submit(body("big", **card, amount="1000.01"))
    gateway.submit(body("typo", **(card | {"credit_card_number": CARD.replace("4444", "4445")})))
    gateway.submit(body("shape", **card, amount=[1]))  # a 400
    gateway.submit({**card, "cvv": CVV, "id": "x"})  # unknown field
    gateway.request("POST", "/transactions", raw=f'{{"id": "{CARD}"'.encode())  # not JSON
    wrong = gateway.tokens["acc-1"][:-4] + "AAAA"
    gateway.request("GET", "/transactions", account=None, headers={"Authorization": wrong})
    gateway.process()
    gateway.get("/transactions")
    gateway.get("/transactions/ok-1")


def secrets_of(gateway: Gateway) -> list[str]:
    return [
        CARD,
        CARD.replace(" ", ""),
        HOLDER,
        *(token.split(".", 1)[1] for token in gateway.tokens.values()),
    ]


def stored_values(url: str) -> list[str]:
    """Every value of every table the database holds, as text."""
    bank = open_bank2(url, streams=("payments",))
    connection = bank.acquire()
    try:
        cursor = connection.cursor()
        if url.startswith("sqlite"):
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        else:
            schema = "DATABASE()" if url.startswith("mysql") else "current_schema()"
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "  # noqa: S608 - fixed text
                f"WHERE table_schema = {schema}"
            )
        tables = [str(row[0]) for row in cursor.fetchall()]
        values: list[str] = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from the catalogue
            values.extend(str(value) for row in cursor.fetchall() for value in row)
        connection.rollback()
        return values
    finally:
        bank.release(broken=False)
        bank.close()


def test_nothing_of_the_card_or_the_secrets_is_kept_logged_or_answered(
    gateway: Gateway, engine_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    session(gateway)
    secrets = secrets_of(gateway)

    values = stored_values(engine_url)
    assert any(value == "4444" for value in values)  # the last four: what may be kept
    for secret in secrets:
        assert not any(secret in value for value in values), secret
    assert CVV not in values
    if engine_url.startswith("sqlite:///"):
        path = Path(engine_url.removeprefix("sqlite:///"))
        files = [p for p in path.parent.iterdir() if p.name.startswith(path.name)]
        for file in files:
            raw = file.read_bytes()
            for secret in secrets:
                assert secret.encode() not in raw, (file.name, secret)

    logged = [
        f"{record.getMessage()} {json.dumps(vars(record), default=str)}"
        for record in caplog.records
    ]
    assert logged  # the functions did log their lines
    for secret in secrets:
        assert not any(secret in line for line in logged), secret
    assert not any(f'"{CVV}"' in line or f" {CVV} " in line for line in logged)

    answers = [
        response.get_body().decode() + json.dumps(dict(response.headers))
        for response in gateway.responses
    ]
    for secret in secrets:
        assert not any(secret in answer for answer in answers), secret
    assert not any(f'"{CVV}"' in answer for answer in answers)
    for answer in gateway.answers:  # the processor's results topic
        for secret in (*secrets, CVV):
            assert secret not in answer
