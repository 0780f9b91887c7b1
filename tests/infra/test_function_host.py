"""host.json, the extension bundle and the Python versions agree with what is deployed."""

from __future__ import annotations

import json
import re
import tomllib

from packaging.specifiers import SpecifierSet

from tests.infra.bicep import MAIN, ROOT, allowed_values
from tests.infra.deployment import app_settings, deploy

HOST = json.loads((ROOT / "host.json").read_text())

# host.json extensions.kafka options of the Kafka extension (Config/KafkaOptions.cs, 4.3.x).
KAFKA_OPTIONS = {
    "maxBatchSize",
    "subscriberIntervalInSeconds",
    "executorChannelCapacity",
    "channelFullRetryIntervalInMs",
    "subscriberIdleBackoffMs",
    "commitOnFailure",
    "maxRetries",
    "autoCommitIntervalMs",
    "autoOffsetReset",
    "sessionTimeoutMs",
    "metadataMaxAgeMs",
    "socketKeepaliveEnable",
    "maxPollIntervalMs",
    "reconnectBackoffMs",
    "reconnectBackoffMaxMs",
    "statisticsIntervalMs",
    "queuedMinMessages",
    "queuedMaxMessagesKbytes",
    "maxPartitionFetchBytes",
    "fetchMaxBytes",
    "libkafkaDebug",
}


def _bundle_range() -> tuple[tuple[int, ...], tuple[int, ...]]:
    bundle = HOST["extensionBundle"]
    assert bundle["id"] == "Microsoft.Azure.Functions.ExtensionBundle"
    match = re.fullmatch(r"\[(\d+\.\d+\.\d+), (\d+\.\d+\.\d+)\)", bundle["version"])
    assert match is not None, bundle["version"]
    low, high = (tuple(map(int, part.split("."))) for part in match.groups())
    return low, high


def test_the_bundle_is_a_v4_range_with_the_kafka_extension_that_can_hold_offsets() -> None:
    low, high = _bundle_range()
    # Bundle 4.37.0 brings Kafka extension 4.3.x: commitOnFailure and maxRetries exist there;
    # Flex Consumption asks non-.NET apps for the [4.0.0, 5.0.0) bundle or later.
    assert low >= (4, 37, 0)
    assert high == (5, 0, 0)
    kafka = HOST["extensions"]["kafka"]
    assert kafka["commitOnFailure"] is False


def test_host_json_sets_only_options_the_kafka_extension_knows() -> None:
    assert set(HOST["extensions"]["kafka"]) <= KAFKA_OPTIONS


def test_deployable_python_versions_are_ones_the_project_and_its_library_support() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    supported = SpecifierSet(project["requires-python"])
    versions = allowed_values(MAIN, "pythonVersion")
    assert versions
    assert all(f"{version}.0" in supported for version in versions), versions
    requirements = (ROOT / "requirements.txt").read_text()
    # azure-functions 2.x is the line for Python 3.13+; the worker runtime is pinned with it, so
    # Azure runs the runtime tests/worker ran the app through.
    assert re.search(r"^azure-functions==2\.\d+\.\d+$", requirements, re.MULTILINE)
    assert re.search(r"^azure-functions-runtime==\d+\.\d+\.\d+$", requirements, re.MULTILINE)


# --- batch memory (docs/operations.md, "Batch memory and message size") ---------------------


def test_what_an_instance_buffers_besides_its_batch_is_bounded() -> None:
    kafka = HOST["extensions"]["kafka"]
    # One batch waits while one runs; librdkafka prefetches at most 16 MiB (its default: 64).
    assert kafka["executorChannelCapacity"] == 1
    assert kafka["queuedMaxMessagesKbytes"] <= 16384


def test_each_deployment_can_size_its_batches_for_its_topic_s_message_size() -> None:
    default = app_settings(deploy())
    assert default["AzureFunctionsJobHost__extensions__kafka__maxBatchSize"] == str(
        HOST["extensions"]["kafka"]["maxBatchSize"]
    )
    small = app_settings(deploy(kafkaMaxBatchSize=16))
    assert small["AzureFunctionsJobHost__extensions__kafka__maxBatchSize"] == "16"


def test_the_local_customer_topic_caps_its_messages_at_64_kib() -> None:
    compose = (ROOT / "compose.yaml").read_text()
    assert "--config max.message.bytes=65536" in compose


# --- every Kafka option host.json sets (docs/operations.md, "host.json") ---------------------


def test_host_json_sets_these_kafka_options_and_no_others() -> None:
    # Each is explained in docs/operations.md with the extension's default it replaces.
    assert HOST["extensions"]["kafka"] == {
        "maxBatchSize": 500,  # default 64; per deployment AzureFunctionsJobHost__... overrides it
        "executorChannelCapacity": 1,  # the default: one batch waits while one runs
        "queuedMaxMessagesKbytes": 16384,  # librdkafka's default is 65536
        "subscriberIntervalInSeconds": 1,  # the default: a partial batch waits at most 1 s
        "commitOnFailure": False,  # default true: a failed batch's offsets would be committed
        "maxRetries": -1,  # default 5, then skipped; -1: the partition waits instead
        "maxPollIntervalMs": 300000,  # librdkafka's default; the retry budget must fit in it
    }


def test_host_telemetry_stays_on_the_application_insights_sdk() -> None:
    # telemetryMode OpenTelemetry is left out: Microsoft lists only HTTP, Service Bus and Event
    # Hubs triggers as supported with it, not Kafka (docs/operations.md, "host.json").
    assert "telemetryMode" not in HOST
