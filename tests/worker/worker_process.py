"""A stand-in, named as such, for the platform's Python proxy worker: the process the Functions
host starts, which speaks gRPC to the host and hands each request to ``azure_functions_runtime``.

On Azure (Python 3.13+) that proxy ships in the platform image, not on PyPI; the app pins only the
runtime package it loads (``requirements.txt``). This stand-in does what the proxy's dispatcher
does (Azure/azure-functions-python-worker, ``workers/proxy_worker/dispatcher.py``) and nothing
more: it connects to the host's gRPC server, opens the ``EventStream`` with ``StartStream``,
starts the runtime's thread pool, and passes each request to the runtime's handler as a
``WorkerRequest(name, request, properties)`` (``protos`` and ``host`` for init), sending back
the response in a ``StreamingMessage``; log records go to the host as ``RpcLog`` messages.

    python -m tests.worker.worker_process --host 127.0.0.1 --port 50051 \\
        --functions-worker-id W --functions-request-id R --protos GENERATED_DIR

The function app directory is the working directory, as the host starts the worker there.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import queue
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc

from tests.worker.protocol import load

CONNECT_TIMEOUT_S = 30
# The request kinds the proxy passes to the runtime, with the name it gives each.
HANDLERS = {
    "worker_init_request": ("WorkerInitRequest", "worker_init_request", "worker_init_response"),
    "functions_metadata_request": (
        "WorkerMetadataRequest",
        "functions_metadata_request",
        "function_metadata_response",
    ),
    "function_load_request": (
        "FunctionLoadRequest",
        "function_load_request",
        "function_load_response",
    ),
    "invocation_request": (
        "FunctionInvocationRequest",
        "invocation_request",
        "invocation_response",
    ),
}
_STOP = object()


@dataclass
class WorkerRequest:
    """What the proxy hands the runtime: the host's message, and for init its protocol module."""

    name: str
    request: Any
    properties: dict[str, Any] = field(default_factory=dict)


class HostLogHandler(logging.Handler):
    """Every log record of the worker process, sent to the host as an ``RpcLog``."""

    def __init__(self, protos: ModuleType, request_id: str, outgoing: queue.Queue[Any]) -> None:
        super().__init__()
        self._protos, self._request_id, self._outgoing = protos, request_id, outgoing

    def emit(self, record: logging.LogRecord) -> None:
        rpc_log = self._protos.RpcLog
        level = (
            rpc_log.Error
            if record.levelno >= logging.ERROR
            else rpc_log.Warning
            if record.levelno >= logging.WARNING
            else rpc_log.Information
            if record.levelno >= logging.INFO
            else rpc_log.Debug
        )
        message = rpc_log(level=level, message=self.format(record), category=record.name)
        self._outgoing.put(
            self._protos.StreamingMessage(request_id=self._request_id, rpc_log=message)
        )


class ProxyWorker:
    def __init__(self, protos: ModuleType, runtime: ModuleType, host: str, request_id: str) -> None:
        self._protos, self._runtime = protos, runtime
        self._host, self._request_id = host, request_id
        self.outgoing: queue.Queue[Any] = queue.Queue()

    def messages_to_host(self) -> Iterator[Any]:
        while (message := self.outgoing.get()) is not _STOP:
            yield message

    async def handle(self, message: Any) -> None:
        kind = message.WhichOneof("content")
        if kind not in HANDLERS:
            return  # as the proxy does: an unknown message is not an error
        name, handler_name, response_field = HANDLERS[kind]
        properties = {"protos": self._protos, "host": self._host}
        handler: Callable[[WorkerRequest], Awaitable[Any]] = getattr(self._runtime, handler_name)
        response = await handler(WorkerRequest(name, message, properties))
        self.outgoing.put(
            self._protos.StreamingMessage(request_id=self._request_id, **{response_field: response})
        )

    def stop(self) -> None:
        self.outgoing.put(_STOP)


async def serve(arguments: argparse.Namespace) -> None:
    protos = load(Path(arguments.protos))
    sys.path.insert(0, str(Path.cwd()))  # the app's own modules, as on the platform
    import azure_functions_runtime as runtime  # noqa: PLC0415 - after the app is on sys.path

    worker = ProxyWorker(protos, runtime, arguments.host, arguments.functions_request_id)
    channel = grpc.insecure_channel(f"{arguments.host}:{arguments.port}")
    grpc.channel_ready_future(channel).result(timeout=CONNECT_TIMEOUT_S)
    worker.outgoing.put(
        protos.StreamingMessage(
            request_id=arguments.functions_request_id,
            start_stream=protos.StartStream(worker_id=arguments.functions_worker_id),
        )
    )
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(HostLogHandler(protos, arguments.functions_request_id, worker.outgoing))
    runtime.start_threadpool_executor()

    loop = asyncio.get_running_loop()
    done = loop.create_future()
    tasks: set[asyncio.Task[None]] = set()

    def dispatch(message: Any) -> None:
        task = loop.create_task(worker.handle(message))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def read_host() -> None:
        stream = protos.FunctionRpcStub(channel).EventStream(worker.messages_to_host())
        try:
            for message in stream:
                loop.call_soon_threadsafe(dispatch, message)
        except grpc.RpcError:
            pass  # the host closed the stream: the worker's life ends with it
        finally:
            loop.call_soon_threadsafe(done.set_result, None)

    reader = threading.Thread(target=read_host, name="grpc-reader", daemon=True)
    reader.start()
    await done
    worker.stop()
    runtime.stop_threadpool_executor()
    channel.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--functions-worker-id", required=True)
    parser.add_argument("--functions-request-id", required=True)
    parser.add_argument("--protos", required=True, help="directory of the generated classes")
    asyncio.run(serve(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
