"""The message the intake publishes to the processor, and the output binding's payload.

The value is the processor's own transaction message (docs/payments.md): the gateway's
transaction id as ``id``, the signed-in account as ``account_id``, then the card fields and the
amount exactly as the account sent them (numbers as their own text, so nothing is rounded). It is
keyed by the gateway's transaction id, so the topic can have many partitions and a retried
publication lands on the same one.

The Kafka output binding takes a JSON array of ``{"Key", "Value"}`` objects, one message each
(as adapters/payments/results.py sends the answers).
"""

from __future__ import annotations

import json

import orjson

from domain.gateway.submissions import DecimalText, Submission


def transaction_message(transaction_id: str, account_id: str, submission: Submission) -> str:
    fields: list[tuple[str, object]] = [
        ("id", transaction_id),
        ("account_id", account_id),
        *submission.values.items(),
    ]
    return "{" + ",".join(f"{json.dumps(name)}:{_json(value)}" for name, value in fields) + "}"


def publication(transaction_id: str, account_id: str, submission: Submission) -> str:
    """The output binding's payload: one message, keyed by the gateway's transaction id."""
    value = transaction_message(transaction_id, account_id, submission)
    return orjson.dumps([{"Key": transaction_id, "Value": value}]).decode()


def _json(value: object) -> str:
    if isinstance(value, DecimalText):  # a JSON number's own text: written as it came
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError("only text and numbers are published")
    # ASCII escapes: a lone surrogate (JSON allows "\\ud800") still makes valid UTF-8.
    return json.dumps(value, ensure_ascii=True)
