"""Amounts of money: exact decimals in cents, never floats, and the gateway's amount limits."""

from __future__ import annotations

from decimal import Decimal

from domain.payments.messages import ErrorMessage

CENT = Decimal("0.01")
MIN_AMOUNT = Decimal("1.00")
MAX_AMOUNT = Decimal("1000.00")
# Ten digits before the point and two after: the gateway's DECIMAL(12,2), where amounts live.
_TOO_LARGE = Decimal(10) ** 10


def money(value: Decimal) -> Decimal | None:
    """The amount with exactly two decimal places, or None if it is not an amount of money.

    Fractions of a cent are refused rather than rounded: rounding someone's money silently is
    never right. So are infinities, NaN and amounts of more than ten integer digits.
    """
    if not value.is_finite() or abs(value) >= _TOO_LARGE:
        return None
    cents = value.quantize(CENT)
    if cents != value:
        return None
    return cents.copy_abs() if cents.is_zero() else cents  # no "-0.00"


def amount_error(amount: Decimal | None) -> ErrorMessage | None:
    """The gateway's amount rules: an amount of money, at least 1.00 and at most 1,000.00.

    ``None`` is a message whose amount is no amount of money (see ``money``). A negative amount
    is one, and breaks the first limit like any other amount below 1.00.
    """
    if amount is None:
        return ErrorMessage.INVALID_AMOUNT
    if amount < MIN_AMOUNT:
        return ErrorMessage.AMOUNT_TOO_LOW
    if amount > MAX_AMOUNT:
        return ErrorMessage.OVER_LIMIT
    return None


def kept_amount(amount: Decimal | None) -> Decimal | None:
    """What a decision keeps of the amount: the amount, or None when it is negative or absent.

    A negative amount is rejected, but it is no money anyone could be charged or owe: kept as
    -5.00 it would turn every sum over the stored transactions into a lie. The database refuses
    negative amounts as well (migration 0004).
    """
    return amount if amount is not None and amount >= 0 else None
