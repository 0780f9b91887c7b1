"""The local setup: compose.yaml, local.settings.json.example and .funcignore agree.

compose.yaml is read by a validating Compose-spec parser (``compose-spec``, the Rust
``compose_spec`` crate's bindings): an unknown key or a malformed port is an error there.
Docker itself cannot run here, so the containers are not started; what is checked is that the
file is valid Compose and that it matches what ``func start`` will be told.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from compose_spec import PyCompose

from adapters.engines.mssql.url import Authentication, parse_mssql_url
from tests.infra.bicep import ROOT
from tests.infra.deployment import local_settings

COMPOSE = ROOT / "compose.yaml"
FUNCIGNORE = ROOT / ".funcignore"
# Where the example's BANK2_URL wants the password you chose for the container.
PASSWORD_PLACEHOLDER = "<BANK2_SA_PASSWORD>"  # noqa: S105 - a placeholder, no password


def _compose() -> dict[str, Any]:
    compose = PyCompose.from_yaml(COMPOSE.read_text())
    compose.validate()
    spec: dict[str, Any] = compose.to_dict()
    return spec


def _services() -> dict[str, Any]:
    services: dict[str, Any] = _compose()["services"]
    return services


def _required_variable(value: str) -> tuple[str, str] | None:
    """(NAME, error message) of a Compose ``${NAME:?message}`` interpolation, else None."""
    match = re.fullmatch(r"\$\{(\w+):\?([^}]+)\}", value)
    return (match.group(1), match.group(2)) if match else None


def test_compose_is_valid_and_runs_kafka_sql_server_and_azurite() -> None:
    services = _services()
    assert set(services) == {"kafka", "kafka-topics", "sqlserver", "bank2-database", "azurite"}
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["sqlserver"]["image"].startswith("mcr.microsoft.com/mssql/server:")
    assert services["azurite"]["image"].startswith("mcr.microsoft.com/azure-storage/azurite")


def test_kafka_is_a_single_kraft_node_without_zookeeper() -> None:
    environment = _services()["kafka"]["environment"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert environment["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert str(environment["KAFKA_NODE_ID"]) == "1"
    assert not any("ZOOKEEPER" in name for name in environment)
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"


@pytest.mark.parametrize("service", ["kafka", "sqlserver", "azurite"])
def test_long_running_services_have_health_checks_and_loopback_only_ports(service: str) -> None:
    spec = _services()[service]
    assert spec["healthcheck"]["test"]
    assert spec["healthcheck"]["retries"] >= 10
    for port in spec["ports"]:
        assert str(port).startswith("127.0.0.1:"), port


@pytest.mark.parametrize(
    ("one_shot", "waits_for"), [("kafka-topics", "kafka"), ("bank2-database", "sqlserver")]
)
def test_one_shot_setup_waits_for_a_healthy_service(one_shot: str, waits_for: str) -> None:
    spec = _services()[one_shot]
    assert spec["depends_on"] == {waits_for: {"condition": "service_healthy"}}
    assert spec["restart"] == "no"
    assert "healthcheck" in _services()[waits_for]


def test_the_topics_created_are_the_ones_the_function_reads() -> None:
    script = " ".join(_services()["kafka-topics"]["command"])
    (topics,) = re.findall(r"for topic in ([\w\- ]+); do", script)
    settings = local_settings()
    assert set(topics.split()) == {
        settings["KAFKA_CUSTOMERS_TOPIC"],
        settings["KAFKA_DEAD_LETTER_TOPIC"],
    }
    assert "--partitions 4" in script
    assert "--bootstrap-server kafka:29092" in script  # the listener for containers


def test_the_function_and_the_producer_reach_the_advertised_host_listener() -> None:
    environment = _services()["kafka"]["environment"]
    advertised = dict(
        item.split("://", 1) for item in environment["KAFKA_ADVERTISED_LISTENERS"].split(",")
    )
    assert advertised["HOST"] == local_settings()["KAFKA_BROKER_LIST"] == "localhost:9092"
    assert "127.0.0.1:9092:9092" in _services()["kafka"]["ports"]
    # The container's listeners are plaintext: no SASL locally.
    assert local_settings()["KAFKA_PROTOCOL"] == "NotSet"
    assert local_settings()["KAFKA_AUTHENTICATION_MODE"] == "NotSet"


@pytest.mark.parametrize("service", ["sqlserver", "bank2-database"])
def test_the_sa_password_comes_only_from_the_environment(service: str) -> None:
    # ${BANK2_SA_PASSWORD:?...}: Compose refuses to start without it and has no default to fall
    # back on, so no password is written in the repository.
    value = _services()[service]["environment"]["MSSQL_SA_PASSWORD"]
    required = _required_variable(value)
    assert required is not None, value
    name, message = required
    assert name == "BANK2_SA_PASSWORD"
    assert "BANK2_SA_PASSWORD" in message


def test_no_sql_server_password_is_written_in_the_local_files() -> None:
    compose = COMPOSE.read_text()
    # Every mention of the variable is the required form; no ${...:-default} or ${...-default}.
    assert not re.search(r"\$\{BANK2_SA_PASSWORD:?[-=]", compose)
    assert compose.count("${BANK2_SA_PASSWORD:?") == 2  # sqlserver and bank2-database
    url = local_settings()["BANK2_URL"]
    # The example names where the password goes; it holds none.
    assert urlsplit(url).password == PASSWORD_PLACEHOLDER


def test_bank2_url_names_the_container_database_once_the_password_is_filled_in() -> None:
    # A password SQL Server accepts, with characters a URL must percent-encode.
    chosen = "Pick-y0ur-own@local:pw/%"
    url = local_settings()["BANK2_URL"].replace(PASSWORD_PLACEHOLDER, quote(chosen, safe=""))
    target = parse_mssql_url(url)
    assert target.authentication is Authentication.SQL_LOGIN
    assert (target.server, target.port, target.database) == ("localhost", 1433, "bank2")
    assert target.trust_server_certificate == "yes"  # the container's self-signed certificate
    assert target.user == "sa"
    assert target.password == chosen
    create = " ".join(_services()["bank2-database"]["command"])
    assert f"CREATE DATABASE {target.database}" in create


def test_local_settings_use_azurite_and_no_application_insights() -> None:
    settings = local_settings()
    assert settings["AzureWebJobsStorage"] == "UseDevelopmentStorage=true"
    azurite_ports = {str(p).rsplit(":", 1)[-1] for p in _services()["azurite"]["ports"]}
    assert azurite_ports == {"10000", "10001", "10002"}  # the development storage endpoints
    assert settings["APPLICATIONINSIGHTS_CONNECTION_STRING"] == ""


def _ignored(path: str, patterns: list[str]) -> bool:
    parts = path.split("/")
    return any(fnmatch.fnmatch(part, pattern) for pattern in patterns for part in parts) or any(
        fnmatch.fnmatch(path, pattern) for pattern in patterns
    )


def _funcignore() -> list[str]:
    lines = FUNCIGNORE.read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_funcignore_keeps_tests_tooling_and_infrastructure_out_of_the_package() -> None:
    patterns = _funcignore()
    for path in (
        "tests/infra/test_local_dev.py",
        "demo/producer.py",
        "bench/x.py",
        "adapters/engines/scratch.py",
        "infra/main.bicep",
        "local.settings.json",
        "compose.yaml",
        "azure.yaml",
        ".venv/bin/python",
        "requirements-dev.txt",
        "docs/operations.md",
    ):
        assert _ignored(path, patterns), path


def test_funcignore_keeps_everything_the_function_imports() -> None:
    patterns = _funcignore()
    for path in ("function_app.py", "host.json", "requirements.txt"):
        assert not _ignored(path, patterns), path
    deployed = {"function_app.py"}
    pending = ["function_app.py"]
    while pending:  # follow the project's own imports from the entry point
        source = (ROOT / pending.pop()).read_text()
        for node in ast.walk(ast.parse(source)):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # "from package import module" imports a module too.
                modules += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                modules += [alias.name for alias in node.names]
            for module in modules:
                candidate = module.replace(".", "/")
                for path in (f"{candidate}.py", f"{candidate}/__init__.py"):
                    if (ROOT / path).is_file() and path not in deployed:
                        deployed.add(path)
                        pending.append(path)
    assert {p.split("/")[0] for p in deployed} >= {"adapters", "service", "domain"}
    shipped_sql = [str(p.relative_to(ROOT)) for p in (ROOT / "adapters").rglob("*.sql")]
    for path in sorted(deployed) + shipped_sql:
        assert not _ignored(path, patterns), path
