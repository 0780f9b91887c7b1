"""main.bicep instantiated for a deployment's parameters, and what the Function App gets from it."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from itertools import count
from typing import Any

import pytest
from azure.functions.decorators.function_app import Function

from adapters.settings import APP_SETTINGS
from tests.infra.bicep import MAIN, ROOT, Ref, Resource, Template

# The parameters main.bicep has no default for.
REQUIRED: dict[str, Any] = {
    "environmentName": "dev",
    "kafkaBrokerList": "pkc-00000.brazilsouth.azure.confluent.cloud:9092",
    "sqlAdminLogin": "bank2-admins",
    "sqlAdminObjectId": "00000000-1111-2222-3333-444444444444",
}

PLANS = ("FlexConsumption", "ElasticPremium")
KAFKA_SECURITY = ("saslSsl", "eventHubs", "noAuthentication")
# publicNetworkAccessForDevelopment: private (the default), and the development opt-out.
NETWORK_ACCESS = ("Disabled", "ListedIpAddressesOnly")
LOCAL_SETTINGS = ROOT / "local.settings.json.example"

_variants = count()


def deploy(**parameters: Any) -> Template:
    return Template.instantiate(MAIN, REQUIRED | parameters)


def module(main: Template, symbol: str) -> Template:
    """A module main.bicep deploys in this variant (failing the test if it does not)."""
    deployed = main.module(symbol)
    assert deployed is not None, f"{symbol} is not deployed"
    return deployed


def function_app(main: Template) -> Template:
    return module(main, "functionApp")


def app_settings(main: Template) -> dict[str, Any]:
    (settings,) = [
        r
        for r in function_app(main).resources("Microsoft.Web/sites/config")
        if r.body["name"] == "appsettings"
    ]
    properties: dict[str, Any] = settings.body["properties"]
    return properties


def site(main: Template) -> Resource:
    (resource,) = function_app(main).resources("Microsoft.Web/sites")
    return resource


def plan(main: Template) -> Resource:
    (resource,) = function_app(main).resources("Microsoft.Web/serverfarms")
    return resource


def local_settings() -> dict[str, str]:
    values: dict[str, str] = json.loads(LOCAL_SETTINGS.read_text())["Values"]
    return values


def as_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """App settings as the worker sees them: what only Azure computes becomes a placeholder."""
    return {
        name: str(value) if isinstance(value, Ref) else value for name, value in settings.items()
    }


@contextmanager
def indexed_app(
    environ: Mapping[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Function]]:
    """A fresh import of function_app under these app settings, indexed as the worker does.

    function_app decides at import which bindings exist (a dead-letter output only when its
    topic is set, the payment processor only when its topic is), so each environment needs its
    own import, under a name of its own.
    """
    with monkeypatch.context() as patch:
        for name in list(_all_setting_names()):
            patch.delenv(name, raising=False)
        for name, value in environ.items():
            patch.setenv(name, value)
        module_name = f"function_app_variant_{next(_variants)}"
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "function_app.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
            yield list(module.app.get_functions())
        finally:
            del sys.modules[module_name]


def _all_setting_names() -> set[str]:
    return set(APP_SETTINGS) | set(local_settings())


def binding_setting_names(functions: list[Function]) -> set[str]:
    """Every %NAME% the indexed bindings ask the host to resolve from app settings."""
    names: set[str] = set()
    for function in functions:
        for binding in json.loads(function.get_function_json())["bindings"]:
            for value in binding.values():
                if isinstance(value, str) and value.startswith("%") and value.endswith("%"):
                    names.add(value.strip("%"))
    return names
