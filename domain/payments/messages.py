"""What the payment processor says: answers' error messages and reject reason codes."""

from enum import StrEnum


class ErrorMessage(StrEnum):
    """Why a transaction was rejected, in the order the rules are checked.

    The texts are the existing gateway's, byte for byte: its front end displays them, so they
    must never change (not even the missing apostrophe in "dont").
    """

    INVALID_CARD_NUMBER = "invalid credit card number"
    INVALID_EXPIRATION_MONTH = "invalid expiration month"
    INVALID_EXPIRATION_YEAR = "invalid expiration year"
    CARD_EXPIRED = "card expired"
    INVALID_CVV = "invalid cvv"
    INVALID_HOLDER_NAME = "invalid card holder name"
    AMOUNT_TOO_LOW = "the amount must be greater than 1"
    OVER_LIMIT = "you dont have limit for this transaction"


class PaymentRejectReason(StrEnum):
    """Why a message could not be answered at all. Stored in Bank 2: never change a meaning.

    A message is answered (approved or rejected) whenever it names a transaction, an account and
    an amount of money; anything less is one of these.
    """

    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_FORMAT = "unknown_format"  # valid JSON, but not an object
    INVALID_TRANSACTION_ID = "invalid_transaction_id"  # missing, blank, too long or not text
    INVALID_ACCOUNT_ID = "invalid_account_id"
    INVALID_AMOUNT = "invalid_amount"  # missing, not a number, fractions of a cent, too large
    INVALID_FIELD = "invalid_field"  # content no decoder rule foresaw
