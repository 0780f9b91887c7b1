"""Builders for the customer projection's tests: versions and contacts, one definition each."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.customers.changes import Contact
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
PHONE = "+5511987654321"


def v(n: int) -> Version:
    """The n-th version of a customer, as a producer that counts its changes numbers it."""
    return Version(VersionScheme.PRODUCER_COUNTER, (n,))


def contact(customer_id: str, n: int, name: str = "Maria Souza") -> Contact:
    """A contact in the Sudeste at its n-th version."""
    return Contact(customer_id, v(n), name, PHONE, Region.SUDESTE)
