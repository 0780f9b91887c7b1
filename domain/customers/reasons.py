"""Why a message was rejected: stable codes that operators search for and dashboards group by."""

from enum import StrEnum


class RejectReason(StrEnum):
    """A reject reason code. The values are stored in Bank 2 and must never change meaning."""

    # The message could not be read at all.
    OVERSIZED = "oversized"
    MALFORMED_JSON = "malformed_json"
    UNKNOWN_FORMAT = "unknown_format"
    # The message has a known shape, but a structural field is wrong.
    INVALID_FIELD = "invalid_field"
    INVALID_CUSTOMER_ID = "invalid_customer_id"
    INVALID_VERSION = "invalid_version"
    UNSUPPORTED_OPERATION = "unsupported_operation"
    # The customer data breaks a domain rule.
    INVALID_NAME = "invalid_name"
    INVALID_PHONE = "invalid_phone"
    INVALID_STATE = "invalid_state"
    # A change leaves a field out (Debezium's unavailable-value placeholder) and Bank 2 holds no
    # contact to keep it from, or a flag the change needs is left out.
    UNAVAILABLE_VALUE = "unavailable_value"
