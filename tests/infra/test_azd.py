"""azure.yaml and main.parameters.json: what `azd up` deploys, with which parameters."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import yaml

from tests.infra.bicep import INFRA, MAIN, ROOT, parsed
from tests.infra.deployment import deploy, site

AZURE_YAML = ROOT / "azure.yaml"
PARAMETERS = INFRA / "main.parameters.json"


def _azure_yaml() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(AZURE_YAML.read_text())
    return document


def _parameters() -> dict[str, Any]:
    parameters: dict[str, Any] = json.loads(PARAMETERS.read_text())["parameters"]
    return parameters


def test_azd_provisions_main_bicep_and_publishes_the_repository_as_a_python_function() -> None:
    document = _azure_yaml()
    assert document["infra"] == {"provider": "bicep", "path": "infra", "module": "main"}
    assert (ROOT / document["infra"]["path"] / f"{document['infra']['module']}.bicep").is_file()
    (name,) = document["services"]
    service = document["services"][name]
    assert service == {"project": ".", "language": "python", "host": "function"}
    # azd finds the app to publish by this tag.
    assert site(deploy()).body["tags"]["azd-service-name"] == name


def test_the_post_deployment_script_runs_after_provisioning() -> None:
    hook = _azure_yaml()["hooks"]["postprovision"]["posix"]
    assert hook["shell"] == "sh"
    assert hook["continueOnError"] is False
    script = ROOT / hook["run"]
    assert script.is_file()
    assert os.access(script, os.X_OK)


def test_parameters_file_names_only_parameters_main_declares() -> None:
    declared = parsed(MAIN)["parameters"]
    given = _parameters()
    assert set(given) <= set(declared), sorted(set(given) - set(declared))
    required = {name for name, spec in declared.items() if spec.get("default") is None}
    assert required <= set(given), sorted(required - set(given))


def test_parameters_come_from_azd_environment_variables_never_literal_secrets() -> None:
    for name, spec in _parameters().items():
        value = spec["value"]
        assert isinstance(value, str)
        assert re.fullmatch(r"\$\{[A-Z_]+(=[\w.-]*)?\}", value), (name, value)
    # The Kafka credentials are not passed through azd: set them in Key Vault (see docs).
    assert {"kafkaUsername", "kafkaPassword"}.isdisjoint(_parameters())


def test_defaults_in_the_parameters_file_are_allowed_values() -> None:
    declared = parsed(MAIN)["parameters"]
    for name, spec in _parameters().items():
        match = re.fullmatch(r"\$\{[A-Z_]+=([\w.-]*)\}", spec["value"])
        if match is None:
            continue
        allowed = [d["argument"] for d in declared[name]["decorators"] if d["type"] == "allowed"]
        if allowed:
            assert match.group(1) in allowed[0], name
        if declared[name]["type"] == "string" and declared[name].get("default") is not None:
            assert match.group(1) == declared[name]["default"], name


def test_the_sql_admin_defaults_to_the_signed_in_azd_user() -> None:
    assert _parameters()["sqlAdminObjectId"]["value"] == "${AZURE_PRINCIPAL_ID}"
    assert _parameters()["environmentName"]["value"] == "${AZURE_ENV_NAME}"
