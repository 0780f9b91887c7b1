"""Plays the Functions host's side of the worker protocol: a gRPC server the worker connects to.

``FunctionsHost`` starts the worker process (``tests/worker/worker_process.py``, standing in for
the platform's proxy worker around the real ``azure_functions_runtime``) with the app settings as
its environment, as the host does, and then sends what the host sends at start-up and for each
event: ``WorkerInitRequest``, ``FunctionsMetadataRequest``, one ``FunctionLoadRequest`` per
indexed function, and ``InvocationRequest``s. Each answer is the worker's reply as it crossed
the wire; the ``RpcLog`` messages in between are kept in ``logs``.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping
from concurrent import futures
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc

ROOT = Path(__file__).resolve().parents[2]
# The host version it announces; this harness implements the protocol, not a host build.
HOST_VERSION = "4.1040.0"
# What a host of that generation offers the worker (WorkerInitRequest.capabilities).
HOST_CAPABILITIES = {"TypedDataCollection": "true", "RpcHttpBodyOnly": "true"}
ANSWER_TIMEOUT_S = 60
_END = object()


class WorkerGoneError(RuntimeError):
    """The worker process ended, or did not answer in time."""


@dataclass(frozen=True, slots=True)
class IndexedFunction:
    """A function as the worker reported it to the host, with the id the host loads it by."""

    metadata: Any  # RpcFunctionMetadata

    @property
    def function_id(self) -> str:
        return str(self.metadata.function_id)


class _EventStream:
    """The host's end of the one bidirectional stream the worker opens."""

    def __init__(self) -> None:
        self.to_worker: queue.Queue[Any] = queue.Queue()
        self.from_worker: queue.Queue[Any] = queue.Queue()

    def EventStream(self, requests: Iterator[Any], context: grpc.ServicerContext) -> Iterator[Any]:  # noqa: N802 - the generated servicer's name
        def read() -> None:
            for message in requests:
                self.from_worker.put(message)
            self.from_worker.put(_END)

        threading.Thread(target=read, name="host-reader", daemon=True).start()
        while (message := self.to_worker.get()) is not _END:
            yield message


class FunctionsHost:
    def __init__(
        self,
        protos: ModuleType,
        generated: Path,
        settings: Mapping[str, str],
        app_directory: Path = ROOT,
    ) -> None:
        self.protos = protos
        self.app_directory = app_directory
        self.logs: list[Any] = []  # RpcLog
        self._generated = generated
        self._settings = dict(settings)
        self._stream = _EventStream()
        self._server: grpc.Server | None = None
        self._worker: subprocess.Popen[bytes] | None = None
        self._output: Path | None = None

    # --- the worker process ------------------------------------------------------------------

    def start(self, output: Path) -> Any:
        """Starts the server and the worker; returns the worker's ``StartStream``."""
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        servicer_type = type("HostServicer", (_EventStream, self.protos.FunctionRpcServicer), {})
        servicer = servicer_type()
        self._stream = servicer
        self.protos.add_FunctionRpcServicer_to_server(servicer, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        self._server = server
        self._output = output
        environment = {
            # The app settings are the worker's environment, and nothing of this test run's.
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "FUNCTIONS_WORKER_RUNTIME": "python",
            **self._settings,
        }
        with output.open("wb") as log:
            self._worker = subprocess.Popen(  # noqa: S603 - this interpreter, this repository's module
                [
                    sys.executable,
                    "-m",
                    "tests.worker.worker_process",
                    "--host=127.0.0.1",
                    f"--port={port}",
                    f"--functions-worker-id={uuid.uuid4()}",
                    f"--functions-request-id={uuid.uuid4()}",
                    f"--protos={self._generated}",
                ],
                cwd=self.app_directory,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self._answer("start_stream")

    def close(self) -> int | None:
        """Ends the stream, as the host does on shutdown; returns the worker's exit status."""
        self._stream.to_worker.put(_END)
        status = None
        if self._worker is not None:
            try:
                status = self._worker.wait(timeout=ANSWER_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self._worker.kill()
                status = self._worker.wait()
        if self._server is not None:
            self._server.stop(grace=None)
        return status

    def worker_output(self) -> str:
        """What the worker process printed (its own console, not the host's logs)."""
        return self._output.read_text(errors="replace") if self._output else ""

    # --- the messages the host sends -----------------------------------------------------------

    def send(self, **content: Any) -> str:
        request_id = str(uuid.uuid4())
        self._stream.to_worker.put(self.protos.StreamingMessage(request_id=request_id, **content))
        return request_id

    def _answer(self, kind: str) -> Any:
        """The worker's next message of ``kind``, keeping the logs that come before it."""
        while True:
            try:
                message = self._stream.from_worker.get(timeout=ANSWER_TIMEOUT_S)
            except queue.Empty:
                raise WorkerGoneError(
                    f"no {kind} in {ANSWER_TIMEOUT_S} s\n{self.worker_output()}"
                ) from None
            if message is _END:
                raise WorkerGoneError(f"the worker ended before {kind}\n{self.worker_output()}")
            found = message.WhichOneof("content")
            if found == "rpc_log":
                self.logs.append(message.rpc_log)
            elif found == kind:
                return getattr(message, kind)

    def init(self) -> Any:
        """``WorkerInitRequest``: the worker indexes the app here and says whether it could."""
        self.send(
            worker_init_request=self.protos.WorkerInitRequest(
                host_version=HOST_VERSION,
                capabilities=HOST_CAPABILITIES,
                function_app_directory=str(self.app_directory),
            )
        )
        return self._answer("worker_init_response")

    def metadata(self) -> Any:
        """``FunctionsMetadataRequest``: the functions the worker indexed, as the host reads."""
        self.send(
            functions_metadata_request=self.protos.FunctionsMetadataRequest(
                function_app_directory=str(self.app_directory)
            )
        )
        return self._answer("function_metadata_response")

    def load(self, function: IndexedFunction) -> Any:
        self.send(
            function_load_request=self.protos.FunctionLoadRequest(
                function_id=function.function_id, metadata=function.metadata
            )
        )
        return self._answer("function_load_response")

    def invoke(
        self,
        function: IndexedFunction,
        input_data: list[Any],
        trigger_metadata: Mapping[str, Any],
        *,
        retry_count: int = 0,
    ) -> Any:
        """``InvocationRequest``: one call of ``function``; returns its ``InvocationResponse``."""
        self.send(
            invocation_request=self.protos.InvocationRequest(
                invocation_id=str(uuid.uuid4()),
                function_id=function.function_id,
                input_data=input_data,
                trigger_metadata=trigger_metadata,
                retry_context=self.protos.RetryContext(retry_count=retry_count),
            )
        )
        return self._answer("invocation_response")
