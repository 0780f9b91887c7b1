"""Settling a customer's changes when the newest of them leaves fields out.

A ``ContactUpdate`` keeps what Bank 2 holds for the fields it leaves out, so it is applied on top
of the customer's history: what Bank 2 holds, then the batch's changes newer than that, oldest
first. The result is the contact (or removal) to write at the newest change's version. Where
there is no contact to keep the fields from (the customer is unknown to Bank 2, or removed), the
update cannot become a contact: it is refused (``unavailable_value``) and withdraws nothing, since
Bank 2 shows nothing for the customer; an older change of the batch that Bank 2 does not hold yet
(a removal, say) is still written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.customers.changes import Contact, ContactUpdate, ProjectedChange, Removal
from domain.customers.phones import area_code_of
from domain.customers.regions import Region, region_of_area_code


@dataclass(frozen=True, slots=True)
class Fields:
    """A contact's fields, as a change that leaves some out keeps them."""

    name: str
    phone: str  # E.164
    region: Region
    region_from_state: bool | None


@dataclass(frozen=True, slots=True)
class HeldContact:
    """What Bank 2 holds for a customer: its version, and its contact unless it is removed."""

    version_key: str
    contact: Fields | None  # None: a removal marker


@dataclass(frozen=True, slots=True)
class Settled:
    """What to do with one customer's changes."""

    write: Contact | Removal | None  # newer than what Bank 2 holds, to write
    refused: ContactUpdate | None = None  # the newest change, when it could not be applied
    stale: bool = False  # the newest change is not newer than what Bank 2 holds


def settle(history: Sequence[ProjectedChange], held: HeldContact | None) -> Settled:
    """Apply ``history`` (one customer's changes, oldest first) on top of what Bank 2 holds."""
    newer = [c for c in history if held is None or c.version.key > held.version_key]
    if not newer:
        return Settled(write=None, stale=True)
    state = held.contact if held is not None else None
    write: Contact | Removal | None = None
    for change in newer:
        if isinstance(change, ContactUpdate):
            merged = applied(change, state)
            if merged is None:
                if change is newer[-1]:
                    return Settled(write=write, refused=change)
                continue  # a newer change decides
            write = merged
        else:
            write = change
        state = _fields(write)
    return Settled(write=write)


def _fields(change: Contact | Removal) -> Fields | None:
    if isinstance(change, Removal):
        return None
    return Fields(change.name, change.phone, change.region, change.region_from_state)


def applied(update: ContactUpdate, base: Fields | None) -> Contact | None:
    """The contact ``update`` leaves: ``base``'s fields where it left them out; None if there is
    no contact to keep them from."""
    if base is None:
        return None
    name = update.name if update.name is not None else base.name
    phone = update.phone.e164 if update.phone is not None else base.phone
    region: Region | None
    from_state: bool | None
    if isinstance(update.state, Region):
        region, from_state = update.state, True
    elif update.state is None:
        region, from_state = region_of_area_code(area_code_of(phone)), False
    elif base.region_from_state is False:
        # The state did not change and there was none: the phone decides, as it did.
        region, from_state = region_of_area_code(area_code_of(phone)), False
    else:
        # The state did not change and decided the region (or Bank 2 does not know which
        # decided, for a contact stored before it recorded that): the region stays.
        region, from_state = base.region, base.region_from_state
    if region is None:
        return None
    return Contact(update.customer_id, update.version, name, phone, region, from_state)
