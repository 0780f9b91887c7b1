"""Card brands, recognised by their issuer identification number (IIN/BIN) and length.

Sources, cross-checked against each other:
* braintree/credit-card-type, src/lib/card-types.ts (the BIN tables of Braintree's payment
  forms, MIT licence): the Elo and Hipercard ranges and every brand's lengths;
* Wikipedia, "Payment card number", table of issuer identification numbers: Mastercard's
  2-series (2221-2720, issued since 2017), Discover's 622126-622925 (co-branded with UnionPay)
  and its 16-19 digit lengths, Visa's 13, 16 and 19 digit lengths.

Elo and Hipercard come FIRST: several Elo BINs lie inside Visa's "4" and Discover's "65", and
the first brand that matches wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Brand(StrEnum):
    """Stored with a transaction, so the values must never change."""

    ELO = "elo"
    HIPERCARD = "hipercard"
    AMEX = "amex"
    DINERS = "diners"
    JCB = "jcb"
    DISCOVER = "discover"
    MASTERCARD = "mastercard"
    VISA = "visa"


@dataclass(frozen=True, slots=True)
class _Issuer:
    brand: Brand
    # Inclusive ranges of prefixes; both ends of a range have the same number of digits, so
    # comparing them as text compares them as numbers.
    prefixes: tuple[tuple[str, str], ...]
    lengths: frozenset[int]

    def issued(self, digits: str) -> bool:
        return len(digits) in self.lengths and any(
            low <= digits[: len(low)] <= high for low, high in self.prefixes
        )


def _single(*prefixes: str) -> tuple[tuple[str, str], ...]:
    return tuple((prefix, prefix) for prefix in prefixes)


_ISSUERS = (
    _Issuer(
        Brand.ELO,
        _single("401178", "401179", "431274", "438935", "451416", "457393", "457631", "457632")
        + _single("504175", "627780", "636297", "636368")
        + (
            ("506699", "506778"),
            ("509000", "509999"),
            ("650031", "650033"),
            ("650035", "650051"),
            ("650405", "650439"),
            ("650485", "650538"),
            ("650541", "650598"),
            ("650700", "650718"),
            ("650720", "650727"),
            ("650901", "650978"),
            ("651652", "651679"),
            ("655000", "655019"),
            ("655021", "655058"),
        ),
        frozenset({16}),
    ),
    _Issuer(Brand.HIPERCARD, _single("606282"), frozenset({16})),
    _Issuer(Brand.AMEX, _single("34", "37"), frozenset({15})),
    _Issuer(Brand.DINERS, (("300", "305"), *_single("36", "38", "39")), frozenset({14, 16, 19})),
    _Issuer(Brand.JCB, (("3528", "3589"),), frozenset(range(16, 20))),
    _Issuer(
        Brand.DISCOVER,
        (*_single("6011", "65"), ("644", "649"), ("622126", "622925")),
        frozenset(range(16, 20)),
    ),
    _Issuer(Brand.MASTERCARD, (("51", "55"), ("2221", "2720")), frozenset({16})),
    _Issuer(Brand.VISA, _single("4"), frozenset({13, 16, 19})),
)

_AMEX_CVV_DIGITS = 4  # American Express prints a 4-digit CID on the front
_CVV_DIGITS = 3


def brand_of(digits: str) -> Brand | None:
    """The brand that issued this card number (digits only), or None for an unknown one."""
    return next((issuer.brand for issuer in _ISSUERS if issuer.issued(digits)), None)


def cvv_digits(brand: Brand) -> int:
    return _AMEX_CVV_DIGITS if brand is Brand.AMEX else _CVV_DIGITS
