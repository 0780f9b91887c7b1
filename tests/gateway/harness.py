"""The gateway's functions as a deployment runs them, for the tests: ``function_app`` indexed
with the gateway's and the processor's settings, its HTTP functions called through the host
stand-in (``demo.http_host``), and what the intake publishes delivered to ``process_transactions``
as the host's Kafka trigger delivers it."""

from __future__ import annotations

import base64
import importlib
import json
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import azure.functions as func
import pytest

from adapters import bootstrap
from adapters.engines.urls import open_bank2
from adapters.gateway.store import gateway_unit_of_work
from demo.functions_host import quietly_indexed
from demo.http_host import HttpFunctions, KafkaStandIn, deliver
from service.gateway.accounts import AccountSecrets

BASE = "http://127.0.0.1:7071/api"
FINGERPRINT_KEY = base64.b64encode(b"k" * 32).decode()
SETTINGS = {
    "KAFKA_BROKER_LIST": "localhost:9092",
    "KAFKA_CUSTOMERS_TOPIC": "customers",
    "KAFKA_CONSUMER_GROUP": "telesales",
    "KAFKA_TRANSACTIONS_TOPIC": "transactions",
    "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions_result",
    "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments",
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
    "GATEWAY_FINGERPRINT_KEY": FINGERPRINT_KEY,
}
VISA = "4111 1111 1111 1111"
HOLDER = "Joana Pereira da Silva"
CVV = "987"


def body(id_: str, **changes: object) -> dict[str, object]:
    """A valid transaction body, approved unless changed."""
    base: dict[str, object] = {
        "id": id_,
        "credit_card_number": VISA,
        "credit_card_name": HOLDER,
        "credit_card_expiration_month": 12,
        "credit_card_expiration_year": 2035,
        "credit_card_cvv": CVV,
        "amount": 150.75,
    }
    return base | changes


@dataclass(slots=True)
class Gateway:
    """The deployment under test: its HTTP functions, what they published, two accounts."""

    functions: HttpFunctions
    processor: Callable[..., None]
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    answers: list[str] = field(default_factory=list)  # results published by the processor
    responses: list[func.HttpResponse] = field(default_factory=list)

    @property
    def kafka(self) -> KafkaStandIn:
        return self.functions.kafka

    def request(
        self,
        method: str,
        path: str,
        *,
        account: str | None = "acc-1",
        json_body: object = None,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> func.HttpResponse:
        sent = dict(headers or {})
        if account is not None:
            sent["Authorization"] = f"Bearer {self.tokens[account]}"
        payload = raw if raw is not None else b""
        if json_body is not None:
            payload = json.dumps(json_body).encode()
        response = self.functions.call(method, f"{BASE}{path}", headers=sent, body=payload)
        self.responses.append(response)
        return response

    def submit(self, payload: object, account: str | None = "acc-1") -> func.HttpResponse:
        return self.request("POST", "/transactions", account=account, json_body=payload)

    def process(self) -> int:
        """Deliver what was published since the last call to the processor; how many."""
        delivered, outputs = deliver(
            self.kafka, "transactions", self.processor, ["results", "dead_letters"]
        )
        self.answers.extend(outputs["results"])
        return delivered

    def get(self, path: str, account: str = "acc-1") -> typing.Any:
        response = self.request("GET", path, account=account)
        assert response.status_code == 200, response.get_body()
        return json.loads(response.get_body())


@contextmanager
def deployed(url: str, monkeypatch: pytest.MonkeyPatch, **settings: str) -> Iterator[Gateway]:
    """``function_app`` indexed with the gateway, its database at ``url``, two accounts."""
    for name, value in (SETTINGS | settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("BANK2_URL", url)
    bootstrap.reset()
    import function_app  # noqa: PLC0415 - re-indexed under these settings

    app = importlib.reload(function_app).app
    database = open_bank2(url, streams=("payments",))
    tokens = {}
    try:
        accounts = AccountSecrets(gateway_unit_of_work(database))
        for account in ("acc-1", "acc-2"):
            tokens[account] = accounts.issue(account).token
    finally:
        database.close()
    processor = quietly_indexed(app, "process_transactions")
    try:
        yield Gateway(HttpFunctions(app), processor, url, tokens)
    finally:
        bootstrap.reset()
        monkeypatch.undo()
        importlib.reload(function_app)  # as every other test expects it
