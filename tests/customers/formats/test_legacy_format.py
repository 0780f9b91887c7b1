"""The legacy producer's flat messages."""

from __future__ import annotations

import pytest

from adapters.customers.formats import decode_customer_record
from domain.customers.changes import Contact, CustomerChange, Rejection, project
from domain.customers.reasons import RejectReason
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme
from tests.customers.formats.format_records import record_of

MESSAGE = {
    "CD_CLIENTE": "1",
    "NM_CLIENTE": "Maria Souza",
    "CD_CPF_CLIENTE": "123.456.789-10",
    "TEL_CLIENTE": "27988556137",
    "DT_CADASTRO": "1994-06-18",
    "CD_FILIAL": "23",
    "CD_REGIAO": "4",
    "STATUS": "A",
}


def test_legacy_message_is_versioned_by_its_offset() -> None:
    change = decode_customer_record(record_of(MESSAGE, offset=5120))

    assert change == CustomerChange(
        customer_id="1",
        version=Version(VersionScheme.KAFKA_OFFSET, (5120,)),
        name="Maria Souza",
        phone="27988556137",
        state=None,
    )


def test_region_comes_from_the_phone_not_from_the_producer_region_code() -> None:
    # DDD 27 is Espírito Santo; whatever CD_REGIAO "1" meant to the producer is not trusted.
    change = decode_customer_record(record_of(MESSAGE | {"CD_REGIAO": "1"}))

    assert isinstance(change, CustomerChange)
    contact = project(change)
    assert isinstance(contact, Contact)
    assert contact.region is Region.SUDESTE


@pytest.mark.parametrize("customer_id", [1, "1", "0001", " 1 "])
def test_numeric_and_padded_ids_name_the_same_customer(customer_id: object) -> None:
    change = decode_customer_record(record_of(MESSAGE | {"CD_CLIENTE": customer_id}))

    assert isinstance(change, CustomerChange)
    assert change.customer_id == "1"


@pytest.mark.parametrize(("status", "removed"), [("A", False), ("I", True), ("I ", True)])
def test_inactive_customers_are_removed(status: str, removed: bool) -> None:
    change = decode_customer_record(record_of(MESSAGE | {"STATUS": status}))

    assert isinstance(change, CustomerChange)
    assert change.removes_contact is removed


def test_missing_status_means_active() -> None:
    message = {key: value for key, value in MESSAGE.items() if key != "STATUS"}
    change = decode_customer_record(record_of(message))

    assert isinstance(change, CustomerChange)
    assert change.active


@pytest.mark.parametrize("status", ["X", "", 1, True])
def test_unknown_status_is_rejected(status: object) -> None:
    record = record_of(MESSAGE | {"STATUS": status})

    assert decode_customer_record(record) == Rejection(RejectReason.INVALID_FIELD)


@pytest.mark.parametrize("customer_id", [None, "", "   ", True, -1, 1.0, "9" * 65, ["1"]])
def test_unusable_customer_ids_are_rejected(customer_id: object) -> None:
    record = record_of(MESSAGE | {"CD_CLIENTE": customer_id})

    assert decode_customer_record(record) == Rejection(RejectReason.INVALID_CUSTOMER_ID)
