"""project(): a customer change becomes a contact to upsert, a removal, or a rejection."""

import dataclasses

import pytest

from domain.customers.changes import Contact, CustomerChange, Rejection, Removal, project
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.removals import RemovalReason
from domain.customers.versions import Version, VersionScheme

VERSION = Version(VersionScheme.PRODUCER_COUNTER, (7,))


def change(**overrides: object) -> CustomerChange:
    fields: dict[str, object] = {
        "customer_id": "c-1",
        "version": VERSION,
        "name": "  Maria   da Silva ",
        "phone": "(11) 98765-4321",
        "state": None,
    }
    fields.update(overrides)
    return CustomerChange(**fields)  # type: ignore[arg-type]


# A change that breaks a rule also withdraws the customer's contact at the change's version.
WITHDRAWAL = Removal("c-1", VERSION, RemovalReason.WITHDRAWN)


def test_a_valid_customer_becomes_a_contact() -> None:
    assert project(change()) == Contact(
        customer_id="c-1",
        version=VERSION,
        name="Maria da Silva",
        phone="+5511987654321",
        region=Region.SUDESTE,
        region_from_state=False,  # no state: the area code decided
    )


def test_the_contact_keeps_the_change_s_id_and_version() -> None:
    version = Version(VersionScheme.SOURCE_LOG_POSITION, (1, 2, 3))
    contact = project(change(customer_id="abc-42", version=version))
    assert isinstance(contact, Contact)
    assert (contact.customer_id, contact.version) == ("abc-42", version)


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"deleted": True}, RemovalReason.DELETED),
        ({"active": False}, RemovalReason.INACTIVE),
        ({"telemarketing_opt_out": True}, RemovalReason.OPTED_OUT),
        ({"active": False, "telemarketing_opt_out": True}, RemovalReason.INACTIVE),
        ({"deleted": True, "active": False, "telemarketing_opt_out": True}, RemovalReason.DELETED),
    ],
    ids=["deleted", "inactive", "opted-out", "inactive-and-opted-out", "all-three"],
)
def test_each_removal_reason_removes_the_contact_and_says_why(
    flags: dict[str, bool], reason: RemovalReason
) -> None:
    # The reason is what the removal log records as evidence: the strongest one Bank 1 gives.
    assert project(change(**flags)) == Removal("c-1", VERSION, reason)


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ({"deleted": True}, RemovalReason.DELETED),
        ({"active": False}, RemovalReason.INACTIVE),
        ({"telemarketing_opt_out": True}, RemovalReason.OPTED_OUT),
    ],
)
def test_a_removal_needs_no_valid_name_phone_or_state(
    flags: dict[str, bool], reason: RemovalReason
) -> None:
    # An erasure request may blank every field: it must still take the contact away.
    garbage = change(name=None, phone=12, state="Atlantis", **flags)
    assert project(garbage) == Removal("c-1", VERSION, reason)


@pytest.mark.parametrize("name", [None, "", "   ", "\x00\u200b", "M" * 121, 42, ["Maria"]])
def test_an_invalid_name_is_rejected(name: object) -> None:
    assert project(change(name=name)) == Rejection(RejectReason.INVALID_NAME, WITHDRAWAL)


@pytest.mark.parametrize(
    "phone",
    [
        None,
        "",
        "98765-4321",  # no DDD
        "+1 650 253 0000",  # foreign
        "0800 123 4567",  # toll-free
        "11 8765-4321",  # impossible
        "+55 20 98765-4321",  # unassigned DDD
        11987654321,  # a JSON number
        5511987654321.0,
        b"11987654321",
        ["11987654321"],  # unhashable: must not reach the parser's cache
        {"ddd": "11", "number": "987654321"},
        True,
    ],
)
def test_an_invalid_phone_is_rejected(phone: object) -> None:
    assert project(change(phone=phone)) == Rejection(RejectReason.INVALID_PHONE, WITHDRAWAL)


@pytest.mark.parametrize(
    "state", ["XX", "Brasil", "35", "São Paulo - SP", 35, ["SP"], {"uf": "SP"}, False]
)
def test_an_unknown_state_is_rejected_even_when_the_ddd_has_a_region(state: object) -> None:
    assert project(change(state=state)) == Rejection(RejectReason.INVALID_STATE, WITHDRAWAL)


@pytest.mark.parametrize(
    ("state", "region"),
    [
        ("BA", Region.NORDESTE),
        ("bahia", Region.NORDESTE),
        ("RS", Region.SUL),
        ("Amapá", Region.NORTE),
        ("goias", Region.CENTRO_OESTE),
        ("SP", Region.SUDESTE),
    ],
)
def test_the_state_beats_the_area_code(state: str, region: Region) -> None:
    # A customer who moved keeps their old mobile: the address on file is the better signal.
    contact = project(change(phone="(11) 98765-4321", state=state))
    assert isinstance(contact, Contact)
    assert contact.region is region


@pytest.mark.parametrize("state", [None, "", "   ", "\t"])
def test_without_a_state_the_area_code_decides(state: object) -> None:
    contact = project(change(phone="(71) 98765-4321", state=state))
    assert isinstance(contact, Contact)
    assert contact.region is Region.NORDESTE


@pytest.mark.parametrize(
    ("phone", "region"),
    [
        ("(92) 98765-4321", Region.NORTE),
        ("(85) 3456-7890", Region.NORDESTE),
        ("(61) 3456-7890", Region.CENTRO_OESTE),
        ("(21) 98765-4321", Region.SUDESTE),
        ("(48) 3456-7890", Region.SUL),
    ],
)
def test_the_area_code_gives_each_region(phone: str, region: Region) -> None:
    contact = project(change(phone=phone))
    assert isinstance(contact, Contact)
    assert contact.region is region


def test_a_contact_holds_only_what_telesales_need() -> None:
    names = [field.name for field in dataclasses.fields(Contact)]
    # region_from_state is one bit about where the region came from: no personal data.
    assert names == ["customer_id", "version", "name", "phone", "region", "region_from_state"]
    contact = project(change())
    assert not hasattr(contact, "__dict__")  # nothing else can be attached on the way out


def test_removals_and_rejections_carry_no_personal_data() -> None:
    assert [field.name for field in dataclasses.fields(Removal)] == [
        "customer_id",
        "version",
        "reason",
    ]
    assert [field.name for field in dataclasses.fields(Rejection)] == [
        "reason",
        "withdraws",
        "customer_id",
    ]
    removal, rejection = project(change(deleted=True)), project(change(name=None))
    assert not hasattr(removal, "__dict__")
    assert not hasattr(rejection, "__dict__")


def test_a_customer_change_has_no_field_for_other_personal_data() -> None:
    names = {field.name for field in dataclasses.fields(CustomerChange)}
    assert names == {
        "customer_id",
        "version",
        "deleted",
        "active",
        "telemarketing_opt_out",
        "name",
        "phone",
        "state",
    }


def test_a_customer_is_callable_by_default() -> None:
    assert not change().removes_contact
