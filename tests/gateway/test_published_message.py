"""The message the intake publishes is the processor's own format, numbers as sent, keyed by
the gateway's id; and the processor's decoder reads it as the account meant it."""

from __future__ import annotations

import json

from adapters.gateway.message import publication, transaction_message
from adapters.gateway.request import read_json
from adapters.payments.format import decode_transaction_record
from domain.gateway.submissions import Submission, read_submission
from domain.payments.transactions import Transaction
from service.stream.records import StreamRecord

RAW = (
    b'{"id": "order-1", "credit_card_number": 4111111111111111, "credit_card_name": "Jo\\u00e3o",'
    b' "credit_card_expiration_month": "12", "credit_card_expiration_year": 2030,'
    b' "credit_card_cvv": 12, "amount": 150.10}'
)


def submitted() -> Submission:
    read = read_submission(read_json(RAW), "acc-1")
    assert isinstance(read, Submission)
    return read


def test_the_message_is_the_processors_format_with_numbers_as_sent() -> None:
    value = transaction_message("gw-1", "acc-1", submitted())
    assert value == (
        '{"id":"gw-1","account_id":"acc-1","credit_card_number":4111111111111111,'
        '"credit_card_name":"Jo\\u00e3o","credit_card_expiration_month":"12",'
        '"credit_card_expiration_year":2030,"credit_card_cvv":12,"amount":150.10}'
    )
    decoded = decode_transaction_record(StreamRecord("transactions", 0, 0, b"gw-1", value.encode()))
    assert isinstance(decoded, Transaction)
    assert (decoded.id, decoded.account_id, str(decoded.amount)) == ("gw-1", "acc-1", "150.10")
    assert decoded.card.cvv == 12  # a number, so the processor reads it as "012"


def test_the_binding_payload_is_one_message_keyed_by_the_gateway_id() -> None:
    (message,) = json.loads(publication("gw-1", "acc-1", submitted()))
    assert message["Key"] == "gw-1"
    assert json.loads(message["Value"])["id"] == "gw-1"
