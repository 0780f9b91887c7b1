"""Stream records built the way the Kafka adapter hands them to the decoders."""

from __future__ import annotations

import orjson

from service.stream.records import StreamRecord


def record_of(
    value: object, *, key: object = None, offset: int = 100, topic: str = "bank1.customers"
) -> StreamRecord:
    """A record whose value and key are the given JSON documents as text, as the trigger's
    ``string`` binding delivers them, or the given bytes or text as they are (a ``binary``
    binding's bytes).

    ``None`` is an absent value (a tombstone); a JSON null message is ``b"null"``.
    """
    return StreamRecord(topic, 0, offset, _text(key), _text(value))


def _text(document: object) -> bytes | str | None:
    if document is None or isinstance(document, bytes | str):
        return document
    return orjson.dumps(document).decode()
