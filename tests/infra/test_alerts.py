"""The two alert rules: sustained function failures, and rejects above a threshold.

Both are log alerts (Microsoft.Insights/scheduledQueryRules) on the app's Application Insights.
The queries name the function and the structured log field the code really produces.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from service.customers.summary import BatchSummary
from tests.infra.bicep import Resource, Template
from tests.infra.deployment import deploy, indexed_app, local_settings


def _alerts(**parameters: Any) -> Template:
    module = deploy(**parameters).module("alerts")
    assert module is not None
    return module


def _rules(alerts: Template) -> dict[str, Resource]:
    return {r.symbol: r for r in alerts.resources("Microsoft.Insights/scheduledQueryRules")}


def _condition(rule: Resource) -> dict[str, Any]:
    (condition,) = rule.body["properties"]["criteria"]["allOf"]
    assert isinstance(condition, dict)
    return condition


def test_both_rules_watch_the_apps_application_insights() -> None:
    rules = _rules(_alerts())
    assert set(rules) == {"functionFailures", "rejects"}
    for rule in rules.values():
        assert rule.body["kind"] == "LogAlert"
        assert rule.body["properties"]["scopes"] == ["applicationInsights.id"]
        assert rule.body["properties"]["enabled"] is True


def test_the_failure_rule_fires_on_failures_in_three_consecutive_windows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rule = _rules(_alerts())["functionFailures"]
    condition = _condition(rule)
    assert rule.body["properties"]["evaluationFrequency"] == "PT5M"
    assert rule.body["properties"]["windowSize"] == "PT5M"
    assert condition["failingPeriods"] == {
        "numberOfEvaluationPeriods": 3,
        "minFailingPeriodsToAlert": 3,
    }
    assert condition["timeAggregation"] == "Count"
    assert (condition["operator"], condition["threshold"]) == ("GreaterThan", 0)
    query = condition["query"]
    assert query.startswith("requests\n")
    assert "success == false" in query
    # The function name in the query is the one the worker indexes.
    named = set(re.findall(r"=~ '([A-Za-z_]+)'", query))
    with indexed_app(local_settings(), monkeypatch) as functions:
        assert named == {f.get_function_name() for f in functions} == {"project_customers"}


def test_the_reject_rule_adds_up_the_batch_summaries_rejected_count() -> None:
    rule = _rules(_alerts(rejectAlertThreshold=25))["rejects"]
    condition = _condition(rule)
    assert rule.body["properties"]["windowSize"] == "PT15M"
    assert (condition["operator"], condition["threshold"]) == ("GreaterThan", 25)
    assert (condition["timeAggregation"], condition["metricMeasureColumn"]) == (
        "Total",
        "rejected",
    )
    query = condition["query"]
    assert query.startswith("traces\n")
    fields = set(re.findall(r"customDimensions\.(\w+)", query))
    # The field the function logs on every batch (extra=summary.as_fields()).
    assert fields == {"batch_rejected"}
    assert fields <= set(BatchSummary().as_fields())
    assert "project timestamp, rejected" in query


def test_alerts_notify_by_e_mail_only_when_an_address_is_given() -> None:
    silent = _alerts()
    assert not list(silent.resources("Microsoft.Insights/actionGroups"))
    for rule in _rules(silent).values():
        assert rule.body["properties"]["actions"]["actionGroups"] == []

    noisy = _alerts(alertEmailAddress="telesales-ops@example.com")
    (group,) = noisy.resources("Microsoft.Insights/actionGroups")
    (receiver,) = group.body["properties"]["emailReceivers"]
    assert receiver["emailAddress"] == "telesales-ops@example.com"
    for rule in _rules(noisy).values():
        assert rule.body["properties"]["actions"]["actionGroups"] == ["actionGroup.id"]
