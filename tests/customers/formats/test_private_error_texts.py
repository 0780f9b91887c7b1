"""Hostile values in wrongly typed fields never leave the decoder: not in a log record, not in a
rejection, not in an exception. msgspec's own error texts quote such values; they are dropped."""

from __future__ import annotations

import logging
import sys

import msgspec
import pytest

from adapters.customers import formats
from adapters.customers.formats import CustomerDecoder, canonical
from domain.customers.changes import Rejection
from domain.customers.reasons import RejectReason
from tests.customers.formats.format_records import record_of

CPF = "123.456.789-09"
CARD = "4111111111111111"
VALID = {"customer_id": "1042", "version": 7, "name": "Maria Souza", "phone": "(27) 98855-6137"}
HOSTILE: list[tuple[dict[str, object], RejectReason]] = [
    (VALID | {"status": CPF}, RejectReason.INVALID_FIELD),
    (VALID | {"status": CARD, "customer_id": [CPF]}, RejectReason.INVALID_CUSTOMER_ID),
    (VALID | {"deleted": CARD}, RejectReason.INVALID_FIELD),
    (VALID | {"telemarketing_opt_out": {"cpf": CPF}}, RejectReason.INVALID_FIELD),
    (VALID | {"customer_id": f"{CPF}\u0000{CARD}"}, RejectReason.INVALID_CUSTOMER_ID),
    (VALID | {"version": CARD, "status": CPF}, RejectReason.INVALID_VERSION),
    (VALID | {"updated_at": CPF, "version": None}, RejectReason.INVALID_VERSION),
    ({"op": CARD, "source": {}, "after": {"id": CPF}}, RejectReason.UNSUPPORTED_OPERATION),
    ({"CD_CLIENTE": "1", "STATUS": CPF}, RejectReason.INVALID_FIELD),
]


def _shown(caplog: pytest.LogCaptureFixture) -> str:
    """Everything a log handler could write: message, arguments and extra attributes."""
    return "\n".join(f"{record.getMessage()} {record.__dict__!r}" for record in caplog.records)


def test_msgspec_itself_would_quote_the_value() -> None:
    # What makes the tests below necessary.
    with pytest.raises(msgspec.ValidationError) as error:
        msgspec.convert(VALID | {"status": CPF}, canonical.CustomerEventV1)
    assert CPF in str(error.value)


@pytest.mark.parametrize(("message", "reason"), HOSTILE)
def test_a_hostile_value_is_rejected_by_reason_only(
    message: dict[str, object], reason: RejectReason, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    result = CustomerDecoder()(record_of(message))

    assert result == Rejection(reason)
    assert sys.exc_info() == (None, None, None)  # no exception left in flight to chain onto
    for secret in (CPF, CARD):
        assert secret not in repr(result)
        assert secret not in _shown(caplog)


def test_an_unforeseen_error_quoting_a_value_is_logged_by_type_only(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def quoting(*_: object) -> object:
        raise ValueError(f"cannot read {CPF}")

    monkeypatch.setattr(canonical, "decode", quoting)
    caplog.set_level(logging.DEBUG)

    result = formats.CustomerDecoder()(record_of(VALID))

    assert result == Rejection(RejectReason.INVALID_FIELD)
    assert caplog.records
    assert CPF not in _shown(caplog)
