"""The payment processor's messages out: the answers, and the dead letters.

This is the one place that defines the answer's format, the gateway's own:
``{"id": "<transaction id>", "status": "approved" | "rejected", "error_message": "<text>"}``,
compact JSON with the keys in that order, ``error_message`` an empty string when approved (the
gateway's presenter holds it in a plain string field, which encodes as ""). Each answer is keyed
by the transaction id, so that a transaction's answers share a partition and consumers can
deduplicate.

The Kafka output binding takes a JSON array of ``{"Key", "Value"}`` objects (``Headers`` too),
one message each.

Dead letters do not carry the message itself. An unanswerable transaction message may still
hold a card number, CVV and holder name, and a dead-letter topic is one more place that would
keep them (PCI DSS forbids keeping a CVV at all). The dead letter's value says where the message
is and why it was refused, its headers are the customer function's dead-letter headers, and the
message stays on the transactions topic only, where an operator reads it at those coordinates.
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from adapters.dead_letters import dead_letter_headers
from domain.payments.transactions import Outcome
from service.payment_ports import UnanswerableRecord
from service.records import StreamRecord


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


def dead_letters_payload(
    records: Sequence[StreamRecord], rejects: Sequence[UnanswerableRecord]
) -> str | None:
    """The dead-letter binding's payload for these unanswerable messages, or None."""
    if not rejects:
        return None
    keys = {(r.topic, r.partition, r.offset): r.key for r in records}
    letters = []
    for reject in rejects:
        key = keys.get((reject.topic, reject.partition, reject.offset))
        pointer = {
            "topic": reject.topic,
            "partition": reject.partition,
            "offset": reject.offset,
            "reason": str(reject.reason),
        }
        letters.append(
            {
                "Key": key.decode("utf-8", errors="replace") if key is not None else None,
                "Value": orjson.dumps(pointer).decode(),
                "Headers": dead_letter_headers(
                    str(reject.reason), reject.topic, reject.partition, reject.offset
                ),
            }
        )
    return orjson.dumps(letters).decode()
