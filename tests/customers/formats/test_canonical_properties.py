"""Customer event v1 under arbitrary field values: every event is decoded or rejected by the
struct's rules, never by the dispatcher's catch-all for unforeseen errors, and plainly valid
events always decode."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.customers.formats import decode_customer_record
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.versions import MAX_VERSION_PART
from tests.customers.formats.format_records import record_of

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


@settings(max_examples=600, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events(), offset=st.integers(0, 2**40))
def test_every_event_is_decided_by_the_format_rules(
    event: dict[str, Any], offset: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        # The standard encoder writes integers of any size, as a producer may.
        result = decode_customer_record(record_of(json.dumps(event).encode(), offset=offset))

    assert isinstance(result, CustomerChange | Rejection)
    assert not caplog.records  # no "unforeseen message content rejected"


@given(st.fixed_dictionaries({}, optional=_VALID), _VALID["customer_id"], _VALID["version"])
def test_plainly_valid_events_decode(event: dict[str, Any], customer_id: str, version: int) -> None:
    event |= {"customer_id": customer_id, "version": version}
    assert isinstance(decode_customer_record(record_of(event)), CustomerChange)
