"""The answer's format (the gateway's, byte for byte) and the dead letters, as published."""

from __future__ import annotations

import json

from adapters.payments.results import result_message, results_payload
from adapters.stream.dead_letters import dead_letter_payload
from domain.payments.messages import PaymentRejectReason
from domain.payments.transactions import Outcome, Status
from service.payments.ports import UnanswerableRecord
from service.stream.records import StreamRecord


def test_an_approval_is_the_gateways_json_with_an_empty_error_message() -> None:
    outcome = Outcome("6f1c0c1e-3b7a", Status.APPROVED, None)
    assert (
        result_message(outcome) == '{"id":"6f1c0c1e-3b7a","status":"approved","error_message":""}'
    )


def test_a_rejection_carries_its_message() -> None:
    outcome = Outcome("t-9", Status.REJECTED, "you dont have limit for this transaction")
    assert result_message(outcome) == (
        '{"id":"t-9","status":"rejected",'
        '"error_message":"you dont have limit for this transaction"}'
    )


def test_non_ascii_ids_stay_utf8_as_the_gateway_sent_them() -> None:
    outcome = Outcome("pagamento-ção", Status.APPROVED, None)
    assert result_message(outcome) == (
        '{"id":"pagamento-ção","status":"approved","error_message":""}'
    )


def test_the_output_binding_gets_one_message_per_answer_keyed_by_transaction_id() -> None:
    payload = results_payload(
        [Outcome("t-1", Status.APPROVED, None), Outcome("t-2", Status.REJECTED, "invalid cvv")]
    )
    assert payload is not None
    assert json.loads(payload) == [
        {"Key": "t-1", "Value": '{"id":"t-1","status":"approved","error_message":""}'},
        {"Key": "t-2", "Value": '{"id":"t-2","status":"rejected","error_message":"invalid cvv"}'},
    ]
    assert results_payload([]) is None


def test_a_dead_letter_points_at_the_message_and_carries_none_of_it() -> None:
    value = b'{"credit_card_number": "4111111111111111", "credit_card_cvv": "123", "amount": "x"'
    records = [StreamRecord("transactions", 3, 41, b"t-7", value)]
    rejects = [UnanswerableRecord("transactions", 3, 41, PaymentRejectReason.MALFORMED_JSON)]
    payload = dead_letter_payload(records, rejects)
    assert payload is not None
    assert "4111111111111111" not in payload
    assert json.loads(payload) == [
        {
            "Key": "t-7",
            "Value": (
                '{"topic":"transactions","partition":3,"offset":41,"reason":"malformed_json",'
                '"timestamp":null}'
            ),
            "Headers": [
                {"Key": "x-reject-reason", "Value": "malformed_json"},
                {"Key": "x-source-topic", "Value": "transactions"},
                {"Key": "x-source-partition", "Value": "3"},
                {"Key": "x-source-offset", "Value": "41"},
            ],
        }
    ]
    assert dead_letter_payload(records, []) is None
