"""A function app started under the harness as the host starts it, ready for invocations.

``start_app`` runs the host's start-up sequence against a fresh worker process: init (the worker
indexes the app), function metadata, then a load request for every function the worker reported.
An indexing or load failure raises ``WorkerRefusedError`` with the worker's own message, so a
test that starts the real app fails on it, and so does CI.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from demo.functions_host import KafkaMessage
from tests.worker.host import ROOT, FunctionsHost, IndexedFunction
from tests.worker.payloads import HttpRequest, http_request, kafka_string_batch

SUCCESS = 1  # StatusResult.Status.Success; Failure is 0


class WorkerRefusedError(AssertionError):
    """The worker answered a start-up request with a failure."""


@dataclass(frozen=True, slots=True)
class Protocol:
    """The generated protocol module and the directory it was generated into."""

    protos: ModuleType
    generated: Path


def succeeded(response: Any) -> bool:
    return bool(response.result.status == SUCCESS)


def failure_message(response: Any) -> str:
    return str(response.result.exception.message)


@dataclass
class StartedApp:
    host: FunctionsHost
    init: Any  # WorkerInitResponse
    metadata: Any  # FunctionMetadataResponse
    functions: dict[str, IndexedFunction]

    @property
    def protos(self) -> ModuleType:
        return self.host.protos

    def invoke_kafka(
        self,
        name: str,
        messages: Sequence[KafkaMessage],
        *,
        arg_name: str = "events",
        retry_count: int = 0,
    ) -> Any:
        """One batch, as the host delivers it; the worker's ``InvocationResponse``."""
        inputs = kafka_string_batch(self.protos, name, messages, arg_name=arg_name)
        return self.host.invoke(
            self.functions[name],
            inputs.input_data,
            inputs.trigger_metadata,
            retry_count=retry_count,
        )

    def invoke_http(self, name: str, request: HttpRequest, *, arg_name: str = "req") -> Any:
        """One HTTP request, as the host forwards it; the worker's ``InvocationResponse``."""
        inputs = http_request(self.protos, request, arg_name=arg_name)
        return self.host.invoke(self.functions[name], inputs.input_data, inputs.trigger_metadata)

    def host_log_messages(self) -> list[str]:
        return [str(log.message) for log in self.host.logs]


def _required(response: Any, what: str) -> Any:
    if not succeeded(response):
        raise WorkerRefusedError(f"{what}: {failure_message(response)}")
    return response


def start_app(
    protocol: Protocol,
    settings: Mapping[str, str],
    output: Path,
    app_directory: Path = ROOT,
) -> StartedApp:
    """The started app; the caller closes ``.host``. Raises ``WorkerRefusedError`` on a failure."""
    host = FunctionsHost(protocol.protos, protocol.generated, settings, app_directory)
    host.start(output)
    try:
        init = _required(host.init(), "the worker could not index the app")
        metadata = _required(host.metadata(), "function metadata failed")
        functions = {str(m.name): IndexedFunction(m) for m in metadata.function_metadata_results}
        for name, function in functions.items():
            _required(host.load(function), f"could not load {name}")
    except BaseException:
        host.close()
        raise
    return StartedApp(host, init, metadata, functions)
