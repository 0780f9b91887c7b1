"""Debezium PostgreSQL change events for Bank 1's customers table, as the connector sends them.

The envelopes and ``source`` blocks follow the PostgreSQL connector's documentation (its create,
update and delete examples: ``txId`` 555 and 556, ``lsn`` 24023128 and 46523128, ``sequence``
``["<last committed LSN>","<this LSN>"]``) and its source schema
(``io.debezium.connector.postgresql.Source``); the row holds this project's ``customers`` columns,
personal ones included, which the decoder must never read.
"""

from __future__ import annotations

from typing import Any

import orjson

from adapters.customers.formats import CustomerDecoder
from adapters.customers.store import projection_units
from adapters.engines.database import SqlBank2
from service.customers.projection import CustomerProjection
from service.customers.summary import BatchSummary
from service.stream.records import StreamRecord
from tests.support import query

TOPIC = "PostgreSQL_server.public.customers"
# The documentation's positions: its create example (a snapshot row) and its update example
# (a streamed change, in another transaction) show the same lsn.
DOC_LSN = 24023128
DOC_DELETE_LSN = 46523128

_COLUMNS = [
    ("id", "int32", False),
    ("name", "string", True),
    ("cpf", "string", True),
    ("email", "string", True),
    ("phone", "string", True),
    ("state", "string", True),
    ("city", "string", True),
    ("status", "string", True),
    ("telemarketing_opt_out", "boolean", True),
]
_SOURCE_FIELDS = [
    ("version", "string", False),
    ("connector", "string", False),
    ("name", "string", False),
    ("ts_ms", "int64", False),
    ("ts_us", "int64", True),
    ("ts_ns", "int64", True),
    ("snapshot", "string", True),
    ("db", "string", False),
    ("sequence", "string", True),
    ("schema", "string", False),
    ("table", "string", False),
    ("txId", "int64", True),
    ("lsn", "int64", True),
    ("xmin", "int64", True),
]


def row(
    customer_id: int,
    *,
    name: str = "Maria Souza",
    phone: str = "(27) 99999-0000",
    state: str | None = "ES",
    status: str = "A",
    opted_out: bool = False,
) -> dict[str, Any]:
    return {
        "id": customer_id,
        "name": name,
        "cpf": "123.456.789-09",
        "email": "maria.souza@example.com.br",
        "phone": phone,
        "state": state,
        "city": "Vitória",
        "status": status,
        "telemarketing_opt_out": opted_out,
    }


def source(
    *,
    lsn: int | None,
    tx_id: int | None,
    snapshot: object = "false",
    last_commit: int | None = None,
    ts_ms: int = 1559033904863,
) -> dict[str, Any]:
    """The ``source`` block; ``sequence`` is ``[last commit, lsn]`` as text, as the connector
    writes it (its first value is null for a snapshot row and for the first transaction
    streamed after a snapshot)."""
    sequence = [
        None if last_commit is None else str(last_commit),
        None if lsn is None else str(lsn),
    ]
    return {
        "version": "3.1.0.Final",
        "connector": "postgresql",
        "name": "PostgreSQL_server",
        "ts_ms": ts_ms,
        "ts_us": ts_ms * 1000,
        "ts_ns": ts_ms * 1_000_000,
        "snapshot": snapshot,
        "db": "postgres",
        "sequence": orjson.dumps(sequence).decode(),
        "schema": "public",
        "table": "customers",
        "txId": tx_id,
        "lsn": lsn,
        "xmin": None,
    }


def envelope(
    op: str,
    event_source: dict[str, Any],
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    total_order: int | None = None,
) -> dict[str, Any]:
    transaction = (
        None
        if total_order is None
        else {
            "id": f"{event_source['txId']}:{event_source['lsn']}",
            "total_order": total_order,
            "data_collection_order": total_order,
        }
    )
    return {
        "before": before,
        "after": after,
        "source": event_source,
        "op": op,
        "ts_ms": event_source["ts_ms"] + 1,
        "transaction": transaction,
    }


def with_schema(payload: dict[str, Any]) -> dict[str, Any]:
    """The JsonConverter's ``schemas.enable=true`` form, with the connector's schema."""
    value = {
        "type": "struct",
        "fields": [_field(*column) for column in _COLUMNS],
        "optional": True,
        "name": "PostgreSQL_server.public.customers.Value",
    }
    schema = {
        "type": "struct",
        "fields": [
            value | {"field": "before"},
            value | {"field": "after"},
            {
                "type": "struct",
                "fields": [_field(*field) for field in _SOURCE_FIELDS],
                "optional": False,
                "name": "io.debezium.connector.postgresql.Source",
                "field": "source",
            },
            _field("op", "string", False),
            _field("ts_ms", "int64", True),
            {
                "type": "struct",
                "fields": [
                    _field("id", "string", False),
                    _field("total_order", "int64", False),
                    _field("data_collection_order", "int64", False),
                ],
                "optional": True,
                "name": "event.block",
                "field": "transaction",
            },
        ],
        "optional": False,
        "name": "PostgreSQL_server.public.customers.Envelope",
    }
    return {"schema": schema, "payload": payload}


def key_of(customer_id: int, *, wrapped: bool) -> dict[str, Any]:
    key: dict[str, Any] = {"id": customer_id}
    if not wrapped:
        return key
    schema = {
        "type": "struct",
        "fields": [_field("id", "int32", False)],
        "optional": False,
        "name": "PostgreSQL_server.public.customers.Key",
    }
    return {"schema": schema, "payload": key}


def record(
    message: dict[str, Any] | None, customer_id: int, offset: int, *, wrapped: bool = False
) -> StreamRecord:
    """The record on the customers topic (one partition), as the Kafka adapter hands it over;
    ``None`` is the tombstone that follows a delete."""
    value = None
    if message is not None:
        value = orjson.dumps(with_schema(message) if wrapped else message)
    key = orjson.dumps(key_of(customer_id, wrapped=wrapped))
    return StreamRecord(TOPIC, 0, offset, key, value)


def _field(name: str, kind: str, optional: bool) -> dict[str, Any]:
    return {"type": kind, "optional": optional, "field": name}


class CustomerTopic:
    """The customers topic (one partition), read by the real decoder and service into Bank 2:
    each delivery is one batch, each message appended at the next offset."""

    def __init__(self, bank2: SqlBank2, *, wrapped: bool = False, customer_id: int = 42) -> None:
        self._projection = CustomerProjection(
            projection_units(bank2), CustomerDecoder(), "telesales"
        )
        self._bank2 = bank2
        self._wrapped = wrapped
        self._customer_id = customer_id
        self._offset = 0

    def deliver(self, *messages: dict[str, Any] | None) -> BatchSummary:
        """Deliver these messages of the customer (None: a tombstone) as one batch."""
        records = []
        for message in messages:
            key = self._customer_id
            records.append(record(message, key, self._offset, wrapped=self._wrapped))
            self._offset += 1
        return self._projection.handle(records)

    def contacts(self) -> list[tuple[object, ...]]:
        """What telesales see: (customer_id, name, phone, region), by customer."""
        shown = "SELECT customer_id, name, phone, region FROM telesales_contacts ORDER BY 1"
        return query(self._bank2, shown)
