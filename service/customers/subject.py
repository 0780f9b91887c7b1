"""The data subject report: everything Bank 2 holds about one customer, and what it did.

LGPD art. 18 gives a customer the right to confirm that their data is processed, to access it,
and to know with whom it is shared; art. 37 asks the controller to keep records of processing.
For Bank 2, that is: the contact as telesales sees it (or that there is none), what Bank 2 keeps
(a contact the view leaves out, a removal marker), the removal history from the removal log,
the do-not-call lists that hold the customer's phone, and where the rejected messages about them
sit in Kafka (never their content). Reading it is an access to personal data: the report is
built for the privacy officer's terminal only, and nothing here logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Standing(StrEnum):
    """What telesales see of the customer."""

    SHOWN = "shown"  # in telesales_contacts
    SUPPRESSED = "suppressed"  # kept, but a do-not-call list holds the phone: not shown
    REMOVED = "removed"  # a removal marker: no name, no phone
    UNKNOWN = "unknown"  # Bank 2 holds nothing (never seen, or the marker was purged)


@dataclass(frozen=True, slots=True)
class HeldContact:
    """The customer's row in Bank 2: a contact, or a removal marker (no name, phone, region)."""

    version: str
    name: str | None
    phone: str | None
    region: str | None
    removed_at: str | None  # ISO 8601, UTC
    updated_at: str


@dataclass(frozen=True, slots=True)
class Listing:
    """A do-not-call list that holds the customer's phone."""

    list_name: str
    listed_on: str  # ISO date
    exported_on: str | None  # the export loaded of that list


@dataclass(frozen=True, slots=True)
class LoggedRemoval:
    """A row of the removal log: why and when the customer left the telesales view."""

    reason: str
    version: str
    applied_at: str
    topic: str | None  # the message that caused it...
    partition: int | None
    offset: int | None
    list_name: str | None  # ...or the do-not-call list whose load did
    list_exported_on: str | None


@dataclass(frozen=True, slots=True)
class RejectedAbout:
    """Where a rejected message about the customer sits in Kafka, and why: never its content."""

    topic: str
    partition: int
    offset: int
    reason: str
    rejected_at: str


@dataclass(frozen=True, slots=True)
class SubjectReport:
    customer_id: str
    standing: Standing
    telesales_see: tuple[str, str, str] | None  # (name, phone, region) as the view shows them
    held: HeldContact | None
    listings: list[Listing]
    removals: list[LoggedRemoval]
    rejected: list[RejectedAbout]


class SubjectReader(Protocol):
    """Bank 2 read for one customer, in one transaction (a consistent snapshot)."""

    def held(self, customer_id: str) -> HeldContact | None: ...
    def telesales_see(self, customer_id: str) -> tuple[str, str, str] | None: ...
    def listings(self, customer_id: str) -> list[Listing]: ...
    def removals(self, customer_id: str) -> list[LoggedRemoval]: ...
    def rejected(self, customer_id: str) -> list[RejectedAbout]: ...


def subject_report(reader: SubjectReader, customer_id: str) -> SubjectReport:
    held = reader.held(customer_id)
    seen = reader.telesales_see(customer_id)
    listings = reader.listings(customer_id)
    if seen is not None:
        standing = Standing.SHOWN
    elif held is None:
        standing = Standing.UNKNOWN
    elif held.removed_at is not None:
        standing = Standing.REMOVED
    else:
        standing = Standing.SUPPRESSED
    return SubjectReport(
        customer_id,
        standing,
        seen,
        held,
        listings,
        reader.removals(customer_id),
        reader.rejected(customer_id),
    )
