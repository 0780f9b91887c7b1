"""Scaling from measurements: instances per partition, always-ready, and the Kafka lag threshold.

docs/capacity.md (section 6) derives the numbers; docs/deployment.md ("Plans and scaling") says
how Flex Consumption groups and caps the functions. What the platform does with them can only be
checked in Azure: these tests check what the templates and the indexed app declare.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.customers.function import FUNCTION_NAME as CUSTOMERS
from adapters.payments.function import FUNCTION_NAME as PAYMENTS_FUNCTION
from adapters.stream.bindings import DEFAULT_LAG_THRESHOLD
from tests.infra.bicep import MAIN, parsed
from tests.infra.deployment import (
    NETWORK_ACCESS,
    app_settings,
    as_environment,
    deploy,
    indexed_app,
    local_settings,
    plan,
    site,
)

PAYMENTS = {
    "kafkaTransactionsTopic": "card-transactions",
    "kafkaTransactionResultsTopic": "card-transaction-results",
    "kafkaPaymentsConsumerGroup": "payments",
    "kafkaPaymentsDeadLetterTopic": "card-transactions-dead-letter",
}


def _scale(main: Any) -> dict[str, Any]:
    config = site(main).body["properties"]["functionAppConfig"]
    scale: dict[str, Any] = config["scaleAndConcurrency"]
    return scale


def _decorators(parameter: str) -> dict[str, Any]:
    spec = parsed(MAIN)["parameters"][parameter]
    return {d["type"]: d.get("argument") for d in spec.get("decorators", [])}


# --- Flex Consumption: one on-demand instance per partition, in each function's group ----------


@pytest.mark.parametrize("partitions", [1, 4, 12, 64, 100])
def test_flex_consumption_allows_one_instance_per_partition_and_no_more(partitions: int) -> None:
    # The lowest maximum Flex Consumption accepts is now 1 (it was 40): no floor above the
    # partitions, whose count is the most instances a consumer group can keep busy.
    scale = _scale(deploy(kafkaTopicPartitions=partitions))
    assert scale["maximumInstanceCount"] == partitions


def test_the_partition_count_is_bounded_by_what_both_plans_accept() -> None:
    decorators = _decorators("kafkaTopicPartitions")
    assert decorators["min_value"] == 1
    # Flex Consumption's highest maximum instance count is 1,000.
    assert decorators["max_value"] <= 1000


def test_production_keeps_one_customer_instance_always_ready() -> None:
    main = deploy()  # publicNetworkAccessForDevelopment defaults to Disabled: production
    assert main.params["customersAlwaysReadyInstances"] == 1
    assert _scale(main)["alwaysReady"] == [{"name": f"function:{CUSTOMERS}", "instanceCount": 1}]


def test_development_scales_the_customer_function_to_zero() -> None:
    main = deploy(publicNetworkAccessForDevelopment="ListedIpAddressesOnly")
    assert main.params["customersAlwaysReadyInstances"] == 0
    assert _scale(main)["alwaysReady"] == []


@pytest.mark.parametrize("access", NETWORK_ACCESS)
@pytest.mark.parametrize("instances", [0, 2])
def test_always_ready_instances_are_a_parameter_in_every_environment(
    access: str, instances: int
) -> None:
    main = deploy(publicNetworkAccessForDevelopment=access, customersAlwaysReadyInstances=instances)
    expected = [{"name": f"function:{CUSTOMERS}", "instanceCount": instances}] if instances else []
    assert _scale(main)["alwaysReady"] == expected
    # Always-ready instances do not count toward the maximum, which stays the partitions.
    assert _scale(main)["maximumInstanceCount"] == main.params["kafkaTopicPartitions"]
    assert _decorators("customersAlwaysReadyInstances")["min_value"] == 0


def test_only_the_customer_function_is_kept_ready_even_with_payments_on() -> None:
    scale = _scale(deploy(**PAYMENTS))
    assert [group["name"] for group in scale["alwaysReady"]] == [f"function:{CUSTOMERS}"]
    assert f"function:{PAYMENTS_FUNCTION}" not in json.dumps(scale)


def test_elastic_premium_has_no_flex_scale_configuration() -> None:
    main = deploy(hostingPlan="ElasticPremium", kafkaTopicPartitions=8)
    assert site(main).body["properties"]["functionAppConfig"] is None
    assert plan(main).body["properties"]["maximumElasticWorkerCount"] == 8


# --- The Kafka triggers' lagThreshold ----------------------------------------------------------


def _lag_thresholds(settings: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Each indexed function's trigger lagThreshold, as the worker sends it to the host."""
    with indexed_app(settings, monkeypatch) as functions:
        thresholds: dict[str, Any] = {}
        for function in functions:
            bindings = json.loads(function.get_function_json())["bindings"]
            (trigger,) = [b for b in bindings if b["type"] == "kafkaTrigger"]
            thresholds[str(function.get_function_name())] = trigger["lagThreshold"]
    return thresholds


def test_the_deployed_triggers_scale_at_the_measured_lag_threshold_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main = deploy(**PAYMENTS)
    assert main.params["kafkaLagThreshold"] == DEFAULT_LAG_THRESHOLD
    settings = as_environment(app_settings(main))
    assert settings["KAFKA_LAG_THRESHOLD"] == str(DEFAULT_LAG_THRESHOLD)
    assert _lag_thresholds(settings, monkeypatch) == {
        CUSTOMERS: DEFAULT_LAG_THRESHOLD,
        PAYMENTS_FUNCTION: DEFAULT_LAG_THRESHOLD,
    }


def test_a_deployment_sets_its_own_lag_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = as_environment(app_settings(deploy(kafkaLagThreshold=8000, **PAYMENTS)))
    assert settings["KAFKA_LAG_THRESHOLD"] == "8000"
    assert _lag_thresholds(settings, monkeypatch) == {CUSTOMERS: 8000, PAYMENTS_FUNCTION: 8000}


def test_the_lag_threshold_parameter_accepts_only_what_the_app_accepts() -> None:
    decorators = _decorators("kafkaLagThreshold")
    # adapters/stream/bindings.py refuses anything outside 1 .. 2**31 - 1 by name.
    assert (decorators["min_value"], decorators["max_value"]) == (1, 2**31 - 1)


def test_locally_the_triggers_use_the_default_lag_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = local_settings()
    assert not values["KAFKA_LAG_THRESHOLD"]
    assert _lag_thresholds(values, monkeypatch) == {CUSTOMERS: DEFAULT_LAG_THRESHOLD}
