"""Our own format, "customer event v1", specified by docs/customer-event.schema.json.

The pydantic model reads only the fields this service needs (``extra="ignore"``): the Bank 1
fields a producer may also send (CPF, e-mail, address...) are never parsed into our objects.
Name, phone and state are passed on as sent; the domain judges them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)

from adapters.formats.fields import canonical_customer_id
from domain.customers import CustomerChange, Rejection
from domain.reasons import RejectReason
from domain.versions import MAX_VERSION_PART, Version, VersionScheme
from service.records import StreamRecord

# RFC 3339 date-time with a mandatory offset; the schema file carries the same pattern.
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _customer_id(raw: object) -> str:
    customer_id = canonical_customer_id(raw)
    if customer_id is None:
        raise ValueError("not a customer id")
    return customer_id


def _epoch_microseconds(text: object) -> int | None:
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


class CustomerEventV1(BaseModel):
    # Validation errors quote their input by default, and here the input is personal data.
    model_config = ConfigDict(extra="ignore", frozen=True, strict=True, hide_input_in_errors=True)

    customer_id: Annotated[str, PlainValidator(_customer_id)]
    version: Annotated[int, Field(ge=0, le=MAX_VERSION_PART)] | None = None
    updated_at: Annotated[int | None, PlainValidator(_epoch_microseconds)] = None  # in µs
    status: Literal["A", "I"] = "A"
    deleted: bool = False
    telemarketing_opt_out: bool = False
    name: Any = None
    phone: Any = None
    state: Any = None

    @model_validator(mode="after")
    def _versioned(self) -> Self:
        if self.version is None and self.updated_at is None:
            raise ValueError("needs version or updated_at")
        return self


# The first failing field decides the reason, in this order; the error text is never kept.
_REASON_BY_FIELD = {
    "customer_id": RejectReason.INVALID_CUSTOMER_ID,
    "version": RejectReason.INVALID_VERSION,
    "updated_at": RejectReason.INVALID_VERSION,
}
_REASON_ORDER = (
    RejectReason.INVALID_CUSTOMER_ID,
    RejectReason.INVALID_VERSION,
    RejectReason.INVALID_FIELD,
)


def matches(message: Mapping[str, object]) -> bool:
    return "customer_id" in message


def decode(message: Mapping[str, object], record: StreamRecord) -> CustomerChange | Rejection:
    """Decode one event. Its version orders it; the offset only breaks ties between equal ones."""
    try:
        event = CustomerEventV1.model_validate(message)
    except ValidationError as error:
        return Rejection(_reason(error))
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


def _reason(error: ValidationError) -> RejectReason:
    reasons = {_reason_of(detail["loc"]) for detail in error.errors(include_input=False)}
    return next(reason for reason in _REASON_ORDER if reason in reasons)


def _reason_of(location: tuple[int | str, ...]) -> RejectReason:
    if not location:  # the model-level check: neither version nor updated_at
        return RejectReason.INVALID_VERSION
    return _REASON_BY_FIELD.get(str(location[0]), RejectReason.INVALID_FIELD)
