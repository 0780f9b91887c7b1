"""Debezium change events for Bank 1's ``customers`` table (SQL Server or PostgreSQL source).

Accepted with or without the Connect schema wrapper (the dispatcher unwraps it). Columns read from
``after``: ``id, name, phone, state, status`` and the optional ``telemarketing_opt_out``; the other
columns (CPF, e-mail, city, zip...) are never read.

A column whose value Debezium does not have in an event holds its unavailable-value placeholder
(the connector option ``unavailable.value.placeholder``, ``__debezium_unavailable_value`` by
default): a PostgreSQL TOASTed column an update did not change, a SQL Server ``varchar(max)`` or
``nvarchar(max)`` column an update did not touch. In ``name``, ``phone`` or ``state`` it means "this
field did not change" (``UNCHANGED``), never data: it is never stored and never dialled. In
``status`` or ``telemarketing_opt_out``: if the other flag removes the customer (status ``I``, or
opted out), the change is a removal; otherwise it cannot say whether the customer may be called,
and it is refused (``unavailable_value``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from adapters.customers.formats.debezium_source import source_version
from adapters.customers.formats.fields import (
    active_from_status,
    canonical_customer_id,
    customer_id_from_key,
)
from adapters.settings import DEFAULT_UNAVAILABLE_PLACEHOLDER
from domain.customers.changes import UNCHANGED, CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from domain.customers.versions import Version
from service.stream.records import StreamRecord

_UPSERT_OPERATIONS = frozenset({"c", "u", "r"})  # create, update, snapshot read
_DELETE_OPERATION = "d"
_OPERATIONS = _UPSERT_OPERATIONS | {_DELETE_OPERATION}
# Fixed-width hex fields, so joining them keeps the log order: "00000027:00000758:0005".
_HEX_PREFIX = "hex:"


def matches(message: Mapping[str, object]) -> bool:
    return "op" in message and "source" in message


def unavailable_values(placeholder: str = DEFAULT_UNAVAILABLE_PLACEHOLDER) -> frozenset[str]:
    """The texts that stand for a value Debezium does not have, for a connector configured with
    ``unavailable.value.placeholder=<placeholder>``: the placeholder itself and, for a ``hex:``
    placeholder, the text its octets spell (PostgreSQL puts that in text columns; SQL Server and
    Oracle take the setting literally). Debezium's default is always one of them: a setting that
    does not match the connector's must not turn its placeholder into a name or a phone."""
    values = {placeholder, DEFAULT_UNAVAILABLE_PLACEHOLDER}
    if placeholder.startswith(_HEX_PREFIX):
        with contextlib.suppress(ValueError):  # not hex after all: only the literal text
            values.add(bytes.fromhex(placeholder[len(_HEX_PREFIX) :]).decode("utf-8"))
    values.discard("")  # an empty placeholder could not be told from an empty value
    return frozenset(values)


DEFAULT_UNAVAILABLE_VALUES = unavailable_values()


def decode(
    envelope: Mapping[str, object],
    record: StreamRecord,
    unavailable: frozenset[str] = DEFAULT_UNAVAILABLE_VALUES,
) -> CustomerChange | Rejection:
    operation = envelope.get("op")
    if not isinstance(operation, str) or operation not in _OPERATIONS:
        # Truncates and logical-decoding messages name no customer.
        return Rejection(RejectReason.UNSUPPORTED_OPERATION)
    version = source_version(envelope, record.offset)
    if version is None:
        return Rejection(RejectReason.INVALID_VERSION)
    if operation == _DELETE_OPERATION:
        return _deletion(envelope.get("before"), record.key, version)
    return _upsert(envelope.get("after"), version, unavailable)


def _upsert(
    row: object, version: Version, unavailable: frozenset[str]
) -> CustomerChange | Rejection:
    if not isinstance(row, dict):
        return Rejection(RejectReason.INVALID_FIELD)
    customer_id = canonical_customer_id(row.get("id"))
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    # Inline checks rather than calls: this runs for every Debezium event. A value is the
    # placeholder only as a whole text (other types are never hashed into the set).
    status, opt_out = row.get("status"), row.get("telemarketing_opt_out")
    status_unavailable = type(status) is str and status in unavailable
    opt_out_unavailable = type(opt_out) is str and opt_out in unavailable
    active = True if status_unavailable else active_from_status(status)
    opted_out = False if opt_out_unavailable else _bit(opt_out)
    if active is None or opted_out is None:
        return Rejection(RejectReason.INVALID_FIELD, customer_id=customer_id)
    # A flag the change gives that removes the customer decides, whatever the other one is.
    # Otherwise a flag left out leaves it unknown whether the customer may be called.
    removes = not active or opted_out
    if (status_unavailable or opt_out_unavailable) and not removes:
        return Rejection(RejectReason.UNAVAILABLE_VALUE, customer_id=customer_id)
    name, phone, state = row.get("name"), row.get("phone"), row.get("state")
    if type(name) is str and name in unavailable:
        name = UNCHANGED
    if type(phone) is str and phone in unavailable:
        phone = UNCHANGED
    if type(state) is str and state in unavailable:
        state = UNCHANGED
    # By position (customer, version, deleted, active, opted out, name, phone, state): a
    # dataclass called with keywords costs twice as much, and this runs per event.
    deleted = False
    return CustomerChange(customer_id, version, deleted, active, opted_out, name, phone, state)


def _deletion(
    before: object, key: bytes | str | None, version: Version
) -> CustomerChange | Rejection:
    # PostgreSQL with REPLICA IDENTITY DEFAULT or NOTHING may send no usable ``before`` image;
    # the record key still names the row.
    if isinstance(before, dict) and before.get("id") is not None:
        customer_id = canonical_customer_id(before["id"])
    else:
        customer_id = customer_id_from_key(key)
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    return CustomerChange(customer_id, version, deleted=True)


def _bit(value: object) -> bool | None:
    """A boolean column: JSON true/false, or 0/1 as MySQL BIT/TINYINT columns arrive."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in {0, 1}:
        return value == 1
    return None
