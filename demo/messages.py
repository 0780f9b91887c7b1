"""How Bank 1 puts a customer on the wire, and how people type into Bank 1 in the first place.

Three producers: the legacy flat JSON (all values strings), our format, and Debezium change
events from SQL Server or PostgreSQL. Plus the junk a real topic carries. Rendering only: which
customer changes how, and what Bank 2 must end up holding, is decided in ``demo.generator``.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

import orjson

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Row(NamedTuple):
    """One customer as Bank 1 stores it at one moment, text fields exactly as typed."""

    customer_id: int
    name: str
    phone: str
    state: str | None  # None: the record has no state
    active: bool
    opt_out: bool
    cpf: str
    email: str
    city: str
    zip_code: str
    birth_date: str
    branch: int
    registered: str
    updated_us: int  # microseconds since the epoch, UTC


@dataclass(frozen=True, slots=True)
class DebeziumSource:
    """Where a change sits in the source database's log."""

    sqlserver: bool  # else PostgreSQL
    position: int  # commit position: the event's version
    serial: int | None  # SQL Server ``event_serial_no``; None in a snapshot
    snapshot: str  # "false" while streaming; "first", "true", "last" in the initial snapshot
    key_only_before: bool  # PostgreSQL REPLICA IDENTITY DEFAULT: ``before`` holds the key only


# --- typing -----------------------------------------------------------------------------------

_PHONE_STYLES = (
    "({ddd}) {head}-{tail}",
    "{ddd}{head}{tail}",
    "+55 {ddd} {head}-{tail}",
    "0{ddd} {head}-{tail}",
    "55 {ddd} {head}-{tail}",
    "+55{ddd}{head}{tail}",
    "({ddd}){head}-{tail}",
    "{ddd} {head} {tail}",
)
_GAPS = (" ", " ", " ", " ", "  ", "\t", " \t", "   ", "\u00a0")


def type_phone(rng: random.Random, ddd: int, subscriber: str) -> str:
    """A phone the way a clerk or a web form typed it."""
    style = rng.choice(_PHONE_STYLES)
    return style.format(ddd=ddd, head=subscriber[:-4], tail=subscriber[-4:])


def type_name(rng: random.Random, words: tuple[str, ...]) -> str:
    """The words with the stray whitespace people leave; the words themselves never change."""
    if rng.random() < 0.8:
        return " ".join(words)
    inner = "".join(rng.choice(_GAPS) + word for word in words[1:])
    lead = rng.choice(("", "", " ", "\t"))
    trail = rng.choice(("", "", " ", "  ", "\t"))
    return f"{lead}{words[0]}{inner}{trail}"


def type_state(rng: random.Random, uf: str, state_name: str) -> str:
    """A state as UF or full name, any case, with or without its accents."""
    bare = unaccent(state_name)
    return rng.choice((uf, uf, uf.lower(), state_name, bare, bare.upper(), state_name.upper()))


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- the three producers ----------------------------------------------------------------------


def legacy(row: Row) -> bytes:
    """The legacy producer: flat, every value a string, no state; STATUS "I" means inactive."""
    return _dump(
        {
            "CD_CLIENTE": str(row.customer_id),
            "NM_CLIENTE": row.name,
            "CD_CPF_CLIENTE": row.cpf,
            "TEL_CLIENTE": row.phone,
            "DT_NASCIMENTO": row.birth_date,
            "DT_CADASTRO": row.registered,
            "CD_FILIAL": str(row.branch),
            "CD_REGIAO": str(row.branch % 5 + 1),  # the branch's sales zone, not an IBGE region
            "STATUS": "A" if row.active else "I",
        }
    )


def ours(row: Row, version: int, *, deleted: bool) -> bytes:
    return _dump(
        {
            "customer_id": str(row.customer_id),
            "name": row.name,
            "phone": row.phone,
            "state": row.state,
            "status": "A" if row.active else "I",
            "deleted": deleted,
            "telemarketing_opt_out": row.opt_out,
            "version": version,
            "updated_at": _instant(row.updated_us).isoformat(timespec="microseconds"),
            "cpf": row.cpf,
            "email": row.email,
            "city": row.city,
            "zip": row.zip_code,
        }
    )


def debezium_key(customer_id: int, *, sqlserver: bool, schemas: bool) -> bytes:
    payload = {"id": customer_id}
    return _dump({"schema": _key_schema(sqlserver), "payload": payload} if schemas else payload)


def debezium_value(
    op: str, before: Row | None, after: Row | None, source: DebeziumSource, *, schemas: bool
) -> bytes:
    """A change event: ``op`` is r (snapshot), c, u or d."""
    before_columns: dict[str, Any] | None
    if before is not None and source.key_only_before:
        before_columns = dict.fromkeys(_columns(before), None) | {"id": before.customer_id}
    else:
        before_columns = None if before is None else _columns(before)
    image = after if after is not None else before
    if image is None:
        raise ValueError("a change event needs a before or an after image")
    ts_ms = image.updated_us // 1000
    payload = {
        "before": before_columns,
        "after": None if after is None else _columns(after),
        "source": _source(source, ts_ms),
        "op": op,
        "ts_ms": ts_ms + 5 + source.position % 700,  # the connector sees the commit a bit later
        "transaction": None,
    }
    if not schemas:
        return _dump(payload)
    return b'{"schema":' + _value_schema(source.sqlserver) + b',"payload":' + _dump(payload) + b"}"


def _columns(row: Row) -> dict[str, Any]:
    return {
        "id": row.customer_id,
        "name": row.name,
        "cpf": row.cpf,
        "email": row.email,
        "phone": row.phone,
        "state": row.state,
        "city": row.city,
        "zip": row.zip_code,
        "status": "A" if row.active else "I",
        "updated_at": _instant(row.updated_us).isoformat(timespec="microseconds")[:-6] + "Z",
        "telemarketing_opt_out": row.opt_out,
    }


def _source(source: DebeziumSource, ts_ms: int) -> dict[str, Any]:
    common: dict[str, Any] = {
        "version": "2.7.3.Final",
        "connector": "sqlserver" if source.sqlserver else "postgresql",
        "name": "bank1",
        "ts_ms": ts_ms,
        "snapshot": source.snapshot,
        "db": "sales",
    }
    streaming = source.snapshot == "false"
    if source.sqlserver:
        # A snapshot row has only the snapshot's LSN: no change LSN, no serial number.
        return common | {
            "sequence": None,
            "schema": "dbo",
            "table": "customers",
            "change_lsn": _lsn(source.position - 1) if streaming else None,
            "commit_lsn": _lsn(source.position),
            "event_serial_no": source.serial,
        }
    last_commit = str(source.position - 2) if streaming else None
    return common | {
        "sequence": orjson.dumps([last_commit, str(source.position)]).decode(),
        "schema": "public",
        "table": "customers",
        "txId": (source.position >> 16) & 0xFFFFFF,
        "lsn": source.position,
        "xmin": None,
    }


def _lsn(position: int) -> str:
    """SQL Server's 10-byte LSN as the connector prints it: VLF, log block and slot, in hex."""
    return f"{position >> 48:08x}:{(position >> 16) & 0xFFFFFFFF:08x}:{position & 0xFFFF:04x}"


def _instant(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _dump(value: object) -> bytes:
    # Compact UTF-8, as Kafka Connect and our producers write it (no \u escapes).
    return orjson.dumps(value)


# --- Debezium schemas (schemas.enable=true) ---------------------------------------------------


def _topic(sqlserver: bool) -> str:  # noqa: FBT001 - a private helper with one flag
    return "bank1.sales.dbo.customers" if sqlserver else "bank1.public.customers"


@cache
def _key_schema(sqlserver: bool) -> dict[str, Any]:  # noqa: FBT001
    return {
        "type": "struct",
        "name": f"{_topic(sqlserver)}.Key",
        "optional": False,
        "fields": [{"field": "id", "type": "int32", "optional": False}],
    }


def _field(field: str, kind: str, /, *, optional: bool = True, **extra: Any) -> dict[str, Any]:
    return {"field": field, "type": kind, "optional": optional, **extra}


@cache
def _value_schema(sqlserver: bool) -> bytes:  # noqa: FBT001
    topic = _topic(sqlserver)
    columns = [
        _field("id", "int32", optional=False),
        _field("name", "string", optional=False),
        *(_field(name, "string") for name in ("cpf", "email", "phone", "state", "city", "zip")),
        _field("status", "string", optional=False),
        _field("updated_at", "string", name="io.debezium.time.ZonedTimestamp", version=1),
        _field("telemarketing_opt_out", "boolean", optional=False, default=False),
    ]
    row = {"type": "struct", "optional": True, "name": f"{topic}.Value", "fields": columns}
    snapshot_enum: dict[str, Any] = {
        "name": "io.debezium.data.Enum",
        "version": 1,
        "parameters": {
            "allowed": "true,first,first_in_data_collection,last_in_data_collection,last,false,"
            "incremental"
        },
        "default": "false",
    }
    source_fields = [
        _field("version", "string", optional=False),
        _field("connector", "string", optional=False),
        _field("name", "string", optional=False),
        _field("ts_ms", "int64", optional=False),
        _field("snapshot", "string", **snapshot_enum),
        _field("db", "string", optional=False),
        _field("sequence", "string"),
        _field("schema", "string", optional=False),
        _field("table", "string", optional=False),
    ]
    if sqlserver:
        source_fields += [
            _field("change_lsn", "string"),
            _field("commit_lsn", "string"),
            _field("event_serial_no", "int64"),
        ]
    else:
        source_fields += [_field("txId", "int64"), _field("lsn", "int64"), _field("xmin", "int64")]
    connector = "sqlserver" if sqlserver else "postgresql"
    transaction = [
        _field("id", "string", optional=False),
        _field("total_order", "int64", optional=False),
        _field("data_collection_order", "int64", optional=False),
    ]
    envelope = {
        "type": "struct",
        "name": f"{topic}.Envelope",
        "optional": False,
        "fields": [
            {"field": "before", **row},
            {"field": "after", **row},
            {
                "field": "source",
                "type": "struct",
                "optional": False,
                "name": f"io.debezium.connector.{connector}.Source",
                "fields": source_fields,
            },
            _field("op", "string", optional=False),
            _field("ts_ms", "int64"),
            _field("transaction", "struct", name="event.block", fields=transaction),
        ],
    }
    return _dump(envelope)


# --- what else a topic carries ----------------------------------------------------------------

BAD_PHONES = (
    "98765-4321",  # no area code
    "+1 212 555 0100",  # foreign
    "(20) 98765-4321",  # an area code Anatel never assigned
    "0800 777 7000",  # toll-free: nobody answers it
    "12345",
)
EMPTY_NAMES = ("", "   ", "\t", " \t ")


def malformed(rng: random.Random, row: Row) -> bytes:
    """Bytes that are not JSON: a cut-off record, a CSV line, a Python dict printed as text."""
    whole = legacy(row)
    choice = rng.randrange(3)
    if choice == 0:
        return whole[: rng.randrange(1, len(whole) - 1)]  # no proper prefix of an object parses
    if choice == 1:
        return f"{row.customer_id};{row.name};{row.phone};A".encode()
    return repr(orjson.loads(whole)).encode()


def unknown_format(rng: random.Random, now_us: int) -> bytes:
    """Valid JSON that no customer producer writes: a test ping, a heartbeat."""
    sent_at = _instant(now_us).isoformat()
    return _dump(
        rng.choice(
            (
                {"foo": 1},
                {"heartbeat": now_us // 1000},
                {"event": "ping", "sent_at": sent_at},
            )
        )
    )
