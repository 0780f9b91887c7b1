"""Kafka Connect's schema wrapper, read without parsing the same schema again and again.

With ``schemas.enable=true`` every Debezium message is ``{"schema":<S>,"payload":<P>}``, and the
schema, the same few kilobytes in every message of a topic, is most of the bytes: parsing it is
most of the cost of such a message, and the decoder never reads it. Once a message has been
parsed whole and its schema's bytes are known exactly, later messages that begin with the same
``{"schema":<S>,"payload":`` are parsed as ``{"payload":`` and the rest.

That reads each message exactly as parsing it whole does: the object parsed is the message with
its first member, a JSON value already parsed once, left out; the payload, any member after it
(a repeated key included) and the nesting depth of everything else are unchanged. Whatever does
not parse that way (trailing garbage, a cut-off message) is parsed whole, which decides.
"""

from __future__ import annotations

from typing import Final

import orjson


class _Unknown:
    """The message has to be parsed whole."""


UNKNOWN: Final = _Unknown()

_SCHEMA = b'{"schema":'
_PAYLOAD = b',"payload":'
_PAYLOAD_ONLY = b'{"payload":'
_SCHEMA_TEXT = _SCHEMA.decode()
_PAYLOAD_ONLY_TEXT = _PAYLOAD_ONLY.decode()
_MIN_SCHEMA_BYTES = 256  # smaller schemas cost little to parse again
_MAX_SCHEMAS = 16  # a few topics and schema versions; the newest are kept


class SchemaPrefixes:
    """The wrappers' openings of the schemas seen lately, exact to the byte (or character: a
    message delivered as text is matched against text openings)."""

    def __init__(self) -> None:
        # Replaced whole, never mutated: readers in other threads see one tuple or the other.
        self._prefixes: tuple[bytes, ...] = ()
        self._text_prefixes: tuple[str, ...] = ()

    def payload(self, value: bytes | str) -> object:
        """The payload of a wrapped message whose schema is known, else ``UNKNOWN``."""
        if type(value) is str:
            if value.startswith(_SCHEMA_TEXT):
                return _payload_after(value, self._text_prefixes, _PAYLOAD_ONLY_TEXT)
        elif isinstance(value, bytes) and value.startswith(_SCHEMA):
            return _payload_after(value, self._prefixes, _PAYLOAD_ONLY)
        return UNKNOWN

    def learn(self, value: bytes | str, schema: object) -> None:
        """Remember the opening of ``value``, a message just parsed whole, if it is exact."""
        if not isinstance(schema, dict | list):
            return
        try:
            encoded = orjson.dumps(schema)
        except orjson.JSONEncodeError:
            return
        if len(encoded) < _MIN_SCHEMA_BYTES:
            return
        # Only the bytes the message really has: a producer that spaces or escapes its JSON
        # differently from orjson's compact output is simply never taken the short way.
        prefix = _SCHEMA + encoded + _PAYLOAD
        if isinstance(value, str):
            text = prefix.decode()
            if value.startswith(text) and text not in self._text_prefixes:
                self._text_prefixes = (text, *self._text_prefixes)[:_MAX_SCHEMAS]
        elif value.startswith(prefix) and prefix not in self._prefixes:
            self._prefixes = (prefix, *self._prefixes)[:_MAX_SCHEMAS]


def _payload_after[T: (bytes, str)](value: T, prefixes: tuple[T, ...], payload_only: T) -> object:
    for prefix in prefixes:
        if value.startswith(prefix):
            try:
                return orjson.loads(payload_only + value[len(prefix) :])["payload"]
            except orjson.JSONDecodeError:
                return UNKNOWN
    return UNKNOWN
