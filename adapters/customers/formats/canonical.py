"""Our own format, "customer event v1": the ``CustomerEventV1`` struct below is its only
specification. It decodes and validates the events, and docs/customer-event.schema.json is
generated from it (``python -m adapters.customers.formats.schema``).

Only the fields this service needs are read: the Bank 1 fields a producer may also send (CPF,
e-mail, address...) are ignored and never parsed into our objects. Name, phone and state are
passed on as sent; the domain judges them. Types are strict: JSON true is no version, 1 no flag.

A bad event's reject reason is that of its first failing layer: ``_Identified`` (the customer
id), then ``_Versioned`` (version and updated_at), then the rest of the event. msgspec's error
texts may quote the input, which is personal data: they are never kept, only the reason code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final, Literal

import msgspec

from adapters.customers.formats.fields import MAX_CUSTOMER_ID_LENGTH, canonical_customer_id
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from domain.customers.versions import MAX_VERSION_PART, Version, VersionScheme
from service.stream.records import StreamRecord

# RFC 3339 date-time with a mandatory offset. Python's fromisoformat reads ASCII digits only,
# so [0-9] here is exactly what the decoder accepts, in JSON Schema's regex dialect too.
RFC3339_PATTERN: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)
_RFC3339 = re.compile(RFC3339_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MAX_JSON_INTEGER = 2**64 - 1  # larger JSON integers are read as floats, which are no ids

# The characters the schema's id pattern refuses: controls, separators, format characters and
# U+FFFD, as far as a JSON Schema regex can list them (canonical_customer_id decides exactly).
_NOT_STORED_AS_SENT = (
    r"\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u2000-\u200f"
    r"\u2028-\u202f\u205f-\u2064\u3000\ufeff\ufffd"
)
_CUSTOMER_ID_PATTERN = (
    rf"^[ \t\n\r\f\v]*[^ {_NOT_STORED_AS_SENT}]"
    rf"([^{_NOT_STORED_AS_SENT}]*[^ {_NOT_STORED_AS_SENT}])?[ \t\n\r\f\v]*$"
)

CustomerIdText = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=MAX_CUSTOMER_ID_LENGTH,
        # Documentation only: canonical_customer_id decides (see _Identified).
        extra_json_schema={"pattern": _CUSTOMER_ID_PATTERN},
    ),
]
# msgspec bounds stop at int64; the parser reads no larger integer anyway.
CustomerIdNumber = Annotated[
    int, msgspec.Meta(ge=0, extra_json_schema={"maximum": _MAX_JSON_INTEGER})
]
# JSON integers above 2**64 - 1 are read as floats, so no version exceeds MAX_VERSION_PART
# (2**80 - 1), which msgspec could not check anyway: its bounds stop at int64.
VersionNumber = Annotated[int, msgspec.Meta(ge=0, extra_json_schema={"maximum": MAX_VERSION_PART})]
PassedOn = Annotated[Any, msgspec.Meta(extra_json_schema={"type": ["string", "null"]})]


class Instant(int):
    """Microseconds since 1970 UTC, sent as an RFC 3339 date-time with offset (``_instant``)."""

    __slots__ = ()


def _instant(text: object) -> Instant:
    """The instant a date-time names; finer fractions are truncated, earlier than 1970 refused.

    The errors raised name the rule broken, never the value: it may be personal data.
    """
    if not isinstance(text, str) or not _RFC3339.fullmatch(text):  # "$" allows a final "\n"
        raise TypeError("not an RFC 3339 date-time with offset")
    instant = datetime.fromisoformat(text.upper())  # 3.11 parses "Z" but not "z" or "t"
    microseconds = (instant - _EPOCH) // _MICROSECOND
    if microseconds < 0:
        raise ValueError("before 1970")
    return Instant(microseconds)


def _decode_hook(kind: type, raw: object) -> object:
    if kind is Instant:
        return _instant(raw)
    raise NotImplementedError(kind)


def schema_hook(kind: type) -> dict[str, object]:
    """The JSON Schema of the types msgspec does not know."""
    if kind is Instant:
        return {"type": "string", "format": "date-time", "pattern": RFC3339_PATTERN}
    raise NotImplementedError(kind)


class _Identified(msgspec.Struct):
    """The customer an event is about."""

    customer_id: Annotated[
        CustomerIdText | CustomerIdNumber,
        msgspec.Meta(
            description="Bank 1's customer id. Surrounding ASCII whitespace is dropped and "
            'digit-only ids lose leading zeros, so 42, "42" and " 0042 " name one customer. '
            "Every other character must be printable (a letter, mark, number, punctuation, "
            "symbol or the ASCII space): control, format (zero-width, bidi) and other separator "
            "characters, and U+FFFD (what is left of bytes that were not UTF-8), are refused. "
            "The pattern approximates this rule: the decoder (Python's str.isprintable) also "
            "refuses the other format characters (U+2066-2069, tags...), private-use and "
            f"unassigned code points. Integers above {_MAX_JSON_INTEGER} must be sent as text."
        ),
    ]

    def __post_init__(self) -> None:
        customer_id = canonical_customer_id(self.customer_id)
        if customer_id is None:
            raise ValueError("not a customer id")  # never the value: it is personal data
        self.customer_id = customer_id


class _Versioned(_Identified):
    """What orders an event among its customer's: version, then updated_at, then the offset."""

    version: Annotated[
        VersionNumber | None,
        msgspec.Meta(
            description="The producer's counter for this customer; a higher version is a newer "
            "event. Compared before updated_at. null is the same as absent."
        ),
    ] = None
    updated_at: Annotated[
        Instant | None,
        msgspec.Meta(
            description="When the change happened: an RFC 3339 date-time with a UTC offset, not "
            "before 1970. Compared after version, to the microsecond. null is the same as absent."
        ),
    ] = None


class CustomerEventV1(_Versioned):
    """Customer event v1; its JSON Schema's description is in ``CUSTOMER_EVENT_V1``."""

    status: Annotated[
        Literal["A", "I"],
        msgspec.Meta(description="A: active; I: inactive (telesales must not call)."),
    ] = "A"
    deleted: Annotated[
        bool,
        msgspec.Meta(description="The customer was deleted in Bank 1 (telesales must not call)."),
    ] = False
    telemarketing_opt_out: Annotated[
        bool,
        msgspec.Meta(description="The customer refused telemarketing (telesales must not call)."),
    ] = False
    name: Annotated[
        PassedOn,
        msgspec.Meta(
            description="Full name, 1 to 120 characters after whitespace is collapsed. Needed "
            "unless the event removes the contact."
        ),
    ] = None
    phone: Annotated[
        PassedOn,
        msgspec.Meta(
            description="A Brazilian mobile or landline with area code, as typed "
            '("(11) 98765-4321", "+55 11 98765-4321"). Needed unless the event removes the '
            "contact."
        ),
    ] = None
    state: Annotated[
        PassedOn,
        msgspec.Meta(
            description='The customer\'s state as UF ("SP") or name ("São Paulo"). Decides the '
            "region; when absent the phone's area code does."
        ),
    ] = None


# The event as a whole: what no single field says. The decoder checks the same in ``decode``.
CUSTOMER_EVENT_V1 = Annotated[
    CustomerEventV1,
    msgspec.Meta(
        title="Customer event v1",
        description="One change to one Bank 1 customer, as the telesales contact projection "
        "reads it. Only customer_id, the version fields, status, deleted, telemarketing_opt_out, "
        "name, phone and state are read; any other property (cpf, email, birth_date, city, zip, "
        "address, branch...) is accepted and ignored, so producers may publish one event for "
        "several consumers. Integers must be written without a fraction or exponent.",
        extra_json_schema={
            "anyOf": [
                {"required": ["version"], "properties": {"version": {"type": "integer"}}},
                {"required": ["updated_at"], "properties": {"updated_at": {"type": "string"}}},
            ],
            "additionalProperties": True,
        },
        examples=[
            {
                "customer_id": "1042",
                "version": 7,
                "updated_at": "2024-05-29T14:03:11.250-03:00",
                "name": "Maria Souza",
                "phone": "(27) 98855-6137",
                "state": "ES",
                "status": "A",
                "cpf": "123.456.789-09",
                "email": "maria@example.com",
            },
            {"customer_id": 1042, "version": 8, "deleted": True},
        ],
    ),
]

# The layers in the order their failure decides the reject reason.
_LAYERS: tuple[tuple[type[msgspec.Struct], RejectReason], ...] = (
    (_Identified, RejectReason.INVALID_CUSTOMER_ID),
    (_Versioned, RejectReason.INVALID_VERSION),
)


def matches(message: Mapping[str, object]) -> bool:
    return "customer_id" in message


def decode(message: Mapping[str, object], record: StreamRecord) -> CustomerChange | Rejection:
    """Decode one event. Its version orders it; the offset only breaks ties between equal ones."""
    try:
        event = msgspec.convert(message, CustomerEventV1, dec_hook=_decode_hook)
    except msgspec.ValidationError:
        event = None  # its text may quote the event: not kept a moment longer
    if event is None:
        return Rejection(_reject_reason(message))
    # Checked once every field is valid: a bad field elsewhere decides the reason first.
    if event.version is None and event.updated_at is None:
        return Rejection(RejectReason.INVALID_VERSION)
    version = Version(
        VersionScheme.PRODUCER_COUNTER,
        (event.version or 0, int(event.updated_at or 0), record.offset),
    )
    # By position (customer, version, deleted, active, opted out, name, phone, state): a
    # dataclass called with keywords costs twice as much, and this runs per event.
    return CustomerChange(
        str(event.customer_id),
        version,
        event.deleted,
        event.status == "A",
        event.telemarketing_opt_out,
        event.name,
        event.phone,
        event.state,
    )


def _reject_reason(message: Mapping[str, object]) -> RejectReason:
    """The reason of the first layer the event fails; the error itself is dropped unread."""
    for layer, reason in _LAYERS:
        try:
            msgspec.convert(message, layer, dec_hook=_decode_hook)
        except msgspec.ValidationError:
            return reason
    return RejectReason.INVALID_FIELD
