"""A transaction as an account submits it, checked for shape only: the processor owns the rules.

The body is the transaction the processor reads (docs/payments.md): an ``id``, optionally the
``account_id`` (it must then be the signed-in account's), the card's number, holder name,
expiration month and year, CVV, and the amount. The intake checks that each field is present,
of a type the processor reads, and of a bounded length; whether the card is valid, expired or
over the limit is the processor's decision, answered later through the status. A field that
fails is named in a ``Problem`` whose text never quotes the value: it may be card data.

The transaction id is the account's own (an order number, a UUID) and appears in the status URL,
so it is limited to characters that need no escaping in a URL path: letters, digits and
``. _ ~ -``, 1-64 of them, starting with a letter or digit.

Only the brand and last four digits of a valid card number, and the amount when it is money,
are kept (``Submission.card``, ``Submission.amount``); the rest exists in memory while the
request is answered and in the message published to the processor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from domain.payments.brands import brand_of
from domain.payments.cards import CardSummary, card_digits, luhn_valid
from domain.payments.money import kept_amount, money

TRANSACTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,63}")
CARD_FIELDS = (
    "credit_card_number",
    "credit_card_name",
    "credit_card_expiration_month",
    "credit_card_expiration_year",
    "credit_card_cvv",
)
# Every field a body may hold, in the order the processor's message lists them.
FIELDS = ("id", "account_id", *CARD_FIELDS, "amount")
# The longest text each field may be: far above any real value, and a bound on what is read.
_MAX_LENGTH = {
    "credit_card_number": 64,
    "credit_card_name": 200,
    "credit_card_expiration_month": 16,
    "credit_card_expiration_year": 16,
    "credit_card_cvv": 16,
    "amount": 64,
}
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# Never part of the fingerprint: PCI DSS forbids keeping anything of a CVV after authorisation,
# a digest of it included.
_NOT_FINGERPRINTED = frozenset({"credit_card_cvv"})


class DecimalText(str):
    """A JSON number with a fraction or an exponent, kept as the exact text it was sent as, so
    that it reaches the processor unchanged (never through a float)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a body was refused: the field (None for the body as a whole) and what it must be."""

    field: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class Submission:
    """A transaction of the right shape, its card fields exactly as they were sent."""

    id: str
    # The card fields and the amount as sent (str, int or DecimalText), in FIELDS order.
    values: dict[str, object] = field(repr=False)
    card: CardSummary | None  # a valid card number's brand and last four digits
    amount: Decimal | None  # the amount when it is money that may be kept

    def fingerprint(self, key: bytes) -> str:
        """HMAC-SHA-256 of everything sent but the CVV, under the deployment's key: a retry with
        the same body has the same fingerprint, a different body (almost surely) another. Keyed,
        because an unkeyed hash of a card number can be reversed by trying every number (PCI DSS
        requires keyed hashes of card numbers)."""
        sent = [[self.id]] + [
            [name, type(value).__name__, str(value)]
            for name, value in self.values.items()
            if name not in _NOT_FINGERPRINTED
        ]
        canonical = json.dumps(sent, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def read_submission(body: object, account_id: str) -> Submission | Problem:
    """The submission in a parsed JSON body sent by ``account_id``, or the first problem with it."""
    if not isinstance(body, Mapping):
        return Problem(None, "the body must be a JSON object")
    unknown = [name for name in body if name not in FIELDS]
    if unknown:
        # The unknown name is not quoted: a name, too, could be card data sent by mistake.
        return Problem(None, f"unknown field; the fields are {', '.join(FIELDS)}")
    transaction_id = _transaction_id(body.get("id"))
    if transaction_id is None:
        return _problem(body, "id", "text of 1-64 letters, digits, '.', '_', '~' or '-'")
    if "account_id" in body and body["account_id"] != account_id:
        return Problem("account_id", "must be the signed-in account's id, or left out")
    values: dict[str, object] = {}
    for name in (*CARD_FIELDS, "amount"):
        value = body.get(name)
        if not _shape_fits(name, value):
            kind = "text" if name == "credit_card_name" else "a number or text"
            return _problem(body, name, f"{kind} of at most {_MAX_LENGTH[name]} characters")
        values[name] = value
    return Submission(transaction_id, values, _card(values["credit_card_number"]), _kept(values))


def _problem(body: Mapping[str, object], name: str, expected: str) -> Problem:
    if name not in body:
        return Problem(name, "is required")
    return Problem(name, f"must be {expected}")


def _transaction_id(raw: object) -> str | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        text = str(raw) if raw >= 0 else ""
    elif isinstance(raw, str) and not isinstance(raw, DecimalText):
        text = raw
    else:
        return None
    return text if TRANSACTION_ID.fullmatch(text) else None


def _shape_fits(name: str, value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if name == "credit_card_name":
        return (
            isinstance(value, str)
            and not isinstance(value, DecimalText)
            and (len(value) <= _MAX_LENGTH[name])
        )
    if isinstance(value, int):
        return len(str(value)) <= _MAX_LENGTH[name]
    return isinstance(value, str) and len(value) <= _MAX_LENGTH[name]


def _card(number: object) -> CardSummary | None:
    text = str(number) if isinstance(number, int | str) else None
    digits = card_digits(text)
    brand = brand_of(digits) if digits is not None else None
    if digits is None or brand is None or not luhn_valid(digits):
        return None
    return CardSummary(brand, digits[-4:])


def _kept(values: Mapping[str, object]) -> Decimal | None:
    raw = values["amount"]
    if isinstance(raw, DecimalText):
        text = str(raw)
        if "e" in text or "E" in text:
            return None
    elif isinstance(raw, int):
        return kept_amount(money(Decimal(raw)))
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        return None
    if not _PLAIN_DECIMAL.fullmatch(text):
        return None
    return kept_amount(money(Decimal(text)))
