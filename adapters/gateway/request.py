"""A request body as JSON, numbers kept exactly as they were written.

Whole numbers become ``int`` (up to 64 digits: ``int()`` of thousands of digits is slow, and
refused past 4,300 inside ``json.loads``); longer ones, and every number with a fraction or an
exponent, become ``DecimalText``, the number's own text, so that the processor receives what the
account sent and never a float's rounding of it. ``NaN`` and ``Infinity`` are not JSON.
"""

from __future__ import annotations

import json

from domain.gateway.submissions import DecimalText, Problem

_MAX_WHOLE_NUMBER_DIGITS = 64
NOT_JSON = Problem(None, "the body must be a JSON object in UTF-8")


class _NotJsonError(ValueError):
    """NaN and Infinity are Python's extensions to JSON, not JSON."""


def read_json(body: bytes) -> object | Problem:
    """The body's JSON value, or the problem that it is none (never quoting it)."""
    try:
        value: object = json.loads(
            body.decode("utf-8"),
            parse_int=_whole_number,
            parse_float=DecimalText,
            parse_constant=_refuse,
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return NOT_JSON
    return value


def _whole_number(text: str) -> int | DecimalText:
    return int(text) if len(text.lstrip("-")) <= _MAX_WHOLE_NUMBER_DIGITS else DecimalText(text)


def _refuse(name: str) -> object:
    raise _NotJsonError(name)
