"""A customer change becomes a telesales contact to upsert, a contact to remove, or a rejection.

Only the name, phone and region leave this module: whatever else Bank 1 holds about a customer
(CPF, e-mail, address, birth date, branch) is never part of a ``CustomerChange`` in the first place.

A producer may leave a field out of a change and say so (Debezium's unavailable-value
placeholder, for a column an update did not touch): such a field is ``UNCHANGED``, never data. The
change then becomes a ``ContactUpdate``, which keeps what Bank 2 holds for the fields it leaves out
(``domain.customers.merging``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Final

from domain.customers.names import normalize_name
from domain.customers.phones import BrazilianPhone, parse_brazilian_phone
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region, region_of_area_code, region_of_state
from domain.customers.removals import RemovalReason
from domain.customers.versions import Version


class Unchanged(Enum):
    """The producer says this field did not change, and does not say what it holds."""

    UNCHANGED = "unchanged"


UNCHANGED: Final = Unchanged.UNCHANGED

# The classes a change goes through are built once or twice per event: they are plain slotted
# dataclasses, not frozen ones, whose __init__ sets each field through object.__setattr__ and
# costs several times more. Nothing assigns to them once built, so they hash by their fields
# as the frozen ones did (unsafe_hash only means "not enforced").


@dataclass(slots=True, unsafe_hash=True)
class CustomerChange:
    """What a producer says about one customer, decoded from any message format.

    ``state`` is the customer's UF or state name when the producer has one. Region codes that
    producers send are deliberately absent: their meaning varies by producer, so the region is
    always derived here.
    """

    customer_id: str
    version: Version
    deleted: bool = False
    active: bool = True
    telemarketing_opt_out: bool = False
    name: object = None  # as sent: validated by the projection, whatever its type
    phone: object = None  # each of the three may be UNCHANGED
    state: object = None

    @property
    def removes_contact(self) -> bool:
        """Deleted, inactive and opted-out customers must not be called."""
        return self.deleted or not self.active or self.telemarketing_opt_out

    @property
    def removal_reason(self) -> RemovalReason:
        """Why the change removes the contact, the first that holds of deleted, inactive and
        opted out (meaningful only where ``removes_contact``)."""
        if self.deleted:
            return RemovalReason.DELETED
        if not self.active:
            return RemovalReason.INACTIVE
        return RemovalReason.OPTED_OUT


@dataclass(slots=True, unsafe_hash=True)
class Contact:
    """A customer telesales may call: the only personal data that reaches Bank 2."""

    customer_id: str
    version: Version
    name: str
    phone: str  # E.164
    region: Region
    # Whether the region is the customer's state's (else the phone's area code's), so that a
    # later change that leaves the state out knows whether a new phone moves the region. None:
    # not known (a contact stored before Bank 2 recorded it).
    region_from_state: bool | None = None


@dataclass(slots=True, unsafe_hash=True)
class ContactUpdate:
    """A change to a contact that leaves some of its fields out: they keep what Bank 2 holds.

    ``name`` and ``phone`` are None where the change left them out; ``state`` is the region of
    the state the change gives, None where it gives no state (the phone's area code then
    decides), or ``UNCHANGED``. The fields it gives have passed the telesales rules.
    """

    customer_id: str
    version: Version
    name: str | None
    phone: BrazilianPhone | None
    state: Region | Unchanged | None


@dataclass(slots=True, unsafe_hash=True)
class Removal:
    """A customer telesales must no longer see, and why. Carries no personal data.

    ``WITHDRAWN`` marks a removal caused by data that broke a telesales rule, rather than by the
    customer leaving: see ``project``.
    """

    customer_id: str
    version: Version
    reason: RemovalReason = RemovalReason.DELETED

    @property
    def withdrawn(self) -> bool:
        return self.reason is RemovalReason.WITHDRAWN


@dataclass(slots=True, unsafe_hash=True)
class Rejection:
    """A message that cannot be projected, and why. Carries no personal data.

    ``withdraws`` is the removal that goes with a rejection when the customer is known: see
    ``project``. ``customer_id`` names the customer a message the rules never reached was about,
    where its decoder could read a valid id: the data subject report lists the rejected messages
    about a customer.
    """

    reason: RejectReason
    withdraws: Removal | None = None
    customer_id: str | None = None

    @property
    def about(self) -> str | None:
        """The customer the rejected message was about, where known."""
        return self.withdraws.customer_id if self.withdraws is not None else self.customer_id


ContactChange = Contact | Removal  # what Bank 2 writes
ProjectedChange = Contact | Removal | ContactUpdate


def project(
    change: CustomerChange,
    parse_phone: Callable[[str], BrazilianPhone | None] = parse_brazilian_phone,
) -> ProjectedChange | Rejection:
    """Apply the telesales rules to one customer change.

    A change whose name, phone or state breaks a rule is rejected, and it also withdraws the
    customer's contact at its version: Bank 1 no longer holds what Bank 2 shows (a new number,
    say, that is not a valid Brazilian phone), and calling the old data is worse than not calling
    until a valid change arrives. A withdrawal older than what Bank 2 holds changes nothing.

    ``parse_phone`` is the phone rule; the benchmark's naive baseline passes the library's own
    parser, without the cache and fast path, to measure what they save.
    """
    # The checks of removes_contact, _no_state and _state_region, inline: this runs per event.
    if change.deleted or not change.active or change.telemarketing_opt_out:
        return Removal(change.customer_id, change.version, change.removal_reason)
    raw_name, raw_phone, state = change.name, change.phone, change.state
    if raw_name is UNCHANGED or raw_phone is UNCHANGED or state is UNCHANGED:
        return _update(change, parse_phone)
    name = normalize_name(raw_name)
    if name is None:
        return _rejected(change, RejectReason.INVALID_NAME)
    phone = parse_phone(raw_phone) if isinstance(raw_phone, str) else None
    if phone is None:
        return _rejected(change, RejectReason.INVALID_PHONE)
    # The state decides when the producer sent one; otherwise the phone's area code does.
    if state is None or (isinstance(state, str) and not state.strip()):
        from_state, region = False, region_of_area_code(phone.area_code)
    else:
        from_state = True
        region = region_of_state(state) if isinstance(state, str) else None
    if region is None:
        return _rejected(change, RejectReason.INVALID_STATE)
    return Contact(change.customer_id, change.version, name, phone.e164, region, from_state)


def _update(
    change: CustomerChange, parse_phone: Callable[[str], BrazilianPhone | None]
) -> ContactUpdate | Rejection:
    """The rules for the fields a change gives; the ones it leaves out are Bank 2's to keep."""
    name = None
    if change.name is not UNCHANGED:
        name = normalize_name(change.name)
        if name is None:
            return _rejected(change, RejectReason.INVALID_NAME)
    phone = None
    if change.phone is not UNCHANGED:
        phone = parse_phone(change.phone) if isinstance(change.phone, str) else None
        if phone is None:
            return _rejected(change, RejectReason.INVALID_PHONE)
    state: Region | Unchanged | None = UNCHANGED
    if change.state is not UNCHANGED and _no_state(change.state):
        state = None  # the phone's area code decides
    elif change.state is not UNCHANGED:
        state = _state_region(change.state)
        if state is None:
            return _rejected(change, RejectReason.INVALID_STATE)
    return ContactUpdate(change.customer_id, change.version, name, phone, state)


def _rejected(change: CustomerChange, reason: RejectReason) -> Rejection:
    return Rejection(reason, Removal(change.customer_id, change.version, RemovalReason.WITHDRAWN))


def _no_state(state: object) -> bool:
    return state is None or (isinstance(state, str) and not state.strip())


def _state_region(state: object) -> Region | None:
    return region_of_state(state) if isinstance(state, str) else None
