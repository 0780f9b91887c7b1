"""Customer event v1 read directly gives exactly what the pydantic model gives.

``canonical.decode`` reads plainly valid events itself and hands every other one to the model;
``canonical.decode_with_model`` always asks the model. For any event, valid or not in any field,
both must give the same change or the same reject reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.customers.formats import canonical
from domain.customers.versions import MAX_VERSION_PART
from tests.customers.formats.format_records import record_of

ROOT = Path(__file__).resolve().parents[3]

_ABSENT = object()
_json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_json = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)
_customer_ids = st.one_of(
    st.from_regex(r"\s?0*[1-9][0-9]{0,6}\s?", fullmatch=True),
    st.integers(-5, 10**12),
    st.text(max_size=70),
    st.sampled_from(["", "   ", "C-" + "9" * 62, "C-" + "9" * 63, "\u0664\u0662", "007"]),
    _json,
)
_versions = st.one_of(
    st.sampled_from([True, False, -1, 1.0, 0.0, "1", "", [1], {"v": 1}]),
    st.sampled_from([MAX_VERSION_PART, MAX_VERSION_PART + 1, 2**63, 2**64 - 1]),
    st.integers(-3, 1000),
    _json,
)
_instants = st.one_of(
    st.sampled_from(
        [
            "2024-05-29T14:03:11.250-03:00",
            "2024-05-29T14:03:11Z",
            "2024-05-29t14:03:11.123456789z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999Z",
            "1970-01-01T00:00:00+00:01",
            "2024-13-01T00:00:00Z",
            "2024-02-30T00:00:00Z",
            "2024-05-29 14:03:11Z",
            "2024-05-29T14:03:11",
            "0001-01-01T00:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
            "2024-05-29T24:00:00Z",
            "",
        ]
    ),
    st.datetimes().map(lambda moment: moment.isoformat() + "Z"),
    _json,
)
_statuses = st.one_of(st.sampled_from(["A", "I", "a", " A", "X", "", 1, True, ["A"]]), _json)
_flags = st.one_of(st.sampled_from([True, False, 0, 1, 1.0, "true", "false", [], {}]), _json)


_VALID: dict[str, st.SearchStrategy[Any]] = {
    "customer_id": st.from_regex(r"[1-9][0-9]{0,6}", fullmatch=True),
    "version": st.integers(0, 1000),
    "updated_at": st.sampled_from(["2024-05-29T14:03:11.250-03:00", "2026-01-05T08:00:00Z"]),
    "status": st.sampled_from(["A", "I"]),
    "deleted": st.booleans(),
    "telemarketing_opt_out": st.booleans(),
    "name": st.text(max_size=10),
    "phone": st.text(max_size=10),
    "state": st.sampled_from(["SP", "Bahia", None]),
}
_ODD: dict[str, st.SearchStrategy[Any]] = {
    "customer_id": _customer_ids,
    "version": _versions,
    "updated_at": _instants,
    "status": _statuses,
    "deleted": _flags,
    "telemarketing_opt_out": _flags,
    "name": _json,
    "phone": _json,
    "state": _json,
}


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    """A plainly valid event with up to three fields made odd: removed, null or anything else."""
    event: dict[str, Any] = {"customer_id": draw(_VALID["customer_id"])}
    for name, values in _VALID.items():
        if draw(st.booleans()):
            event[name] = draw(values)
    for name in draw(st.sets(st.sampled_from(sorted(_ODD)), max_size=3)):
        value = draw(st.one_of(st.just(_ABSENT), st.none(), _ODD[name]))
        if value is _ABSENT:
            event.pop(name, None)
        else:
            event[name] = value
    return event


_BASE = {
    "customer_id": "1042",
    "version": 7,
    "updated_at": "2024-05-29T14:03:11.250-03:00",
    "status": "A",
    "deleted": False,
    "telemarketing_opt_out": False,
    "name": "Maria Souza",
    "phone": "(27) 98855-6137",
    "state": "ES",
}
_ODD_VALUES = [_ABSENT, None, True, False, 0, 1, -1, 1.0, "", " ", "A", "I", "1", [], {}, 2**64 - 1]
_ODD_VALUES += [MAX_VERSION_PART, MAX_VERSION_PART + 1, "2024-13-01T00:00:00Z", "1969-12-31T23:59Z"]


@pytest.mark.parametrize("name", sorted(_BASE))
@pytest.mark.parametrize("odd", _ODD_VALUES)
@pytest.mark.parametrize("versioned_by", ["version", "updated_at", "both"])
def test_one_odd_field_is_read_as_the_model_reads_it(
    name: str, odd: Any, versioned_by: str
) -> None:
    event = dict(_BASE)
    if versioned_by != "both":
        del event["updated_at" if versioned_by == "version" else "version"]
    if odd is _ABSENT:
        event.pop(name, None)
    else:
        event[name] = odd
    record = record_of(None)

    assert canonical.decode(event, record) == canonical.decode_with_model(event, record)


@settings(max_examples=600)
@given(events(), st.integers(0, 2**40))
def test_the_direct_reading_equals_the_models(event: dict[str, Any], offset: int) -> None:
    record = record_of(None, offset=offset)

    assert canonical.decode(event, record) == canonical.decode_with_model(event, record)


@given(st.fixed_dictionaries({}, optional=_VALID), _VALID["customer_id"], _VALID["version"])
def test_plainly_valid_events_are_read_directly(
    event: dict[str, Any], customer_id: str, version: int
) -> None:
    # Otherwise the agreement above would hold by sending every event to the model.
    event |= {"customer_id": customer_id, "version": version}
    assert canonical._plainly_valid(event, record_of(None)) is not None


def test_importing_the_function_app_does_not_load_pydantic() -> None:
    probe = "import sys, function_app; print('pydantic' in sys.modules)"
    completed = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "False"
