"""Changes that leave fields out: the rules for what they give, and what Bank 2 keeps."""

from __future__ import annotations

from typing import Any

import pytest

from domain.customers.changes import (
    UNCHANGED,
    Contact,
    ContactUpdate,
    CustomerChange,
    ProjectedChange,
    Rejection,
    Removal,
    project,
)
from domain.customers.merging import Fields, HeldContact, Settled, applied, settle
from domain.customers.phones import parse_brazilian_phone
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.removals import RemovalReason
from domain.customers.versions import Version, VersionScheme


def v(n: int) -> Version:
    return Version(VersionScheme.SOURCE_LOG_POSITION, (n, 0, 0))


SP_MOBILE = "(11) 98765-4321"  # Sudeste
CE_LANDLINE = "(85) 3456-7890"  # Nordeste


def change(version: int = 5, /, **fields: Any) -> CustomerChange:
    given = {"name": UNCHANGED, "phone": UNCHANGED, "state": UNCHANGED} | fields
    return CustomerChange("42", v(version), **given)


def update(version: int = 5, /, **fields: Any) -> ContactUpdate:
    projected = project(change(version, **fields))
    assert isinstance(projected, ContactUpdate)
    return projected


# --- the rules, for the fields a change gives -------------------------------------------------


def test_a_change_that_leaves_a_field_out_becomes_an_update_of_the_fields_it_gives() -> None:
    assert project(change(name="  Maria   Souza ", phone=CE_LANDLINE)) == ContactUpdate(
        "42", v(5), "Maria Souza", parse_brazilian_phone(CE_LANDLINE), UNCHANGED
    )
    assert project(change(state="ba")) == ContactUpdate("42", v(5), None, None, Region.NORDESTE)
    assert project(change(state="  ")) == ContactUpdate("42", v(5), None, None, None)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"name": ""}, RejectReason.INVALID_NAME),
        ({"phone": "123"}, RejectReason.INVALID_PHONE),
        ({"phone": 11987654321}, RejectReason.INVALID_PHONE),
        ({"state": "XX"}, RejectReason.INVALID_STATE),
        ({"state": 35}, RejectReason.INVALID_STATE),
    ],
)
def test_a_field_it_gives_that_breaks_a_rule_rejects_and_withdraws_as_always(
    fields: dict[str, object], reason: RejectReason
) -> None:
    assert project(change(**fields)) == Rejection(
        reason, Removal("42", v(5), RemovalReason.WITHDRAWN)
    )


def test_a_removal_needs_no_field_at_all() -> None:
    assert project(change(active=False)) == Removal("42", v(5), RemovalReason.INACTIVE)
    assert project(change(telemarketing_opt_out=True)) == Removal(
        "42", v(5), RemovalReason.OPTED_OUT
    )


# --- what Bank 2 keeps -------------------------------------------------------------------------

FROM_STATE = Fields("Maria Souza", "+5511987654321", Region.NORDESTE, region_from_state=True)
FROM_PHONE = Fields("Maria Souza", "+5511987654321", Region.SUDESTE, region_from_state=False)
NOT_KNOWN = Fields("Maria Souza", "+5511987654321", Region.NORDESTE, region_from_state=None)


def test_the_fields_a_change_leaves_out_keep_what_bank2_holds() -> None:
    assert applied(update(phone=CE_LANDLINE), FROM_STATE) == Contact(
        "42", v(5), "Maria Souza", "+558534567890", Region.NORDESTE, region_from_state=True
    )
    assert applied(update(name="Ana Lima"), FROM_PHONE) == Contact(
        "42", v(5), "Ana Lima", "+5511987654321", Region.SUDESTE, region_from_state=False
    )


def test_a_new_phone_moves_the_region_only_where_the_phone_decided_it() -> None:
    # A state in Bank 1 that did not change still decides: a Ceará number in São Paulo...
    moved = applied(update(phone=CE_LANDLINE), FROM_PHONE)
    assert moved is not None
    assert (moved.region, moved.region_from_state) == (Region.NORDESTE, False)
    kept = applied(update(phone=CE_LANDLINE), FROM_STATE)
    assert kept is not None
    assert (kept.region, kept.region_from_state) == (Region.NORDESTE, True)


def test_where_bank2_does_not_know_what_decided_the_region_it_stays() -> None:
    kept = applied(update(phone="(51) 3333-4444"), NOT_KNOWN)
    assert kept is not None
    assert (kept.region, kept.region_from_state) == (Region.NORDESTE, None)


def test_a_state_the_change_gives_decides_and_no_state_hands_it_to_the_phone() -> None:
    given = applied(update(state="RS"), FROM_PHONE)
    assert given is not None
    assert (given.region, given.region_from_state) == (Region.SUL, True)
    cleared = applied(update(state=None), FROM_STATE)  # the kept phone's area code decides
    assert cleared is not None
    assert (cleared.region, cleared.region_from_state) == (Region.SUDESTE, False)


def test_with_no_contact_to_keep_fields_from_an_update_is_no_contact() -> None:
    assert applied(update(phone=CE_LANDLINE), None) is None


# --- settling a customer's history on what Bank 2 holds ----------------------------------------


def full(version: int, phone: str = SP_MOBILE) -> Contact:
    contact = project(CustomerChange("42", v(version), name="Maria Souza", phone=phone))
    assert isinstance(contact, Contact)
    return contact


def held(version: int, fields: Fields | None = FROM_PHONE) -> HeldContact:
    return HeldContact(v(version).key, fields)


def test_an_update_is_applied_on_what_bank2_holds() -> None:
    settled = settle([update(5, name="Ana Lima")], held(3))
    assert settled == Settled(write=applied(update(5, name="Ana Lima"), FROM_PHONE))


def test_an_update_is_applied_on_the_batch_s_newer_change_rather_than_on_bank2() -> None:
    history: list[ProjectedChange] = [full(4, phone=CE_LANDLINE), update(5, name="Ana Lima")]
    settled = settle(history, held(3))
    assert settled.write == Contact(
        "42", v(5), "Ana Lima", "+558534567890", Region.NORDESTE, region_from_state=False
    )


def test_the_batch_s_changes_older_than_bank2_do_not_count() -> None:
    history: list[ProjectedChange] = [full(2, phone=CE_LANDLINE), update(5, name="Ana Lima")]
    settled = settle(history, held(3))
    assert isinstance(settled.write, Contact)
    assert settled.write.phone == "+5511987654321"  # Bank 2's, newer than the batch's v2


def test_an_update_no_newer_than_bank2_is_stale() -> None:
    assert settle([update(3, name="Ana Lima")], held(3)) == Settled(write=None, stale=True)


@pytest.mark.parametrize("bank2", [None, held(3, fields=None)], ids=["unknown", "removed"])
def test_an_update_with_nothing_to_keep_is_refused_and_withdraws_nothing(
    bank2: HeldContact | None,
) -> None:
    latest = update(5, phone=CE_LANDLINE)
    assert settle([latest], bank2) == Settled(write=None, refused=latest)


def test_a_removal_of_the_batch_is_written_even_when_the_update_after_it_is_refused() -> None:
    removal = Removal("42", v(4))
    latest = update(5, phone=CE_LANDLINE)
    assert settle([removal, latest], held(3)) == Settled(write=removal, refused=latest)


def test_a_refused_update_followed_by_a_complete_change_is_simply_superseded() -> None:
    history: list[ProjectedChange] = [Removal("42", v(4)), update(5, phone=CE_LANDLINE), full(6)]
    # The newest is complete here only when a test builds it so; settle still applies it.
    assert settle(history, held(3)).write == full(6)
