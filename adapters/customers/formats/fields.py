"""Field rules every message format shares: customer ids, Kafka keys and status codes."""

from __future__ import annotations

from typing import TypeGuard

import orjson

from adapters.stream.json_fields import stored_as_sent

MAX_CUSTOMER_ID_LENGTH = 64
# Fixed-width CHAR columns pad with spaces; other Unicode spaces (U+0085, U+00A0...) are not
# padding, and an id holding one is refused as unprintable rather than read as another id.
_ASCII_WHITESPACE = " \t\n\r\f\v"

_ACTIVE_BY_STATUS = {"A": True, "I": False}


def canonical_customer_id(raw: object) -> str | None:
    """The one text form of a customer id, or None if the value cannot be an id.

    Producers disagree on whether ids are numbers or text, and some pad them with zeros, so
    42, "42" and " 0042 " must all name the same customer. Booleans and negative numbers are
    never ids; text of at most 64 characters is stripped and must not end up empty.

    Every character of an id must be printable (a letter, mark, number, punctuation, symbol or
    the ASCII space, once the surrounding ASCII whitespace is dropped): a control character
    would be stored otherwise than it was decided on (SQLite's JSON functions end the text at a
    NUL, so "42\0evil" would write customer 42; PostgreSQL refuses a NUL and the batch would fail
    on every redelivery), and a format or separator character ("42\u200b", "42\u0085") would
    pass for another customer's id.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        text = str(raw)
        return text if raw >= 0 and len(text) <= MAX_CUSTOMER_ID_LENGTH else None
    if not isinstance(raw, str) or len(raw) > MAX_CUSTOMER_ID_LENGTH:
        return None
    text = raw.strip(_ASCII_WHITESPACE)
    if not text or not stored_as_sent(text):
        return None
    # isdigit() alone also accepts other scripts' digits and superscripts ("٤٢", "²"): such ids
    # stay as sent instead of being merged with an ASCII one, or crashing int().
    if text.isascii() and text.isdigit():
        return str(int(text))
    return text


def customer_id_from_key(key: bytes | str | None, column: str = "id") -> str | None:
    """The customer id in a JSON record key: ``{"id": 42}``, or the same with a Connect schema."""
    if key is None:
        return None
    try:
        parsed = orjson.loads(key)
    except orjson.JSONDecodeError:
        return None
    parsed = unwrap_connect_schema(parsed)
    if not isinstance(parsed, dict):
        return None
    return canonical_customer_id(parsed.get(column))


def is_connect_wrapper(message: object) -> TypeGuard[dict[str, object]]:
    """Kafka Connect's JsonConverter with ``schemas.enable=true`` wraps data in schema + payload."""
    return isinstance(message, dict) and "schema" in message and "payload" in message


def unwrap_connect_schema(message: object) -> object:
    """The payload of a schema-wrapped message; any other message as it is."""
    return message["payload"] if is_connect_wrapper(message) else message


def active_from_status(status: object) -> bool | None:
    """``A`` (or no status) is active, ``I`` inactive; None for anything else.

    Fixed-width CHAR columns arrive padded with spaces, so the code is stripped first.
    """
    if status is None:
        return True
    if not isinstance(status, str):
        return None
    return _ACTIVE_BY_STATUS.get(status.strip())
