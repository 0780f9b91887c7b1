"""Customer event v1 as a pydantic model: the exact reference for what the fast path leaves.

Imported only when an event is not plainly valid (``canonical.decode`` says when): the model
decides the reject reason of a bad event, and pydantic's import costs about 100 ms of cold start
that a worker whose events are all valid never pays.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)

from adapters.customers.formats.fields import canonical_customer_id
from domain.customers.reasons import RejectReason
from domain.customers.versions import MAX_VERSION_PART

__all__ = ["CustomerEventV1", "ValidationError", "reject_reason"]


def _customer_id(raw: object) -> str:
    customer_id = canonical_customer_id(raw)
    if customer_id is None:
        raise ValueError("not a customer id")
    return customer_id


def _epoch_microseconds(text: object) -> int | None:
    # Imported here: canonical imports this module lazily, and the rule lives there.
    from adapters.customers.formats.canonical import epoch_microseconds  # noqa: PLC0415

    return epoch_microseconds(text)


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


def reject_reason(error: ValidationError) -> RejectReason:
    reasons = {_reason_of(detail["loc"]) for detail in error.errors(include_input=False)}
    return next(reason for reason in _REASON_ORDER if reason in reasons)


def _reason_of(location: tuple[int | str, ...]) -> RejectReason:
    if not location:  # the model-level check: neither version nor updated_at
        return RejectReason.INVALID_VERSION
    return _REASON_BY_FIELD.get(str(location[0]), RejectReason.INVALID_FIELD)
