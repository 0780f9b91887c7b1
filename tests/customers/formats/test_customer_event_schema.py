"""docs/customer-event.schema.json is generated from the decoder's struct, and the decoder keeps it.

The committed file must be exactly what ``python -m adapters.customers.formats.schema`` prints;
the examples below check that the generated schema says what the decoder does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from adapters.customers.formats import decode_customer_record
from adapters.customers.formats.schema import render
from domain.customers.changes import CustomerChange
from tests.customers.formats.format_records import record_of

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "customer-event.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
BASE = {"customer_id": "1042", "version": 7, "name": "Maria Souza", "phone": "(27) 98855-6137"}


def without(*keys: str) -> dict[str, object]:
    return {key: value for key, value in BASE.items() if key not in keys}


# (case, message): the decoder must accept exactly the messages the schema accepts.
EXAMPLES: list[tuple[str, dict[str, object]]] = [
    ("minimal", BASE),
    ("integer id", BASE | {"customer_id": 1042}),
    ("id zero", BASE | {"customer_id": 0}),
    ("padded id", BASE | {"customer_id": " 0042 "}),
    ("64-character id", BASE | {"customer_id": "x" * 64}),
    ("65-character id", BASE | {"customer_id": "x" * 65}),
    ("empty id", BASE | {"customer_id": ""}),
    ("blank id", BASE | {"customer_id": "   "}),
    ("id with a NUL", BASE | {"customer_id": "42\u0000evil"}),
    ("id with a control", BASE | {"customer_id": "42\u0007"}),
    ("id with a zero-width space", BASE | {"customer_id": "42\u200b"}),
    ("id with a byte-order mark", BASE | {"customer_id": "\ufeff42"}),
    ("id with a no-break space", BASE | {"customer_id": "Ana\u00a0Lima"}),
    ("id after a no-break space", BASE | {"customer_id": "\u00a042"}),
    ("id before a next-line character", BASE | {"customer_id": "42\u0085"}),
    ("id padded with tabs", BASE | {"customer_id": "\t42\n"}),
    ("id with a replacement character", BASE | {"customer_id": "Jo\ufffdo"}),
    ("id with inner spaces", BASE | {"customer_id": " Ana Lima "}),
    ("id with accents", BASE | {"customer_id": "joão-42"}),
    ("largest integer id", BASE | {"customer_id": 18446744073709551615}),
    ("negative id", BASE | {"customer_id": -1}),
    ("boolean id", BASE | {"customer_id": True}),
    ("null id", BASE | {"customer_id": None}),
    ("no id", without("customer_id")),
    ("updated_at only", without("version") | {"updated_at": "2024-05-29T14:03:11-03:00"}),
    ("both versions", BASE | {"updated_at": "2024-05-29T17:03:11.25Z"}),
    ("null updated_at", BASE | {"updated_at": None}),
    ("no version at all", without("version")),
    ("null versions", BASE | {"version": None, "updated_at": None}),
    ("negative version", BASE | {"version": -1}),
    ("string version", BASE | {"version": "7"}),
    ("updated_at without offset", BASE | {"updated_at": "2024-05-29T17:03:11"}),
    ("updated_at as a date", BASE | {"updated_at": "2024-05-29"}),
    ("updated_at as epoch", BASE | {"updated_at": 1717002191}),
    ("inactive", BASE | {"status": "I"}),
    ("unknown status", BASE | {"status": "X"}),
    ("lowercase status", BASE | {"status": "a"}),
    ("deleted", BASE | {"deleted": True}),
    ("deleted as text", BASE | {"deleted": "true"}),
    ("deleted as null", BASE | {"deleted": None}),
    ("opted out", BASE | {"telemarketing_opt_out": True}),
    ("opt-out as number", BASE | {"telemarketing_opt_out": 1}),
    ("state as UF", BASE | {"state": "SP"}),
    ("state as name", BASE | {"state": "São Paulo"}),
    ("null personal fields", BASE | {"name": None, "phone": None, "state": None}),
    ("Bank 1 extras", BASE | {"cpf": "123.456.789-09", "email": "m@example.com", "branch": 23}),
    ("unknown extras", BASE | {"source_system": "crm", "tags": ["vip"]}),
]


def test_the_committed_schema_is_the_generated_one() -> None:
    # If this fails: python -m adapters.customers.formats.schema > docs/customer-event.schema.json
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render()


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("example", SCHEMA["examples"])
def test_schema_examples_are_valid_and_decoded(example: Any) -> None:
    assert VALIDATOR.is_valid(example)
    assert isinstance(decode_customer_record(record_of(example)), CustomerChange)


@pytest.mark.parametrize(("case", "message"), EXAMPLES, ids=[case for case, _ in EXAMPLES])
def test_decoder_accepts_exactly_what_the_schema_accepts(
    case: str, message: dict[str, object]
) -> None:
    decoded = decode_customer_record(record_of(message))

    assert isinstance(decoded, CustomerChange) == VALIDATOR.is_valid(message), case
