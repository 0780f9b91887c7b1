"""Transaction messages from the payment gateway, decoded into the payments domain's input.

The gateway publishes ``{"id", "account_id", "credit_card_number", "credit_card_name",
"credit_card_expiration_month", "credit_card_expiration_year", "credit_card_cvv", "amount"}``.
Producers differ in how they type numbers, so the month, year, CVV and amount are accepted as
JSON numbers or as text ("123"). The amount is read with ``Decimal`` from its JSON text and never
passes through a float.

A message that names no transaction and account cannot be answered and becomes
``Unanswerable`` with a reason code. Every other message is answered: an amount that is no
amount of money reaches the domain as None, and card fields of the wrong type reach it as None,
so each fails its own rule there and the customer gets a message for it. A decoder never raises
on bad input and never quotes it: messages carry card data.

What is stored must be exactly what was decided on, on every engine, so ids are refused rather
than stored otherwise (see ``identifier``), and no value the JSON parser builds costs more than
its length: a number of more than 64 characters is never converted (``int()`` of thousands of
digits is slow, and refused past 4,300 digits inside ``json.loads``).
"""

from __future__ import annotations

import json
import logging
import re
from decimal import Decimal

from adapters.stream.json_fields import stored_as_sent
from domain.payments.cards import Card
from domain.payments.messages import PaymentRejectReason
from domain.payments.money import money
from domain.payments.transactions import Transaction, Unanswerable
from service.stream.records import StreamRecord, Tombstone, as_text, larger_than

logger = logging.getLogger(__name__)

# A transaction message is a few hundred bytes. Reading a hostile 1 MiB one (a megabyte of
# numbers to convert) took 50-70 ms; capped at 64 KiB, the costliest takes a few milliseconds.
MAX_TRANSACTION_BYTES = 64 * 1024
MAX_ID_LENGTH = 64
# The longest number or amount text read: an id of 64 digits; an amount needs at most 14
# characters ("-9999999999.99"), the rest leaves room for trailing zeros ("10.500").
MAX_NUMBER_LENGTH = 64
# Plain decimal notation only: Decimal() alone would also read "1_000", "Infinity", "1e3" and
# other scripts' digits, none of which a producer means as an amount. Nor is "1,000.00" or
# "10,50" read: the comma is a thousands separator in one locale and the decimal point in
# Brazil's, and guessing wrong charges a hundred times the amount.
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_MAX_WHOLE_NUMBER_DIGITS = 9  # more than any month or year needs; keeps int() cheap


class _NonStandardJsonError(ValueError):
    """NaN and Infinity are Python's extensions to JSON, not JSON."""


class _UnreadableNumber:
    """A JSON number no field reads: longer than ``MAX_NUMBER_LENGTH``, or in exponent form.

    Money is written in plain decimals. An amount in exponent form (1e3, 1.5E-7) comes from a
    float's serialiser, so the cents the customer typed may not be the ones that arrived; it is
    answered "invalid amount" like the same text ("1e3") rather than approved as 1000.00.
    """

    __slots__ = ()


_UNREADABLE = _UnreadableNumber()


def decode_transaction_record(record: StreamRecord) -> Transaction | Unanswerable | Tombstone:
    """Decode one transaction message; oversized, unreadable and unanswerable ones are refused."""
    if record.value is None:
        return Tombstone()
    if larger_than(record.value, MAX_TRANSACTION_BYTES):
        return Unanswerable(PaymentRejectReason.OVERSIZED)
    try:
        message = json.loads(
            as_text(record.value),
            parse_float=_json_decimal,
            parse_int=_json_int,
            parse_constant=_refuse_constant,
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


def _json_int(text: str) -> int | _UnreadableNumber:
    return int(text) if len(text) <= MAX_NUMBER_LENGTH else _UNREADABLE


def _json_decimal(text: str) -> Decimal | _UnreadableNumber:
    if len(text) > MAX_NUMBER_LENGTH or "e" in text or "E" in text:
        return _UNREADABLE
    return Decimal(text)


def _transaction(message: dict[str, object]) -> Transaction | Unanswerable:
    transaction_id = identifier(message.get("id"))
    if transaction_id is None:
        return Unanswerable(PaymentRejectReason.INVALID_TRANSACTION_ID)
    account_id = identifier(message.get("account_id"))
    if account_id is None:
        return Unanswerable(PaymentRejectReason.INVALID_ACCOUNT_ID)
    card = Card(
        number=_card_number(message.get("credit_card_number")),
        holder_name=_text(message.get("credit_card_name")),
        expiration_month=_whole_number(message.get("credit_card_expiration_month")),
        expiration_year=_whole_number(message.get("credit_card_expiration_year")),
        cvv=_cvv(message.get("credit_card_cvv")),
    )
    return Transaction(transaction_id, account_id, amount_of(message.get("amount")), card)


def identifier(raw: object) -> str | None:
    """A transaction or account id as text: 1-64 characters once surrounding spaces are
    dropped, or a whole number >= 0.

    Unlike customer ids, leading zeros are kept: the gateway's ids are opaque (UUIDs), and the
    answer must carry the id exactly as the gateway knows it.

    Every character must be printable: an id must be stored exactly as it was decided on, or
    the first outcome stored for it answers another transaction. SQLite's JSON functions end a
    text at a NUL (so "42\\u0000x" was stored as "42", and the real 42 got its answer);
    PostgreSQL refuses a NUL (SQLSTATE 22P05) on every redelivery; a lone surrogate (JSON
    allows the escape "\\ud800") cannot be encoded as UTF-8 at all. Format and separator
    characters are refused too, as one id would pass for another ("42\\u200b"), and so is U+FFFD
    (where the trigger's string binding put bytes that were not UTF-8: two ids would become
    one); see ``stored_as_sent``. The engines store every other character exactly; the tests
    check it on each. Only ASCII spaces are dropped: ``str.strip()`` would also drop controls
    (U+001F, U+0085) and other spaces, and "42\\u001f" would become the real 42.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        text = str(raw) if raw >= 0 else ""
    elif isinstance(raw, str):
        text = raw.strip(" ")
    else:
        return None
    if not 0 < len(text) <= MAX_ID_LENGTH:
        return None
    return text if stored_as_sent(text) else None


def amount_of(raw: object) -> Decimal | None:
    """The amount as money, from a JSON number or decimal text; None if it is not money.

    Negative amounts are money here (the domain rejects them as below 1.00); fractions of a
    cent, more than ten integer digits and anything but plain decimal notation are not.
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | Decimal):
        return money(Decimal(raw))
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if len(text) <= MAX_NUMBER_LENGTH and _DECIMAL_TEXT.fullmatch(text):
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
