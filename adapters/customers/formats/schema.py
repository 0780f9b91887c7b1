"""The JSON Schema of customer event v1, generated from its one definition in ``canonical``.

    python -m adapters.customers.formats.schema > docs/customer-event.schema.json

tests/customers/formats/test_customer_event_schema.py checks that the committed file is this
output, so a change to the struct that is not regenerated fails the build.
"""

from __future__ import annotations

import json
import sys

import msgspec

from adapters.customers.formats.canonical import CUSTOMER_EVENT_V1, schema_hook

_HEADER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:telesales-contacts:customer-event:v1",
}


def customer_event_schema() -> dict[str, object]:
    """One self-contained schema: msgspec's definition of the struct, inlined."""
    generated = msgspec.json.schema(CUSTOMER_EVENT_V1, schema_hook=schema_hook)
    definitions = generated.pop("$defs")
    (definition,) = definitions.values()  # the struct is the only one
    del generated["$ref"]
    return {**_HEADER, **definition, **generated}


def render() -> str:
    return json.dumps(customer_event_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
