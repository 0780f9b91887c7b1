"""Stream records built the way the Kafka adapter hands them to the decoders."""

from __future__ import annotations

import orjson

from service.stream.records import StreamRecord


def record_of(
    value: object, *, key: object = None, offset: int = 100, topic: str = "bank1.customers"
) -> StreamRecord:
    """A record whose value (and key) is the given JSON document, or the given bytes as they are.

    ``None`` is an absent value (a tombstone); a JSON null message is ``b"null"``.
    """
    return StreamRecord(topic, 0, offset, _encoded(key), _encoded(value))


def _encoded(document: object) -> bytes | None:
    if document is None or isinstance(document, bytes):
        return document
    return orjson.dumps(document)
