"""docs/gateway-openapi.yaml describes the functions the app registers, and what they answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from adapters.gateway.function import FUNCTION_NAMES
from tests.gateway.harness import body, deployed

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "gateway-openapi.yaml"


def description() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(OPENAPI.read_text())
    return loaded


def test_every_registered_function_is_an_operation() -> None:
    operations = {
        operation["operationId"]
        for path in description()["paths"].values()
        for operation in path.values()
    }
    assert operations == set(FUNCTION_NAMES)


def test_the_documented_schemas_accept_what_the_functions_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schemas = description()["components"]["schemas"]

    def check(instance: object, name: str) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
        jsonschema.validate(instance, schema)

    with deployed(f"sqlite:///{tmp_path / 'g.db'}", monkeypatch) as gateway:
        check(body("order-1"), "Submission")
        accepted = gateway.submit(body("order-1"))
        check(json.loads(accepted.get_body()), "Accepted")
        gateway.process()
        check(gateway.get("/transactions/order-1"), "Transaction")
        check(gateway.get("/transactions"), "Page")
        check(json.loads(gateway.submit(body("x", amount=[1])).get_body()), "Problem")
