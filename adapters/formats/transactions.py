"""Transaction messages from the payment gateway, decoded into the payments domain's input.

The gateway publishes ``{"id", "account_id", "credit_card_number", "credit_card_name",
"credit_card_expiration_month", "credit_card_expiration_year", "credit_card_cvv", "amount"}``.
Producers differ in how they type numbers, so the month, year, CVV and amount are accepted as
JSON numbers or as text ("123"). The amount is read with ``Decimal`` from its JSON text and never
passes through a float.

A message that names no transaction, account and amount cannot be answered and becomes
``Unanswerable`` with a reason code. Card fields of the wrong type reach the domain as None and
fail their own rule there, so the customer gets the gateway's message for them. A decoder never
raises on bad input and never quotes it: messages carry card data.
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal

from adapters.formats import MAX_MESSAGE_BYTES
from domain.payments.cards import Card
from domain.payments.messages import PaymentRejectReason
from domain.payments.money import money
from domain.payments.transactions import Transaction, Unanswerable
from service.records import StreamRecord, Tombstone

logger = logging.getLogger(__name__)

MAX_ID_LENGTH = 64
# Plain decimal notation only: Decimal() alone would also read "1_000", "Infinity", "1e3" and
# other scripts' digits, none of which a producer means as an amount.
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_MAX_WHOLE_NUMBER_DIGITS = 9  # more than any month or year needs; keeps int() cheap


class _NonStandardJsonError(ValueError):
    """NaN and Infinity are Python's extensions to JSON, not JSON."""


def decode_transaction_record(record: StreamRecord) -> Transaction | Unanswerable | Tombstone:
    """Decode one transaction message; oversized, unreadable and unanswerable ones are refused."""
    if record.value is None:
        return Tombstone()
    if len(record.value) > MAX_MESSAGE_BYTES:
        return Unanswerable(PaymentRejectReason.OVERSIZED)
    try:
        message = json.loads(
            record.value.decode("utf-8"), parse_float=Decimal, parse_constant=_refuse_constant
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return Unanswerable(PaymentRejectReason.MALFORMED_JSON)
    if not isinstance(message, dict):
        return Unanswerable(PaymentRejectReason.UNKNOWN_FORMAT)
    try:
        return _transaction(message)
    except (ValueError, TypeError, ArithmeticError) as error:
        # The rules above reject what they know to be wrong; this catches what nobody foresaw,
        # so that one message can never fail every redelivery of its batch.
        logger.warning(
            "unforeseen transaction content rejected",
            extra={"error_type": type(error).__name__, "offset": record.offset},
        )
        return Unanswerable(PaymentRejectReason.INVALID_FIELD)


def _refuse_constant(name: str) -> object:
    raise _NonStandardJsonError(name)


def _transaction(message: dict[str, object]) -> Transaction | Unanswerable:
    transaction_id = identifier(message.get("id"))
    if transaction_id is None:
        return Unanswerable(PaymentRejectReason.INVALID_TRANSACTION_ID)
    account_id = identifier(message.get("account_id"))
    if account_id is None:
        return Unanswerable(PaymentRejectReason.INVALID_ACCOUNT_ID)
    amount = amount_of(message.get("amount"))
    if amount is None:
        return Unanswerable(PaymentRejectReason.INVALID_AMOUNT)
    card = Card(
        number=_card_number(message.get("credit_card_number")),
        holder_name=_text(message.get("credit_card_name")),
        expiration_month=_whole_number(message.get("credit_card_expiration_month")),
        expiration_year=_whole_number(message.get("credit_card_expiration_year")),
        cvv=_cvv(message.get("credit_card_cvv")),
    )
    return Transaction(transaction_id, account_id, amount, card)


def identifier(raw: object) -> str | None:
    """A transaction or account id as text: stripped, 1-64 characters, or a whole number >= 0.

    Unlike customer ids, leading zeros are kept: the gateway's ids are opaque (UUIDs), and the
    answer must carry the id exactly as the gateway knows it.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        text = str(raw) if raw >= 0 else ""
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        return None
    return text if 0 < len(text) <= MAX_ID_LENGTH else None


def amount_of(raw: object) -> Decimal | None:
    """The amount as money, from a JSON number or decimal text; None if it is not money."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return money(Decimal(raw))
    if isinstance(raw, str) and _DECIMAL_TEXT.fullmatch(text := raw.strip()):
        return money(Decimal(text))
    return None


def _card_number(raw: object) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return str(raw)
    return raw if isinstance(raw, str) else None


def _text(raw: object) -> str | None:
    return raw if isinstance(raw, str) else None


def _whole_number(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.isascii() and text.isdigit() and len(text) <= _MAX_WHOLE_NUMBER_DIGITS:
            return int(text)
    return None


def _cvv(raw: object) -> str | int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    return raw.strip() if isinstance(raw, str) else None
