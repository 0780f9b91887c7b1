"""Transaction messages and topics for the payment tests."""

from __future__ import annotations

import json

from service.stream.records import StreamRecord
from tests.payments.cards import VISA

HOLDER = "Joana Pereira da Silva"
CVV = "987"


def transaction(transaction_id: str, **changes: object) -> dict[str, object]:
    """A valid transaction message as the gateway publishes it, approved unless changed."""
    base: dict[str, object] = {
        "id": transaction_id,
        "account_id": "acc-1",
        "credit_card_number": VISA,
        "credit_card_name": HOLDER,
        "credit_card_expiration_month": 11,
        "credit_card_expiration_year": 2026,
        "credit_card_cvv": CVV,
        "amount": 100,
    }
    return base | changes


class Topic:
    """Appends messages to one partition, numbering offsets as Kafka does."""

    def __init__(self, name: str = "transactions", partition: int = 0) -> None:
        self.name, self.partition, self.next_offset = name, partition, 0

    def records(self, *values: dict[str, object] | bytes | None) -> list[StreamRecord]:
        out = []
        for value in values:
            raw = json.dumps(value).encode() if isinstance(value, dict) else value
            key = str(value["id"]).encode() if isinstance(value, dict) else None
            out.append(StreamRecord(self.name, self.partition, self.next_offset, key, raw))
            self.next_offset += 1
        return out


# Statements that would change a stored outcome, in SQL both PostgreSQL and MySQL read: the
# function's own login must be refused each (the privilege tests add each engine's own forms).
OUTCOME_CHANGES = [
    "UPDATE transactions SET status = 'approved', error_message = NULL",
    "UPDATE transactions SET amount = 1.00",
    "UPDATE transactions SET error_message = 'card expired'",
    "UPDATE transactions SET id = 'tx-2' WHERE id = 'tx-1'",  # an outcome moved to another id
    "DELETE FROM transactions",
]


# Statements on the customer projection, in SQL both PostgreSQL and MySQL read: the payment
# processor's own login must be refused each.
PROJECTION_ACCESS = [
    "SELECT * FROM contact_state",
    "SELECT * FROM telesales_contacts",
    "SELECT * FROM consumer_offsets",
    "INSERT INTO contact_state (customer_id) VALUES ('1')",
    "UPDATE consumer_offsets SET last_offset = 0",
    "DELETE FROM rejected_messages",
]
