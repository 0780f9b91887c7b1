"""What the intake refuses, and how: one 401 for every credential failure (counted by reason),
a 400 naming the field without quoting it, 413 for a body too large, 429 with Retry-After past
an account's rate, and the panel's files with a strict Content-Security-Policy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import closing

import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from adapters import bootstrap
from adapters.engines.urls import open_bank2
from adapters.gateway import function as gateway_function
from adapters.gateway.store import gateway_unit_of_work
from adapters.gateway.telemetry import GatewayTelemetry
from service.gateway.accounts import AccountSecrets
from tests.gateway.harness import CVV, HOLDER, Gateway, body, deployed


@pytest.fixture
def gateway(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    with deployed(sqlite_url, monkeypatch, GATEWAY_RATE_LIMIT_PER_MINUTE="20") as running:
        yield running


@pytest.fixture
def metrics(monkeypatch: pytest.MonkeyPatch) -> InMemoryMetricReader:
    reader = InMemoryMetricReader()
    telemetry = GatewayTelemetry(MeterProvider(metric_readers=[reader]))
    monkeypatch.setattr(gateway_function, "gateway_telemetry", lambda: telemetry)
    return reader


def counted(reader: InMemoryMetricReader, name: str) -> dict[tuple[tuple[str, object], ...], int]:
    data = reader.get_metrics_data()
    found: dict[tuple[tuple[str, object], ...], int] = {}
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                if metric.name == name:
                    for point in metric.data.data_points:
                        key = tuple(sorted(point.attributes.items())) if point.attributes else ()
                        found[key] = int(point.value)  # type: ignore[union-attr]
    return found


def test_every_credential_failure_gets_the_same_401_and_is_counted(
    gateway: Gateway, metrics: InMemoryMetricReader
) -> None:
    account, secret = gateway.tokens["acc-1"].split(".", 1)
    with closing(open_bank2(gateway.url, streams=("payments",))) as database:
        revoked = AccountSecrets(gateway_unit_of_work(database))
        old = revoked.issue("acc-3")
        revoked.revoke("acc-3")
    attempts = {
        "missing": {},
        "another scheme": {"Authorization": f"Basic {secret}"},
        "malformed": {"Authorization": "Bearer no-dot-here"},
        "unknown account": {"Authorization": f"Bearer nobody.{secret}"},
        "wrong secret": {"Authorization": f"Bearer {account}.{'A' * 43}"},
        "another account's secret": {"Authorization": f"Bearer acc-2.{secret}"},
        "revoked secret": {"Authorization": f"Bearer {old.token}"},
    }
    answers = set()
    for headers in attempts.values():
        for method, path in (("POST", "/transactions"), ("GET", "/transactions")):
            response = gateway.request(
                method, path, account=None, headers=headers, json_body=body("order-1")
            )
            assert response.status_code == 401
            answers.add((response.get_body(), tuple(sorted(response.headers.items()))))
    assert len(answers) == 1  # nothing tells one failure from another
    assert gateway.kafka.messages == []
    assert counted(metrics, "gateway.unauthorized") == {
        (("operation", operation), ("reason", reason)): count
        for operation in ("submit_transaction", "list_transactions")
        for reason, count in (("missing", 1), ("malformed", 2), ("refused", 4))
    }


@pytest.mark.parametrize(
    ("payload", "field", "detail"),
    [
        ({**body("x"), "id": ""}, "id", "must be text of 1-64"),
        ({**body("x"), "id": "a/b"}, "id", "must be text of 1-64"),
        ({**body("x"), "id": "x" * 65}, "id", "must be text of 1-64"),
        ({k: v for k, v in body("x").items() if k != "id"}, "id", "is required"),
        ({**body("x"), "account_id": "acc-2"}, "account_id", "signed-in account"),
        ({**body("x"), "credit_card_number": None}, "credit_card_number", "must be a number"),
        ({**body("x"), "credit_card_number": ["4111"]}, "credit_card_number", "must be"),
        ({**body("x"), "credit_card_number": "4" * 65}, "credit_card_number", "at most 64"),
        ({**body("x"), "credit_card_name": 7}, "credit_card_name", "must be text"),
        ({**body("x"), "credit_card_cvv": True}, "credit_card_cvv", "must be"),
        ({**body("x"), "credit_card_expiration_month": {}}, "credit_card_expiration_month", "must"),
        ({k: v for k, v in body("x").items() if k != "amount"}, "amount", "is required"),
        ({**body("x"), "cvv2": CVV}, None, "unknown field"),
        ({**body("x"), "4111111111111111": 1}, None, "unknown field"),
        ([body("x")], None, "must be a JSON object"),
    ],
)
def test_a_body_of_the_wrong_shape_is_a_400_naming_the_field_only(
    gateway: Gateway, payload: object, field: str | None, detail: str
) -> None:
    response = gateway.submit(payload)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    problem = json.loads(response.get_body())
    assert problem["status"] == 400
    assert problem.get("field") == field
    assert detail in problem["detail"]
    text = response.get_body().decode()
    for secret in ("4111", HOLDER, CVV):
        assert secret not in text
    assert gateway.kafka.messages == []


@pytest.mark.parametrize("raw", [b"{", b"\xff\xfe", b'{"amount": NaN}', b"[" * 100_00])
def test_a_body_that_is_not_json_is_a_400(gateway: Gateway, raw: bytes) -> None:
    response = gateway.request("POST", "/transactions", raw=raw)
    assert response.status_code == 400
    assert json.loads(response.get_body())["detail"] == "the body must be a JSON object in UTF-8"


def test_the_processor_rules_are_not_the_intakes(gateway: Gateway) -> None:
    # Shape only: an expired card, a bad CVV, an amount that is not money are the processor's
    # to answer, and reach it.
    weird = body("x", credit_card_cvv="12", amount="10,50", credit_card_expiration_year=2001)
    assert gateway.submit(weird).status_code == 202
    gateway.process()
    assert gateway.get("/transactions/x")["error_message"] == "invalid expiration year"


def test_a_body_over_16_kib_is_a_413_before_anything_is_read(gateway: Gateway) -> None:
    response = gateway.request("POST", "/transactions", account=None, raw=b" " * (16 * 1024 + 1))
    assert response.status_code == 413  # credentials are not even checked


def test_an_account_over_its_rate_gets_429_with_retry_after(gateway: Gateway) -> None:
    statuses = [gateway.submit(body(f"o-{n}")).status_code for n in range(20)]
    assert statuses == [202] * 20
    limited = gateway.submit(body("o-21"))
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert gateway.request("GET", "/transactions").status_code == 429  # reads count too
    # Another account has its own allowance.
    assert gateway.submit(body("o-1"), account="acc-2").status_code == 202


def test_the_list_refuses_a_cursor_or_limit_it_did_not_make(gateway: Gateway) -> None:
    for query, field in (
        ("?since=nonsense", "since"),
        ("?limit=0", "limit"),
        ("?limit=x", "limit"),
    ):
        response = gateway.request("GET", f"/transactions{query}")
        assert response.status_code == 400
        assert json.loads(response.get_body())["field"] == field


def test_an_unknown_or_malformed_id_is_a_404(gateway: Gateway) -> None:
    for path in ("/transactions/nope", "/transactions/%2e%2e"):
        assert gateway.request("GET", path).status_code == 404


def test_the_panel_is_served_with_a_strict_content_security_policy(gateway: Gateway) -> None:
    page = gateway.request("GET", "/panel", account=None)
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert b'src="panel/panel.js"' in page.get_body()
    for asset, mimetype in (("panel.js", "text/javascript"), ("panel.css", "text/css")):
        response = gateway.request("GET", f"/panel/{asset}", account=None)
        assert (response.status_code, response.mimetype) == (200, mimetype)
    assert gateway.request("GET", "/panel/secrets.txt", account=None).status_code == 404
    moved = gateway.request("GET", "/panel/", account=None)
    assert (moved.status_code, moved.headers["Location"]) == (
        308,
        "http://127.0.0.1:7071/api/panel",
    )


def test_requests_are_counted_by_operation_and_status(
    gateway: Gateway, metrics: InMemoryMetricReader
) -> None:
    gateway.submit(body("a"))
    gateway.submit(body("a", amount=1))
    gateway.request("GET", "/transactions/a")
    requests = counted(metrics, "gateway.requests")
    assert requests[(("operation", "submit_transaction"), ("status_code", 202))] == 1
    assert requests[(("operation", "submit_transaction"), ("status_code", 409))] == 1
    assert requests[(("operation", "get_transaction"), ("status_code", 200))] == 1
    assert counted(metrics, "gateway.submissions") == {
        (("outcome", "accepted"),): 1,
        (("outcome", "conflict"),): 1,
    }


def test_an_unforeseen_failure_is_a_500_logged_without_its_text(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def failing() -> object:
        raise ValueError(f"cannot read {CVV} of {HOLDER}")

    monkeypatch.setattr(bootstrap, "gateway", failing)
    response = gateway.submit(body("x"))
    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.getMessage() == "gateway failure"]
    logged = json.dumps(vars(record), default=str)
    assert "ValueError" in logged
    assert "failing" in logged  # where it was raised
    assert HOLDER not in logged
    assert HOLDER not in response.get_body().decode()


def test_a_malformed_key_is_a_500_whose_log_names_the_setting_only(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with deployed(sqlite_url, monkeypatch, GATEWAY_FINGERPRINT_KEY="c2hvcnQta2V5") as running:
        response = running.submit(body("x"))
    assert response.status_code == 500
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GATEWAY_FINGERPRINT_KEY must be at least 32 random bytes" in text
    assert "c2hvcnQta2V5" not in text
