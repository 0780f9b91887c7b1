"""A card number or CPF in a wrongly typed field never leaves the decoder: not in a log record,
not in the answer, not in an exception."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from adapters.payments.format import decode_transaction_record
from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Transaction, Unanswerable
from service.stream.records import StreamRecord
from tests.payments.cards import VISA

CPF = "123.456.789-09"
MESSAGE: dict[str, object] = {
    "id": "tx-1",
    "account_id": "acc-42",
    "credit_card_number": VISA,
    "credit_card_name": "Maria Souza",
    "credit_card_expiration_month": 12,
    "credit_card_expiration_year": 2030,
    "credit_card_cvv": 123,
    "amount": "150.75",
}
HOSTILE: list[dict[str, object]] = [
    MESSAGE | {"id": [VISA]},
    MESSAGE | {"account_id": {"cpf": CPF}},
    MESSAGE | {"amount": VISA + "x"},
    MESSAGE | {"credit_card_expiration_month": VISA},
    MESSAGE | {"credit_card_name": [CPF], "credit_card_cvv": VISA + ".5"},
    MESSAGE | {"credit_card_number": {"pan": VISA}},
]


@pytest.mark.parametrize("message", HOSTILE)
def test_a_hostile_value_is_answered_without_being_shown(
    message: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    result = decode_transaction_record(
        StreamRecord("transactions", 0, 7, b"key", json.dumps(message).encode())
    )

    assert isinstance(result, Transaction | Unanswerable)
    if isinstance(result, Unanswerable):
        assert isinstance(result.reason, PaymentRejectReason)
    assert sys.exc_info() == (None, None, None)
    logged = "\n".join(f"{record.getMessage()} {record.__dict__!r}" for record in caplog.records)
    for secret in (VISA, CPF):
        assert secret not in logged
        assert secret not in repr(result)
