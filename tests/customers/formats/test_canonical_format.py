"""Our own format, customer event v1."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.customers.formats import decode_customer_record
from domain.customers.changes import Contact, CustomerChange, Rejection, project
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme
from tests.customers.formats.format_records import record_of

EVENT = {
    "customer_id": "1042",
    "version": 7,
    "updated_at": "2024-05-29T14:03:11.250-03:00",
    "name": "Maria Souza",
    "phone": "(27) 98855-6137",
    "state": "São Paulo",
    "status": "A",
    "cpf": "123.456.789-09",
    "email": "maria@example.com",
    "birth_date": "1990-01-31",
    "address": {"street": "Rua das Flores", "number": "10"},
}
MAY_29_1703_UTC_US = 1_717_002_191_250_000


def decoded(event: Any) -> CustomerChange:
    change = decode_customer_record(record_of(event))
    assert isinstance(change, CustomerChange)
    return change


def test_event_decodes_to_a_change_versioned_by_counter_then_timestamp() -> None:
    assert decoded(EVENT) == CustomerChange(
        customer_id="1042",
        version=Version(VersionScheme.PRODUCER_COUNTER, (7, MAY_29_1703_UTC_US, 100)),
        name="Maria Souza",
        phone="(27) 98855-6137",
        state="São Paulo",
    )


def test_state_decides_the_region_over_the_phone_area_code() -> None:
    contact = project(decoded(EVENT))

    assert isinstance(contact, Contact)
    assert contact.region is Region.SUDESTE
    bahia = project(decoded(EVENT | {"state": "BA"}))
    assert isinstance(bahia, Contact)
    assert bahia.region is Region.NORDESTE


@pytest.mark.parametrize(
    ("versioning", "parts"),
    [
        ({"version": 3}, (3, 0, 100)),
        ({"version": 3, "updated_at": None}, (3, 0, 100)),
        ({"updated_at": "1970-01-01T00:00:00Z"}, (0, 0, 100)),
        ({"updated_at": "2024-05-29t17:03:11.25z"}, (0, MAY_29_1703_UTC_US, 100)),
        ({"updated_at": "2024-05-29T17:03:11.250000999+00:00"}, (0, MAY_29_1703_UTC_US, 100)),
    ],
)
def test_version_and_updated_at_make_the_version(
    versioning: dict[str, object], parts: tuple[int, int, int]
) -> None:
    # The record's offset (100 here) is the last part: it only breaks ties between equal versions.
    event = {"customer_id": "1", "name": "Ana"} | versioning

    assert decoded(event).version == Version(VersionScheme.PRODUCER_COUNTER, parts)


def test_a_higher_counter_wins_over_a_later_timestamp() -> None:
    older = decoded({"customer_id": "1", "version": 1, "updated_at": "2030-01-01T00:00:00Z"})
    newer = decoded({"customer_id": "1", "version": 2, "updated_at": "2020-01-01T00:00:00Z"})

    assert newer.version > older.version


@pytest.mark.parametrize(
    ("flags", "removed"),
    [
        ({}, False),
        ({"status": "I"}, True),
        ({"deleted": True}, True),
        ({"telemarketing_opt_out": True}, True),
        ({"deleted": False, "telemarketing_opt_out": False, "status": "A"}, False),
    ],
)
def test_removal_flags(flags: dict[str, object], removed: bool) -> None:
    assert decoded(EVENT | flags).removes_contact is removed


def test_deletion_needs_only_the_id_and_a_version() -> None:
    change = decoded({"customer_id": 1042, "version": 8, "deleted": True})

    assert (change.customer_id, change.deleted, change.name) == ("1042", True, None)


@pytest.mark.parametrize(("field", "value"), [("name", 42), ("phone", ["1"]), ("state", 35)])
def test_badly_typed_personal_fields_are_left_to_the_domain(field: str, value: object) -> None:
    change = decoded(EVENT | {field: value})

    assert getattr(change, field) == value
    rejection = project(change)
    assert isinstance(rejection, Rejection)
    assert rejection.reason == f"invalid_{field}"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"customer_id": None}, RejectReason.INVALID_CUSTOMER_ID),
        ({"customer_id": ""}, RejectReason.INVALID_CUSTOMER_ID),
        ({"customer_id": True}, RejectReason.INVALID_CUSTOMER_ID),
        ({"customer_id": -3}, RejectReason.INVALID_CUSTOMER_ID),
        ({"customer_id": "x" * 65}, RejectReason.INVALID_CUSTOMER_ID),
        ({"customer_id": "", "version": "one"}, RejectReason.INVALID_CUSTOMER_ID),
        ({"version": None, "updated_at": None}, RejectReason.INVALID_VERSION),
        ({"version": -1}, RejectReason.INVALID_VERSION),
        ({"version": "7"}, RejectReason.INVALID_VERSION),
        ({"version": 7.0}, RejectReason.INVALID_VERSION),
        ({"updated_at": "2024-05-29T17:03:11"}, RejectReason.INVALID_VERSION),
        ({"updated_at": "2024-05-29 17:03:11Z"}, RejectReason.INVALID_VERSION),
        ({"updated_at": "2024-02-30T17:03:11Z"}, RejectReason.INVALID_VERSION),
        ({"updated_at": "1969-12-31T23:59:59Z"}, RejectReason.INVALID_VERSION),
        ({"updated_at": 1716991391}, RejectReason.INVALID_VERSION),
        ({"version": "7", "deleted": "maybe"}, RejectReason.INVALID_VERSION),
        ({"deleted": "maybe"}, RejectReason.INVALID_FIELD),
        ({"deleted": 1}, RejectReason.INVALID_FIELD),
        ({"telemarketing_opt_out": "true"}, RejectReason.INVALID_FIELD),
        ({"status": "X"}, RejectReason.INVALID_FIELD),
        ({"status": None}, RejectReason.INVALID_FIELD),
    ],
)
def test_structural_problems_are_rejected_with_a_reason(
    changes: dict[str, object], reason: RejectReason
) -> None:
    assert decode_customer_record(record_of(EVENT | changes)) == Rejection(reason)


def test_event_without_any_version_is_rejected() -> None:
    event = {key: value for key, value in EVENT.items() if key not in {"version", "updated_at"}}

    assert decode_customer_record(record_of(event)) == Rejection(RejectReason.INVALID_VERSION)
