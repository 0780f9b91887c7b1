"""The payment gateway in Azure: its settings, its registration, and its dashboard as code.

The dashboard is an Azure Workbook (infra/app/dashboard.bicep loading gateway-workbook.json).
Its queries are read here and held to what the code emits: every metric it charts is an
instrument the app creates, every dimension one the app records, every operation one the app
registers; each chart is per minute.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from adapters.gateway import telemetry
from adapters.gateway.function import FUNCTION_NAMES
from adapters.payments.function import METRICS
from tests.infra.bicep import INFRA, parsed
from tests.infra.deployment import (
    app_settings,
    as_environment,
    binding_setting_names,
    deploy,
    indexed_app,
)

PAYMENTS = {
    "kafkaTransactionsTopic": "card-transactions",
    "kafkaTransactionResultsTopic": "card-transaction-results",
    "kafkaPaymentsConsumerGroup": "payments",
    "kafkaPaymentsDeadLetterTopic": "card-transactions-dead-letter",
}
WORKBOOK = INFRA / "app" / "gateway-workbook.json"
# The instruments the app creates, and the dimensions it records on each.
EMITTED = {
    telemetry.REQUESTS: {"operation", "status_code"},
    telemetry.UNAUTHORIZED: {"operation", "reason"},
    telemetry.SUBMISSIONS: {"outcome"},
    METRICS.events: {"outcome", "reason"},
    f"{METRICS.namespace}.end_to_end.lag": set(),
}


def queries() -> dict[str, str]:
    items = json.loads(WORKBOOK.read_text())["items"]
    return {item["name"]: item["content"]["query"] for item in items if item["type"] == 3}


def test_the_gateway_is_off_unless_enabled() -> None:
    main = deploy(**PAYMENTS)
    assert app_settings(main)["GATEWAY_FINGERPRINT_KEY"] == ""
    assert main.module("gatewayDashboard") is None


def test_enabled_its_key_is_a_key_vault_reference_and_its_functions_are_registered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main = deploy(**PAYMENTS, gatewayEnabled=True, gatewayRateLimitPerMinute=120)
    settings = as_environment(app_settings(main))
    assert re.fullmatch(
        r"@Microsoft\.KeyVault\(SecretUri=vault\.properties\.vaultUrisecrets/"
        r"gateway-fingerprint-key/\)",
        settings["GATEWAY_FINGERPRINT_KEY"],
    )
    assert settings["GATEWAY_RATE_LIMIT_PER_MINUTE"] == "120"
    with indexed_app(settings, monkeypatch) as functions:
        registered = {f.get_function_name() for f in functions}
        names = binding_setting_names(functions)
    assert set(FUNCTION_NAMES) <= registered
    assert sorted(n for n in names if not settings.get(n)) == []
    dashboard = main.module("gatewayDashboard")
    assert dashboard is not None
    (workbook,) = dashboard.resources("Microsoft.Insights/workbooks")
    assert workbook.body["properties"]["sourceId"] == "applicationInsights.id"
    assert workbook.body["properties"]["category"] == "workbook"


def test_the_workbook_bicep_loads_is_this_one() -> None:
    tree = parsed(INFRA / "app" / "dashboard.bicep")
    data: Any = tree["resources"]["gatewayWorkbook"]["config"]["properties"]["serializedData"]
    assert data["function"]["parameters"]["file_path"] == WORKBOOK.name
    assert json.loads(WORKBOOK.read_text())["version"] == "Notebook/1.0"


def test_every_chart_is_per_minute_on_what_the_app_emits() -> None:
    for name, query in queries().items():
        assert "bin(timestamp, 1m)" in query, name
        assert "render timechart" in query, name
        for metric in re.findall(r'where name == "([^"]+)"', query):
            assert metric in EMITTED, (name, metric)
            used = set(re.findall(r"customDimensions\.(\w+)", query))
            assert used <= EMITTED[metric], (name, used)


def test_the_charts_the_issue_asks_for_are_there() -> None:
    charts = queries()
    decided = charts["decisions"]
    assert f'"{METRICS.events}"' in decided
    assert '"approved", "rejected"' in decided  # the outcomes PaymentBatch counts
    for answers in (charts["intake_answers"], charts["host_answers"]):
        assert '"4xx"' in answers
        assert '"5xx"' in answers
    operations = re.findall(r'"(\w+)"', charts["host_answers"].split("in (", 1)[1].split(")")[0])
    assert set(operations) == set(FUNCTION_NAMES)
    assert f'"{METRICS.namespace}.end_to_end.lag"' in charts["processing_lag"]
