"""The gateway's functions through the real Python worker runtime (``azure_functions_runtime``,
driven over gRPC by the harness in tests/worker): indexed as the platform indexes them, each
HTTP request sent as the host sends it (``RpcHttp``), the intake's Kafka output and its HTTP
answer read back as the host reads them, and the published message delivered to the processor
as the host's trigger delivers it."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

from adapters.engines.urls import open_bank2
from adapters.gateway.store import gateway_unit_of_work
from demo.functions_host import KafkaMessage
from service.gateway.accounts import AccountSecrets
from tests.gateway.harness import HOLDER, VISA, body
from tests.worker.app import StartedApp, failure_message, succeeded
from tests.worker.conftest import StartApp, protocol, start
from tests.worker.payloads import HttpRequest, output_values

__all__ = ["protocol", "start"]  # the harness's fixtures

BASE = "https://gateway.example/api"


def settings(database_url: str) -> dict[str, str]:
    return {
        "BANK2_URL": database_url,
        "KAFKA_TRANSACTIONS_TOPIC": "transactions",
        "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions-results",
        "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments",
        "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
        "GATEWAY_FINGERPRINT_KEY": base64.b64encode(b"w" * 32).decode(),
    }


def issue(database_url: str) -> str:
    database = open_bank2(database_url, streams=("payments",))
    try:
        return AccountSecrets(gateway_unit_of_work(database)).issue("acc-1").token
    finally:
        database.close()


def http(
    app: StartedApp, name: str, method: str, path: str, token: str, **request: object
) -> tuple[int, dict[str, str], bytes, dict[str, object]]:
    response = app.invoke_http(
        name,
        HttpRequest(
            method=method,
            url=f"{BASE}{path}",
            headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
            **request,  # type: ignore[arg-type]
        ),
    )
    assert succeeded(response), failure_message(response)
    answer = response.return_value.http
    # Header names compare case-insensitively, as the host sends them on.
    headers = {name.lower(): value for name, value in answer.headers.items()}
    return int(answer.status_code), headers, answer.body.bytes, output_values(response)


def test_a_submission_is_published_decided_and_read_through_the_worker(
    start: StartApp, sqlite_url: str
) -> None:
    token = issue(sqlite_url)
    app = start(settings(sqlite_url))
    bindings = {
        name: {
            binding: info.type for binding, info in app.functions[name].metadata.bindings.items()
        }
        for name in ("submit_transaction", "list_transactions", "get_transaction", "gateway_panel")
    }
    assert bindings["submit_transaction"] == {
        "req": "httpTrigger",
        "transactions": "kafka",
        "$return": "http",
    }

    status, headers, answer, outputs = http(
        app,
        "submit_transaction",
        "POST",
        "/transactions",
        token,
        body=json.dumps(body("order-1")).encode(),
    )
    assert status == 202
    assert json.loads(answer)["status_url"] == f"{BASE}/transactions/order-1"
    assert headers["location"] == f"{BASE}/transactions/order-1"
    (published,) = json.loads(str(outputs["transactions"]))
    message = json.loads(published["Value"])
    assert (published["Key"], message["account_id"]) == (message["id"], "acc-1")

    delivered = KafkaMessage(
        "transactions",
        0,
        0,
        published["Key"].encode(),
        published["Value"].encode(),
        datetime.now(UTC),
    )
    decided = app.invoke_kafka("process_transactions", [delivered])
    assert succeeded(decided), failure_message(decided)

    status, _, answer, _ = http(
        app,
        "get_transaction",
        "GET",
        "/transactions/order-1",
        token,
        route_params={"id": "order-1"},
    )
    assert status == 200
    assert json.loads(answer)["status"] == "approved"
    status, _, answer, _ = http(app, "list_transactions", "GET", "/transactions", token)
    assert json.loads(answer)["totals"] == {"pending": 0, "approved": 1, "rejected": 0}

    # Nothing of the card reached the host: not in an answer, not in a log line.
    logged = "\n".join(app.host_log_messages())
    for secret in (VISA, VISA.replace(" ", ""), HOLDER, token.split(".", 1)[1]):
        assert secret not in logged


def test_a_wrong_secret_is_a_401_through_the_worker(start: StartApp, sqlite_url: str) -> None:
    issue(sqlite_url)
    app = start(settings(sqlite_url))
    status, headers, _, outputs = http(
        app,
        "submit_transaction",
        "POST",
        "/transactions",
        "acc-1." + "A" * 43,
        body=json.dumps(body("order-1")).encode(),
    )
    assert status == 401
    assert headers["www-authenticate"] == 'Bearer realm="payment-gateway"'
    assert "transactions" not in outputs or not outputs["transactions"]
