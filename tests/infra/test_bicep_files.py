"""Every Bicep file parses with a real Bicep parser, and the parse can be trusted.

The other infrastructure tests read the parsed trees; these check that the trees hold every
resource the files declare, that modules are called with parameters they declare, and that no
output can carry a secret.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from tests.infra.bicep import (
    INFRA,
    MAIN,
    Template,
    bicep_files,
    parsed,
    references,
    symbols,
    walk,
)
from tests.infra.deployment import KAFKA_SECURITY, NETWORK_ACCESS, PLANS, deploy

FILES = bicep_files()
_ids = [str(path.relative_to(INFRA)) for path in FILES]

# Resource types whose current API version is a preview, each with the one version allowed.
# Microsoft.Insights/diagnosticSettings: Azure's template reference has no released version newer
# than 2016-09-01, and every current sample (azure-quickstart-templates, Azure Verified Modules)
# uses 2021-05-01-preview.
PREVIEW_ONLY = {"Microsoft.Insights/diagnosticSettings": "2021-05-01-preview"}


def test_the_infrastructure_is_split_into_the_expected_files() -> None:
    assert {str(p.relative_to(INFRA)) for p in FILES} == {
        "main.bicep",
        "app/function-app.bicep",
        "app/alerts.bicep",
        "app/dashboard.bicep",
        "core/keyvault.bicep",
        "core/monitoring.bicep",
        "core/network.bicep",
        "core/private-endpoint.bicep",
        "core/sql.bicep",
        "core/storage.bicep",
    }


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_the_parser_keeps_every_declared_resource(path: Path) -> None:
    # A parser that silently dropped a resource would make every other assertion vacuous.
    declared = re.findall(r"(?m)^resource\s+(\w+)\s", path.read_text())
    assert sorted(parsed(path).get("resources", {})) == sorted(declared)
    nested = re.findall(r"(?m)^[ \t]+resource[ \t]+\w+[ \t]", path.read_text())
    assert nested == [], "declare child resources at top level with parent: (parser limitation)"


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_no_symbol_is_also_a_string_literal(path: Path) -> None:
    # The parse tree does not tell identifiers from strings; the evaluator relies on this.
    text = path.read_text()
    clashes = sorted(name for name in symbols(path) if f"'{name}'" in text)
    assert clashes == []


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_api_versions_are_released_ones(path: Path) -> None:
    resources = parsed(path).get("resources", {}).values()
    versions = [(spec["type"], spec["api_version"]) for spec in resources]
    assert versions
    for type_, version in versions:
        if type_ in PREVIEW_ONLY:
            assert version == PREVIEW_ONLY[type_], (type_, version)
        else:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", version), (type_, version)


def test_main_deploys_to_a_resource_group_so_az_deployment_group_create_works() -> None:
    assert parsed(MAIN)["globals"]["scope"]["value"] == "resourceGroup"


def test_modules_exist_and_are_called_with_parameters_they_declare() -> None:
    main = parsed(MAIN)
    for symbol, module in main["modules"].items():
        path = (MAIN.parent / module["detail"]["path"]).resolve()
        assert path.is_file(), symbol
        config = module["config"].get("config", module["config"])
        passed = set(config["params"])
        declared = parsed(path)["parameters"]
        required = {name for name, spec in declared.items() if spec.get("default") is None}
        assert passed <= set(declared), f"{symbol}: unknown {passed - set(declared)}"
        assert required <= passed, f"{symbol}: missing {required - passed}"


@pytest.mark.parametrize(
    ("plan", "security", "network"), list(itertools.product(PLANS, KAFKA_SECURITY, NETWORK_ACCESS))
)
def test_every_combination_of_the_choices_instantiates(
    plan: str, security: str, network: str
) -> None:
    main = deploy(
        hostingPlan=plan,
        kafkaSecurity=security,
        publicNetworkAccessForDevelopment=network,
        allowedIpAddresses=["203.0.113.7"],
    )
    deployed = list(main.all_templates())
    # main, monitoring, network, storage, Key Vault, SQL, the app, alerts, and one private
    # endpoint each for SQL, Key Vault, blob, queue, table (and file on Elastic Premium).
    assert len(deployed) == (13 if plan == "FlexConsumption" else 14)
    for template in deployed:
        for name in template.tree.get("outputs", {}):
            template.output(name)


def _secure_parameters(tree: dict[str, Any]) -> set[str]:
    return {
        name
        for name, spec in tree.get("parameters", {}).items()
        if any(d["type"] == "secure" for d in spec.get("decorators", []))
    }


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_no_output_carries_a_secret(path: Path) -> None:
    tree = parsed(path)
    outputs = tree.get("outputs", {})
    assert not references(outputs, _secure_parameters(tree))
    text = repr(outputs)
    for secret_marker in ("listKeys", "list_keys", "ConnectionString", "InstrumentationKey"):
        assert secret_marker not in text
    assert all(
        not any(d["type"] == "secure" for d in spec.get("decorators", []))
        for spec in outputs.values()
    ), "a secure output is still a secret in the deployment history"


def test_storage_keys_are_read_only_into_a_key_vault_secret() -> None:
    readers = []
    for path in FILES:
        for symbol, spec in parsed(path).get("resources", {}).items():
            if "listKeys(" in repr(spec) or any(
                isinstance(n, dict) and n.get("type") == "list_keys" for n in walk(spec)
            ):
                readers.append((path.name, symbol, spec["type"]))
    assert readers == [("keyvault.bicep", "contentConnection", "Microsoft.KeyVault/vaults/secrets")]


def test_secure_parameters_are_the_kafka_credentials_only() -> None:
    assert _secure_parameters(parsed(MAIN)) == {"kafkaUsername", "kafkaPassword"}
    keyvault = parsed(INFRA / "core" / "keyvault.bicep")
    assert _secure_parameters(keyvault) == {"kafkaUsername", "kafkaPassword"}


def test_templates_instantiate_with_their_defaults_only() -> None:
    main = deploy()
    assert isinstance(main, Template)
    assert main.params["hostingPlan"] == "FlexConsumption"
    assert main.params["pythonVersion"] == "3.13"
    assert main.params["kafkaSecurity"] == "saslSsl"
