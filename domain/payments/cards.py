"""The card rules: number (brand and Luhn), expiry, CVV and holder name, in the gateway's order.

A card's data exists only in memory while its transaction is decided. What may be kept (PCI DSS
allows the brand and the last four digits) is a ``CardSummary``; the number, CVV and holder name
never leave this module's values, and their ``repr`` hides them so that no log or traceback
can show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.payments.brands import Brand, brand_of, cvv_digits
from domain.payments.messages import ErrorMessage

_LAST_MONTH = 12


@dataclass(frozen=True, slots=True)
class Card:
    """The card as the customer typed it; None where a field is missing or of the wrong type.

    A CVV arrives as text or, from producers that type it as a number, as an integer: a JSON
    number cannot keep the leading zero of a CVV such as "012", so an integer counts as a CVV
    of the brand's length padded with zeros.
    """

    number: str | None = field(default=None, repr=False)
    holder_name: str | None = field(default=None, repr=False)
    expiration_month: int | None = field(default=None, repr=False)
    expiration_year: int | None = field(default=None, repr=False)
    cvv: str | int | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CardSummary:
    """What may be kept of a valid card number."""

    brand: Brand
    last_four: str


@dataclass(frozen=True, slots=True)
class CardCheck:
    summary: CardSummary | None  # None when the number is not a valid card number
    error: ErrorMessage | None  # the first rule the card breaks, None when it breaks none


def check_card(card: Card, today: date) -> CardCheck:
    """Check a card on ``today``'s date, rule by rule in the gateway's order; the first fails."""
    digits = card_digits(card.number)
    # The brand first: it checks the length, so the Luhn sum never runs over a megabyte of digits.
    brand = brand_of(digits) if digits is not None else None
    if digits is None or brand is None or not luhn_valid(digits):
        return CardCheck(None, ErrorMessage.INVALID_CARD_NUMBER)
    return CardCheck(CardSummary(brand, digits[-4:]), _first_broken_rule(card, brand, today))


def card_digits(number: str | None) -> str | None:
    """The number without the spaces and dashes people type; None unless only digits remain."""
    if number is None:
        return None
    digits = number.replace(" ", "").replace("-", "")  # str.translate is several times slower
    # isdigit() alone would also accept other scripts' digits and superscripts.
    return digits if digits.isascii() and digits.isdigit() else None


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check digit test that every brand above uses."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2 == 1:
            # A doubled digit above 9 counts as the sum of its two digits.
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _first_broken_rule(card: Card, brand: Brand, today: date) -> ErrorMessage | None:
    month, year = card.expiration_month, card.expiration_year
    if month is None or not 1 <= month <= _LAST_MONTH:
        return ErrorMessage.INVALID_EXPIRATION_MONTH
    if year is None or year < today.year:
        return ErrorMessage.INVALID_EXPIRATION_YEAR
    # A card is valid through the last day of its expiration month.
    if year == today.year and month < today.month:
        return ErrorMessage.CARD_EXPIRED
    if not _cvv_valid(card.cvv, cvv_digits(brand)):
        return ErrorMessage.INVALID_CVV
    if card.holder_name is None or not card.holder_name.strip():
        return ErrorMessage.INVALID_HOLDER_NAME
    return None


def _cvv_valid(cvv: str | int | None, length: int) -> bool:
    if isinstance(cvv, bool):
        return False
    if isinstance(cvv, int):
        return cvv >= 0 and len(str(cvv)) <= length
    return cvv is not None and len(cvv) == length and cvv.isascii() and cvv.isdigit()
