"""Fixtures of the worker tests: the protocol generated once per run, apps started per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.worker import protocol as generated_protocol
from tests.worker.app import Protocol, StartedApp, start_app
from tests.worker.host import ROOT

# The app settings every start gets unless a test says otherwise (local plaintext broker).
BASE_SETTINGS = {
    "KAFKA_BROKER_LIST": "localhost:9092",
    "KAFKA_CUSTOMERS_TOPIC": "customers",
    "KAFKA_CONSUMER_GROUP": "telesales-contacts",
}

StartApp = Callable[..., StartedApp]


@pytest.fixture(scope="session")
def protocol(tmp_path_factory: pytest.TempPathFactory) -> Protocol:
    out = generated_protocol.generate(tmp_path_factory.mktemp("protocol"))
    return Protocol(generated_protocol.load(out), out)


@pytest.fixture
def start(protocol: Protocol, tmp_path: Path) -> Iterator[StartApp]:
    """``start(settings, app_directory=ROOT)``: the app started under the harness with
    ``BASE_SETTINGS`` and ``settings`` as its app settings; every worker ends with the test."""
    with ExitStack() as stack:
        count = 0

        def started(settings: Mapping[str, str], app_directory: Path = ROOT) -> StartedApp:
            nonlocal count
            count += 1
            output = tmp_path / f"worker-{count}.log"
            app = start_app(protocol, {**BASE_SETTINGS, **settings}, output, app_directory)
            stack.callback(app.host.close)
            return app

        yield started
