"""What the host puts in an ``InvocationRequest``: a Kafka batch, or an HTTP request.

**Kafka.** The Kafka extension gives a ``cardinality="many"``, ``data_type="string"`` trigger its
batch as a ``collection_string``: one JSON envelope per message (``Offset``, ``Partition``,
``Topic``, ``Timestamp``, ``Key``, ``Value``, ``Headers``; key and value as UTF-8 text), and
trigger metadata arrays with one entry per message. The host sends a ``long[]`` as
``collection_sint64`` and a ``string[]`` as ``collection_string`` (the worker announces the
``TypedDataCollection`` capability) and every other array as JSON text; ``sys`` carries the method
name and the time. ``demo/functions_host.py`` builds the same inputs for the library's converter.

**HTTP.** An ``RpcHttp``: method, URL, headers, query, route parameters and the body as bytes
(the worker announces ``RawHttpBodyBytes`` and ``RpcHttpBodyOnly``, and
``RpcHttpTriggerMetadataRemoved``, so the request is not repeated in the trigger metadata).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

from demo.functions_host import KafkaMessage


@dataclass(frozen=True, slots=True)
class Inputs:
    """An invocation's ``input_data`` and ``trigger_metadata``."""

    input_data: list[Any]
    trigger_metadata: dict[str, Any]


def _text(raw: bytes | None) -> str | None:
    return raw.decode("utf-8", errors="replace") if raw is not None else None


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def kafka_string_batch(
    protos: ModuleType, function_name: str, messages: Sequence[KafkaMessage], *, arg_name: str
) -> Inputs:
    """A batch as the host sends it to a ``cardinality="many"``, ``data_type="string"`` trigger."""
    envelopes = [
        json.dumps(
            {
                "Offset": m.offset,
                "Partition": m.partition,
                "Topic": m.topic,
                "Timestamp": _timestamp(m.timestamp),
                "Key": _text(m.key),
                "Value": _text(m.value),
                "Headers": [],
            }
        )
        for m in messages
    ]

    def strings(values: Sequence[str]) -> Any:
        return protos.TypedData(collection_string=protos.CollectionString(string=values))

    def as_json(value: object) -> Any:
        return protos.TypedData(json=json.dumps(value))

    metadata = {
        "OffsetArray": protos.TypedData(
            collection_sint64=protos.CollectionSInt64(sint64=[m.offset for m in messages])
        ),
        "TopicArray": strings([m.topic for m in messages]),
        "PartitionArray": as_json([m.partition for m in messages]),
        "KeyArray": as_json([_text(m.key) for m in messages]),
        "TimestampArray": as_json([_timestamp(m.timestamp) for m in messages]),
        "HeadersArray": as_json([[] for _ in messages]),
        "sys": as_json({"MethodName": function_name, "UtcNow": _timestamp(datetime.now(UTC))}),
    }
    trigger = protos.ParameterBinding(name=arg_name, data=strings(envelopes))
    return Inputs([trigger], metadata)


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    query: Mapping[str, str] = field(default_factory=dict)
    route_params: Mapping[str, str] = field(default_factory=dict)


def http_request(protos: ModuleType, request: HttpRequest, *, arg_name: str = "req") -> Inputs:
    """An HTTP trigger's request as the host sends it (``RpcHttp``)."""
    http = protos.RpcHttp(
        method=request.method,
        url=request.url,
        headers=dict(request.headers),
        query=dict(request.query),
        params=dict(request.route_params),
        body=protos.TypedData(bytes=request.body),
    )
    trigger = protos.ParameterBinding(name=arg_name, data=protos.TypedData(http=http))
    return Inputs([trigger], {})


def output_values(response: Any) -> dict[str, Any]:
    """An ``InvocationResponse``'s output bindings: name to the value the worker sent back
    (text, JSON text, bytes, ...), as the host reads each ``TypedData``."""
    values = {}
    for binding in response.output_data:
        kind = binding.data.WhichOneof("data")
        values[binding.name] = getattr(binding.data, kind) if kind else None
    return values
