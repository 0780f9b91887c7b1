"""The payment processor's answers, as messages for the results topic.

This is the one place that defines the answer's format, the gateway's own:
``{"id": "<transaction id>", "status": "approved" | "rejected", "error_message": "<text>"}``,
compact JSON with the keys in that order, ``error_message`` an empty string when approved (the
gateway's presenter holds it in a plain string field, which encodes as ""). Each answer is keyed
by the transaction id, so that a transaction's answers share a partition and consumers can
deduplicate.

The Kafka output binding takes a JSON array of ``{"Key", "Value"}`` objects, one message each.

The dead letters are ``adapters.stream.dead_letters``' pointers, never a copy: an unanswerable
transaction message may still hold a card number, CVV and holder name, and PCI DSS forbids
keeping a CVV at all.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from domain.payments.transactions import Outcome


def result_message(outcome: Outcome) -> str:
    """The answer for one transaction, as the gateway's front end reads it."""
    return orjson.dumps(
        {
            "id": outcome.transaction_id,
            "status": str(outcome.status),
            "error_message": outcome.error_message or "",
        }
    ).decode()


def results_payload(outcomes: Sequence[Outcome]) -> str | None:
    """The output binding's payload for these answers, or None when there is nothing to send."""
    if not outcomes:
        return None
    messages = [{"Key": o.transaction_id, "Value": result_message(o)} for o in outcomes]
    return orjson.dumps(messages).decode()
