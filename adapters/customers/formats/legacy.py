"""The legacy producer's flat messages, keyed by Bank 1's column names.

Example: ``{"CD_CLIENTE":"1","NM_CLIENTE":"Maria Souza","TEL_CLIENTE":"27988556137","STATUS":"A"}``.
Only the id, name, phone and status are read. ``CD_REGIAO`` is ignored on purpose: its codes mean
different things in different producers, so the region is derived from the phone instead. The
format has no state and no event version, so the record's partition offset orders the changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from adapters.customers.formats.fields import active_from_status, canonical_customer_id
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from domain.customers.versions import Version, VersionScheme
from service.stream.records import StreamRecord


def matches(message: Mapping[str, object]) -> bool:
    return "CD_CLIENTE" in message


def decode(message: Mapping[str, object], record: StreamRecord) -> CustomerChange | Rejection:
    customer_id = canonical_customer_id(message.get("CD_CLIENTE"))
    if customer_id is None:
        return Rejection(RejectReason.INVALID_CUSTOMER_ID)
    if record.offset < 0:
        return Rejection(RejectReason.INVALID_VERSION)
    active = active_from_status(message.get("STATUS"))
    if active is None:
        return Rejection(RejectReason.INVALID_FIELD)
    version = Version(VersionScheme.KAFKA_OFFSET, (record.offset,))
    name, phone = message.get("NM_CLIENTE"), message.get("TEL_CLIENTE")
    # By position (customer, version, deleted, active, opted out, name, phone, state): a
    # dataclass called with keywords costs twice as much, and this runs per event.
    deleted = opted_out = False  # the legacy format removes a customer by status only
    return CustomerChange(customer_id, version, deleted, active, opted_out, name, phone, None)
