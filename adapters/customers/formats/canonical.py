"""Our own format, "customer event v1", specified by docs/customer-event.schema.json.

Only the fields this service needs are read: the Bank 1 fields a producer may also send (CPF,
e-mail, address...) are never parsed into our objects. Name, phone and state are passed on as
sent; the domain judges them.

The rules are those of the pydantic model in ``canonical_model`` (strict types, ``extra`` ignored).
A plainly valid event, as producers send nearly all of them, is read here directly; any event
this fast path is not sure of goes to the model itself, which decides its reject reason.
tests/customers/formats/test_canonical_fast_path.py checks that both read every event alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from adapters.customers.formats.fields import canonical_customer_id
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.versions import MAX_VERSION_PART, Version, VersionScheme
from service.stream.records import StreamRecord

# RFC 3339 date-time with a mandatory offset; the schema file carries the same pattern.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def epoch_microseconds(text: object) -> int | None:
    """Microseconds since 1970 UTC; finer fractions are truncated, earlier instants refused."""
    if text is None:
        return None
    if not isinstance(text, str) or not _RFC3339.fullmatch(text):
        raise ValueError("not an RFC 3339 date-time with offset")
    instant = datetime.fromisoformat(text.upper())  # 3.11 parses "Z" but not "z" or "t"
    microseconds = (instant - _EPOCH) // _MICROSECOND
    if microseconds < 0:
        raise ValueError("before 1970")
    return microseconds


def matches(message: Mapping[str, object]) -> bool:
    return "customer_id" in message


def decode(message: Mapping[str, object], record: StreamRecord) -> CustomerChange | Rejection:
    """Decode one event. Its version orders it; the offset only breaks ties between equal ones."""
    change = _plainly_valid(message, record)
    return change if change is not None else decode_with_model(message, record)


def _flag(message: Mapping[str, object], name: str) -> bool | None:
    """A boolean field, false when absent; None for anything but JSON true or false."""
    value = message.get(name, False)
    return value if type(value) is bool else None


def _plainly_valid(message: Mapping[str, object], record: StreamRecord) -> CustomerChange | None:
    """The event if every field is plainly valid, as the model would read it; None if unsure."""
    customer_id = canonical_customer_id(message.get("customer_id"))
    version = message.get("version")
    # Strict integers: JSON true and false are not versions.
    if version is not None and (type(version) is not int or not 0 <= version <= MAX_VERSION_PART):
        return None
    try:
        updated_at = epoch_microseconds(message.get("updated_at"))
    except (ValueError, OverflowError):
        return None
    status = message.get("status", "A")
    active = True if status == "A" else False if status == "I" else None
    deleted, opted_out = _flag(message, "deleted"), _flag(message, "telemarketing_opt_out")
    if (
        customer_id is None
        or (version is None and updated_at is None)
        or active is None
        or deleted is None
        or opted_out is None
    ):
        return None
    return CustomerChange(
        customer_id,
        Version(VersionScheme.PRODUCER_COUNTER, (version or 0, updated_at or 0, record.offset)),
        deleted=deleted,
        active=active,
        telemarketing_opt_out=opted_out,
        name=message.get("name"),
        phone=message.get("phone"),
        state=message.get("state"),
    )


def decode_with_model(
    message: Mapping[str, object], record: StreamRecord
) -> CustomerChange | Rejection:
    """The same reading by the pydantic model, which also names what is wrong with the event."""
    from adapters.customers.formats import canonical_model  # noqa: PLC0415 - see canonical_model

    try:
        event = canonical_model.CustomerEventV1.model_validate(message)
    except canonical_model.ValidationError as error:
        return Rejection(canonical_model.reject_reason(error))
    return CustomerChange(
        event.customer_id,
        Version(
            VersionScheme.PRODUCER_COUNTER,
            (event.version or 0, event.updated_at or 0, record.offset),
        ),
        deleted=event.deleted,
        active=event.status == "A",
        telemarketing_opt_out=event.telemarketing_opt_out,
        name=event.name,
        phone=event.phone,
        state=event.state,
    )
