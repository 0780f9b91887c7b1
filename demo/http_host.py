"""A stand-in for the Functions host's HTTP side, for the demo and the tests.

The Functions host receives an HTTP request, matches it against the routes of the app's
indexed HTTP triggers (``api/`` prefix, route template, methods), builds a ``func.HttpRequest``
for the Python worker, calls the function with stand-ins for its output bindings, and turns the
``func.HttpResponse`` it returns into the HTTP answer. ``HttpFunctions`` does exactly that with
the app ``function_app.py`` builds; ``serve`` puts it behind a real HTTP server on the loopback
interface, so that a browser can use the app's functions.

What it does not reproduce: the host's own limits and middleware (request size limits, CORS,
function keys: the gateway's functions take none, see docs/gateway.md) and the gRPC transport
to the worker. Messages the functions set on their Kafka outputs are kept in ``KafkaStandIn``,
partitioned by key, for ``demo.functions_host`` to deliver to a Kafka-triggered function as the
host's trigger does.
"""

from __future__ import annotations

import threading
import typing
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

import azure.functions as func
import orjson
from azure.functions.decorators.core import BindingDirection

from demo.functions_host import CapturedOut, KafkaMessage, indexed_functions, kafka_batch

ROUTE_PREFIX = "api"  # host.json's extensions.http.routePrefix, unset: the default


@dataclass(frozen=True, slots=True)
class HttpRoute:
    function_name: str
    segments: tuple[str, ...]  # the route template's segments, prefix included
    methods: frozenset[str]
    user_function: Callable[..., func.HttpResponse]
    trigger_arg: str
    kafka_outputs: tuple[str, ...]  # the names of its Kafka output bindings

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The route parameters if the request is this route's, else None."""
        if method not in self.methods:
            return None
        parts = [unquote(part) for part in path.strip("/").split("/")] if path.strip("/") else []
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            optional = segment.endswith("?}")
            if index >= len(parts):
                return params if optional and index == len(parts) else None
            if segment.startswith("{"):
                params[segment.strip("{}?")] = parts[index]
            elif segment != parts[index]:
                return None
        return params if len(parts) == len(self.segments) else None


@dataclass(slots=True)
class KafkaStandIn:
    """Messages the functions published, per topic binding, partitioned by key."""

    partitions: int = 4
    messages: list[tuple[int, bytes | None, bytes]] = field(default_factory=list)
    _delivered: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, payload: str) -> None:
        """An output binding's payload: a JSON array of ``{"Key", "Value"}`` messages."""
        with self._lock:
            for message in orjson.loads(payload):
                key = message.get("Key")
                raw_key = None if key is None else str(key).encode()
                # The producer's default partitioner hashes the key: one key, one partition.
                partition = zlib.crc32(raw_key) % self.partitions if raw_key is not None else 0
                self.messages.append((partition, raw_key, str(message["Value"]).encode()))

    def undelivered(self, topic: str) -> list[KafkaMessage]:
        """The messages published since the last call, as the trigger would deliver them, with
        offsets numbered per partition."""
        with self._lock:
            offsets: dict[int, int] = {}
            batch = []
            for index, (partition, key, value) in enumerate(self.messages):
                offset = offsets.get(partition, 0)
                offsets[partition] = offset + 1
                if index >= self._delivered:
                    batch.append(
                        KafkaMessage(topic, partition, offset, key, value, datetime.now(UTC))
                    )
            self._delivered = len(self.messages)
            return batch


class HttpFunctions:
    """The app's HTTP-triggered functions, called as the host calls them."""

    def __init__(self, app: func.FunctionApp, kafka: KafkaStandIn | None = None) -> None:
        self.kafka = kafka or KafkaStandIn()
        self.routes = list(_routes(app))

    def call(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
    ) -> func.HttpResponse:
        """Answer one request as the host would: 404 when no route matches."""
        parts = urlsplit(url)
        for route in self.routes:
            params = route.match(method.upper(), parts.path)
            if params is None:
                continue
            request = func.HttpRequest(
                method=method.upper(),
                url=url,
                headers=headers or {},
                params=dict(parse_qsl(parts.query)),
                route_params=params,
                body=body,
            )
            outputs = {name: CapturedOut() for name in route.kafka_outputs}
            response = route.user_function(**{route.trigger_arg: request}, **outputs)
            for out in outputs.values():
                if out.value is not None:
                    self.kafka.publish(out.value)
            return response
        return func.HttpResponse("not found", status_code=404)


def _routes(app: func.FunctionApp) -> Iterator[HttpRoute]:
    for function in indexed_functions(app):
        trigger = function.get_trigger()
        if trigger is None or trigger.get_binding_name() != "httpTrigger":
            continue
        name = function.get_function_name() or ""
        route: str = getattr(trigger, "route", None) or name
        declared = getattr(trigger, "methods", None) or ()
        methods = frozenset(str(getattr(m, "value", m)).upper() for m in declared)
        outputs = tuple(
            b.name
            for b in function.get_bindings()
            if b.get_binding_name() == "kafka"
            and getattr(b.direction, "value", b.direction) == BindingDirection.OUT.value
        )
        yield HttpRoute(
            name,
            (ROUTE_PREFIX, *route.split("/")),
            methods or frozenset({"GET", "POST"}),
            typing.cast("Callable[..., func.HttpResponse]", function.get_user_function()),
            trigger.name,
            outputs,
        )


def deliver(
    kafka: KafkaStandIn, topic: str, function: Callable[..., None], outputs: Sequence[str]
) -> tuple[int, dict[str, list[str]]]:
    """Deliver what was published since the last delivery to a Kafka-triggered function, as
    one batch built as the host builds it (``kafka_batch``); return how many messages, and
    what the function set on each of its outputs."""
    messages = kafka.undelivered(topic)
    if not messages:
        return 0, {name: [] for name in outputs}
    captured = {name: CapturedOut() for name in outputs}
    function(kafka_batch(messages), **captured)
    return len(messages), {
        name: [] if out.value is None else [out.value] for name, out in captured.items()
    }


class _Handler(BaseHTTPRequestHandler):
    functions: HttpFunctions
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host", "127.0.0.1")
        response = self.functions.call(
            self.command, f"http://{host}{self.path}", headers=dict(self.headers), body=body
        )
        payload = response.get_body()
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in {"content-length", "content-type"}:
                self.send_header(name, value)
        if response.mimetype:
            charset = f"; charset={response.charset}" if response.charset else ""
            self.send_header("Content-Type", f"{response.mimetype}{charset}")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        """Quiet: the functions log their own lines (and no request line carries a secret, but
        the demo's output stays the demo's)."""


@contextmanager
def serve(functions: HttpFunctions, port: int = 0) -> Iterator[str]:
    """Serve the functions on 127.0.0.1 until the block ends; yields the base URL."""
    handler = type("Handler", (_Handler,), {"functions": functions})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, name="functions-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
