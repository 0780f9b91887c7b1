"""Debezium's unavailable-value placeholder: "this field did not change", never data."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.customers.formats import CustomerDecoder, decode_customer_record
from adapters.customers.formats.debezium import unavailable_values
from domain.customers.changes import UNCHANGED, CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from service.stream.records import StreamRecord
from tests import debezium_postgres as pg

PLACEHOLDER = "__debezium_unavailable_value"


def update(wrapped: bool = False, /, **after: Any) -> StreamRecord:
    """A PostgreSQL update of customer 42 with REPLICA IDENTITY DEFAULT: no before image."""
    image = pg.row(42) | after
    message = pg.envelope("u", pg.source(lsn=24023200, tx_id=556), after=image)
    return pg.record(message, 42, 7, wrapped=wrapped)


@pytest.mark.parametrize("wrapped", [False, True], ids=["payload", "schema-wrapped"])
@pytest.mark.parametrize("field", ["name", "phone", "state"])
def test_the_placeholder_in_a_contact_field_means_unchanged(field: str, wrapped: bool) -> None:
    change = decode_customer_record(update(wrapped, **dict.fromkeys([field], PLACEHOLDER)))

    assert isinstance(change, CustomerChange)
    assert getattr(change, field) is UNCHANGED
    for other in {"name", "phone", "state"} - {field}:
        assert getattr(change, other) == pg.row(42)[other]


@pytest.mark.parametrize("field", ["status", "telemarketing_opt_out"])
def test_the_placeholder_in_a_flag_that_decides_removal_is_refused(field: str) -> None:
    # Refused, under the customer it is about (the data subject report lists it there).
    assert decode_customer_record(update(**dict.fromkeys([field], PLACEHOLDER))) == Rejection(
        RejectReason.UNAVAILABLE_VALUE, customer_id="42"
    )


@pytest.mark.parametrize(
    "flags",
    [
        {"status": "I", "telemarketing_opt_out": PLACEHOLDER},
        {"status": PLACEHOLDER, "telemarketing_opt_out": True},
    ],
)
def test_a_flag_that_removes_decides_whatever_the_other_one_is(flags: dict[str, Any]) -> None:
    change = decode_customer_record(update(**flags))

    assert isinstance(change, CustomerChange)
    assert change.removes_contact


def test_the_placeholder_is_only_a_whole_text_value() -> None:
    change = decode_customer_record(update(name=f"{PLACEHOLDER} ", state=[PLACEHOLDER]))

    assert isinstance(change, CustomerChange)
    assert change.name == f"{PLACEHOLDER} "  # data, judged by the name rule
    assert change.state == [PLACEHOLDER]


def test_the_connector_s_own_placeholder_is_a_setting() -> None:
    decode = CustomerDecoder("<unchanged>")

    custom = decode(update(phone="<unchanged>"))
    default = decode(update(phone=PLACEHOLDER))
    assert isinstance(custom, CustomerChange)
    assert custom.phone is UNCHANGED
    # Debezium's default still counts: a setting that does not match the connector's must never
    # turn its placeholder into data (a name stored, a good contact withdrawn for its "phone").
    assert isinstance(default, CustomerChange)
    assert default.phone is UNCHANGED


def test_a_hex_placeholder_also_matches_the_text_its_octets_spell() -> None:
    # PostgreSQL decodes a "hex:" placeholder into text columns; SQL Server takes it literally.
    hex_placeholder = "hex:" + b"<toast>".hex()
    assert unavailable_values(hex_placeholder) == {hex_placeholder, "<toast>", PLACEHOLDER}
    assert unavailable_values("hex:zz") == {"hex:zz", PLACEHOLDER}
    assert unavailable_values("") == {PLACEHOLDER}

    change = CustomerDecoder(hex_placeholder)(update(name="<toast>"))
    assert isinstance(change, CustomerChange)
    assert change.name is UNCHANGED


def test_other_formats_have_no_placeholder() -> None:
    legacy = StreamRecord(
        "customers",
        0,
        1,
        None,
        b'{"CD_CLIENTE": "1", "NM_CLIENTE": "__debezium_unavailable_value", "TEL_CLIENTE": "1"}',
    )
    change = decode_customer_record(legacy)
    assert isinstance(change, CustomerChange)
    assert change.name == PLACEHOLDER
