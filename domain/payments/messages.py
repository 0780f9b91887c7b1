"""What the payment processor says: answers' error messages and reject reason codes."""

from enum import StrEnum


class ErrorMessage(StrEnum):
    """Why a transaction was rejected, in the order the rules are checked.

    The texts are the existing gateway's, byte for byte: its front end displays them, so they
    must never change (not even the missing apostrophe in "dont"). ``INVALID_AMOUNT`` is the one
    message the gateway did not have: it answers a transaction whose amount is no amount of money
    (text such as "10,50", exponent form, fractions of a cent), which used to get no answer at
    all. Its text follows the gateway's "invalid <field>" messages ("invalid cvv", "invalid
    expiration month"), so a front end that shows those shows it the same way.
    """

    INVALID_CARD_NUMBER = "invalid credit card number"
    INVALID_EXPIRATION_MONTH = "invalid expiration month"
    INVALID_EXPIRATION_YEAR = "invalid expiration year"
    CARD_EXPIRED = "card expired"
    INVALID_CVV = "invalid cvv"
    INVALID_HOLDER_NAME = "invalid card holder name"
    INVALID_AMOUNT = "invalid amount"
    AMOUNT_TOO_LOW = "the amount must be greater than 1"
    OVER_LIMIT = "you dont have limit for this transaction"


class PaymentRejectReason(StrEnum):
    """Why a message could not be answered at all. Stored in Bank 2: never change a meaning.

    A message is answered (approved or rejected) whenever it names a transaction and an account;
    anything less is one of these.
    """

    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_FORMAT = "unknown_format"  # valid JSON, but not an object
    # Missing, blank, too long, not text, or holding a character no engine stores as sent.
    INVALID_TRANSACTION_ID = "invalid_transaction_id"
    INVALID_ACCOUNT_ID = "invalid_account_id"
    # No longer given: a transaction with an unreadable amount is answered INVALID_AMOUNT (the
    # error message). Kept because rejected_messages rows recorded before may hold it.
    INVALID_AMOUNT = "invalid_amount"
    INVALID_FIELD = "invalid_field"  # content no decoder rule foresaw
