"""Every setting the code reads is set, in Azure (Bicep) and locally, and none holds a secret.

The indexing tests import ``function_app`` the way the Python worker does, with the app settings
a deployment would have, and check that every ``%SETTING%`` its bindings name resolves to a value:
a binding that names a missing setting stops the Functions host from starting.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from azure.functions.decorators.kafka import BrokerAuthenticationMode, BrokerProtocol

from adapters.engines.mssql.url import Authentication, parse_mssql_url
from adapters.settings import APP_SETTINGS
from adapters.stream.bindings import KafkaBindings
from tests.infra.bicep import MAIN, Ref, Template, allowed_values
from tests.infra.deployment import (
    KAFKA_SECURITY,
    PLANS,
    app_settings,
    as_environment,
    binding_setting_names,
    deploy,
    indexed_app,
    local_settings,
)

PAYMENTS = {
    "kafkaTransactionsTopic": "card-transactions",
    "kafkaTransactionResultsTopic": "card-transaction-results",
    "kafkaPaymentsConsumerGroup": "payments",
    "kafkaPaymentsDeadLetterTopic": "card-transactions-dead-letter",
}
SENTINELS = {"kafkaUsername": "SENTINEL-user-7f3a", "kafkaPassword": "SENTINEL-password-c91e"}


@pytest.mark.parametrize(("plan", "security"), list(itertools.product(PLANS, KAFKA_SECURITY)))
def test_bicep_sets_every_app_setting_the_code_reads(plan: str, security: str) -> None:
    settings = app_settings(deploy(hostingPlan=plan, kafkaSecurity=security))
    assert set(APP_SETTINGS) <= set(settings), sorted(set(APP_SETTINGS) - set(settings))
    required = [name for name, needed in APP_SETTINGS.items() if needed]
    assert all(settings[name] for name in required)


def test_local_settings_example_sets_every_app_setting_the_code_reads() -> None:
    values = local_settings()
    assert set(APP_SETTINGS) <= set(values), sorted(set(APP_SETTINGS) - set(values))
    assert all(values[name] for name, needed in APP_SETTINGS.items() if needed)
    assert values["FUNCTIONS_WORKER_RUNTIME"] == "python"
    assert values["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"  # Azurite
    assert all(isinstance(value, str) for value in values.values())


def _deployments() -> list[Any]:
    variants: list[tuple[str, dict[str, Any]]] = [
        (f"{plan}-{security}", {"hostingPlan": plan, "kafkaSecurity": security})
        for plan, security in itertools.product(PLANS, KAFKA_SECURITY)
    ]
    variants.append(("dead-letters", {"kafkaDeadLetterTopic": "customers-dead-letter"}))
    variants.append(("payments", PAYMENTS | {"kafkaSecurity": "eventHubs"}))
    return [pytest.param(name, parameters, id=name) for name, parameters in variants]


@pytest.mark.parametrize(("name", "parameters"), _deployments())
def test_bindings_of_the_deployed_app_name_only_settings_bicep_sets(
    name: str, parameters: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = as_environment(app_settings(deploy(**parameters)))
    with indexed_app(settings, monkeypatch) as functions:
        names = binding_setting_names(functions)
        registered = {f.get_function_name() for f in functions}
    assert {"KAFKA_BROKER_LIST", "KAFKA_CUSTOMERS_TOPIC", "KAFKA_CONSUMER_GROUP"} <= names
    unset = sorted(n for n in names if not settings.get(n))
    assert unset == [], f"{name}: bindings name settings Bicep leaves empty: {unset}"
    assert ("process_transactions" in registered) == (name == "payments")


def test_bindings_of_the_local_app_name_only_settings_the_example_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = local_settings()
    with indexed_app(values, monkeypatch) as functions:
        names = binding_setting_names(functions)
    assert "KAFKA_DEAD_LETTER_TOPIC" in names  # the example turns dead-lettering on
    assert sorted(n for n in names if not values.get(n)) == []


@pytest.mark.parametrize(
    ("security", "mechanism"),
    [("saslSsl", m) for m in ("Plain", "ScramSha256", "ScramSha512")]
    + [("eventHubs", "Plain"), ("noAuthentication", "Plain")],
)
def test_protocol_and_mechanism_are_names_the_functions_library_accepts(
    security: str, mechanism: str
) -> None:
    settings = app_settings(deploy(kafkaSecurity=security, kafkaSaslMechanism=mechanism))
    bindings = KafkaBindings.from_environment(as_environment(settings))
    assert BrokerProtocol[bindings.protocol]
    assert BrokerAuthenticationMode[bindings.authentication_mode]
    if security == "noAuthentication":
        assert (settings["KAFKA_PROTOCOL"], settings["KAFKA_AUTHENTICATION_MODE"]) == (
            "NotSet",
            "NotSet",
        )
        assert settings["KAFKA_USERNAME"] == settings["KAFKA_PASSWORD"] == ""
    else:
        assert settings["KAFKA_PROTOCOL"] == "SaslSsl"
        expected = mechanism if security == "saslSsl" else "Plain"
        assert settings["KAFKA_AUTHENTICATION_MODE"] == expected


@pytest.mark.parametrize("security", ["saslSsl", "eventHubs"])
def test_kafka_credentials_are_key_vault_references(security: str) -> None:
    settings = app_settings(deploy(kafkaSecurity=security))
    reference = re.compile(
        r"@Microsoft\.KeyVault\(SecretUri=vault\.properties\.vaultUrisecrets/([a-z-]+)/\)"
    )
    username = reference.fullmatch(settings["KAFKA_USERNAME"])
    password = reference.fullmatch(settings["KAFKA_PASSWORD"])
    assert username is not None
    assert password is not None
    assert (username.group(1), password.group(1)) == ("kafka-username", "kafka-password")


def _keyvault(main: Template) -> Template:
    module = main.module("keyVault")
    assert module is not None
    return module


def _secret_values(main: Template) -> dict[str, Any]:
    return {
        r.body["name"]: r.body["properties"]["value"]
        for r in _keyvault(main).resources("Microsoft.KeyVault/vaults/secrets")
    }


def test_event_hubs_uses_the_literal_connection_string_user_name() -> None:
    main = deploy(kafkaSecurity="eventHubs", kafkaPassword=SENTINELS["kafkaPassword"])
    secrets = _secret_values(main)
    assert secrets["kafka-username"] == "$ConnectionString"
    assert secrets["kafka-password"] == SENTINELS["kafkaPassword"]


def test_credentials_left_empty_are_not_created_but_still_referenced() -> None:
    # The operator sets them later with `az keyvault secret set`; nothing passes a deployment.
    main = deploy()
    assert _secret_values(main) == {}
    assert app_settings(main)["KAFKA_PASSWORD"].startswith("@Microsoft.KeyVault(")


@pytest.mark.parametrize(
    ("plan", "security"), list(itertools.product(PLANS, ("saslSsl", "eventHubs")))
)
def test_secrets_reach_key_vault_and_nothing_else(plan: str, security: str) -> None:
    main = deploy(hostingPlan=plan, kafkaSecurity=security, **SENTINELS)
    leaks: list[str] = []
    for template in main.all_templates():
        for resource in template.resources():
            if resource.type == "Microsoft.KeyVault/vaults/secrets":
                continue
            if any(s in repr(resource.body) for s in SENTINELS.values()):
                leaks.append(f"{template.path.name}:{resource.symbol}")
        leaks.extend(
            f"{template.path.name}:output {output}"
            for output in template.tree.get("outputs", {})
            if any(s in repr(template.output(output)) for s in SENTINELS.values())
        )
    assert leaks == []
    stored = _secret_values(main)
    assert SENTINELS["kafkaPassword"] in stored.values()
    assert (SENTINELS["kafkaUsername"] in stored.values()) == (security == "saslSsl")


@pytest.mark.parametrize("plan", PLANS)
def test_no_plain_app_setting_holds_a_credential(plan: str) -> None:
    for name, value in app_settings(deploy(hostingPlan=plan, **SENTINELS)).items():
        text = str(value)
        lowered = text.lower()
        for marker in ("accountkey=", "password=", "pwd=", "sharedaccesskey", "listkeys"):
            assert marker not in lowered, name
        if "secret" in name.lower() or "password" in name.lower():
            assert text == "" or text.startswith("@Microsoft.KeyVault(SecretUri="), name


def _concrete(url: str, client_ids: dict[str, str]) -> str:
    """The URL with the values Azure fills in at deployment."""
    url = url.replace(
        "server.properties.fullyQualifiedDomainName", "sql-dev-abc.database.windows.net"
    )
    for placeholder, client_id in client_ids.items():
        url = url.replace(placeholder, client_id)
    return url


CLIENT_IDS = {
    "customersIdentity.properties.clientId": "5b1f0c0e-0000-4000-8000-000000000001",
    "paymentsIdentity.properties.clientId": "5b1f0c0e-0000-4000-8000-000000000002",
}


@pytest.mark.parametrize("plan", PLANS)
def test_each_function_signs_in_to_bank2_as_its_own_identity_with_no_password(
    plan: str,
) -> None:
    settings = app_settings(deploy(hostingPlan=plan))
    # The customer projection (BANK2_URL) and the payment processor (PAYMENTS_DB_URL, which the
    # payment processor prefers to BANK2_URL) reach the same database on connections of their
    # own, each as the identity whose contained user holds that function's grants only.
    expected = {
        "BANK2_URL": "customersIdentity.properties.clientId",
        "PAYMENTS_DB_URL": "paymentsIdentity.properties.clientId",
    }
    for setting, client_id in expected.items():
        url = settings[setting]
        assert url == (
            "mssql+pyodbc://server.properties.fullyQualifiedDomainName/bank2"
            f"?authentication=ActiveDirectoryMsi&client_id={client_id}"
        ), setting
        # The code's own parser, with the values Azure fills in at deployment.
        target = parse_mssql_url(_concrete(url, CLIENT_IDS))
        assert target.authentication is Authentication.MANAGED_IDENTITY
        assert target.client_id == CLIENT_IDS[client_id]
        assert target.password is None
        assert target.database == "bank2"
    # The host's identity, not a function's, is the default azure-identity signs in with.
    assert settings["AZURE_CLIENT_ID"] == "hostIdentity.properties.clientId"
    assert isinstance(settings["AZURE_CLIENT_ID"], Ref)


def test_the_removal_marker_retention_is_a_positive_number_of_days() -> None:
    assert (
        app_settings(deploy(bank2RemovalMarkerRetentionDays=90))[
            "BANK2_REMOVAL_MARKER_RETENTION_DAYS"
        ]
        == "90"
    )


def test_kafka_choices_are_limited_to_supported_endpoints() -> None:
    assert allowed_values(MAIN, "kafkaSecurity") == ["saslSsl", "eventHubs", "noAuthentication"]
    assert allowed_values(MAIN, "kafkaSaslMechanism") == ["Plain", "ScramSha256", "ScramSha512"]


def test_the_dead_letter_topic_is_optional_and_passed_through() -> None:
    assert app_settings(deploy())["KAFKA_DEAD_LETTER_TOPIC"] == ""
    settings = app_settings(deploy(kafkaDeadLetterTopic="customers-dead-letter"))
    assert settings["KAFKA_DEAD_LETTER_TOPIC"] == "customers-dead-letter"
