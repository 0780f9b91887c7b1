"""Debezium change events from Bank 1's customers table, as the connectors publish them."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.customers.formats import decode_customer_record
from domain.customers.changes import CustomerChange, Rejection
from domain.customers.reasons import RejectReason
from domain.customers.versions import Version, VersionScheme
from service.stream.records import Tombstone
from tests.customers.formats.format_records import record_of

KEY = {"id": 42}
ROW = {
    "id": 42,
    "name": "Maria Souza",
    "cpf": "123.456.789-09",
    "email": "maria.souza@example.com.br",
    "phone": "(27) 99999-0000",
    "state": "ES",
    "city": "Vitória",
    "zip": "29010-120",
    "status": "A",
    "updated_at": 1717000000000,
}


def sql_server_source(commit_lsn: str | None = "00000027:00000758:0005", **extra: Any) -> Any:
    return {
        "version": "3.0.0.Final",
        "connector": "sqlserver",
        "name": "bank1",
        "ts_ms": 1717000000000,
        "snapshot": "false",
        "db": "sales",
        "sequence": None,
        "schema": "dbo",
        "table": "customers",
        "change_lsn": "00000027:00000758:0003",
        "commit_lsn": commit_lsn,
        "event_serial_no": 1,
    } | extra


def postgres_source(lsn: object = 24023128) -> Any:
    return {
        "version": "3.0.0.Final",
        "connector": "postgresql",
        "name": "bank1",
        "ts_ms": 1717000000000,
        "snapshot": "false",
        "db": "sales",
        "sequence": '["24023119","24023128"]',
        "schema": "public",
        "table": "customers",
        "txId": 555,
        "lsn": lsn,
        "xmin": None,
    }


def envelope(op: str, *, before: Any = None, after: Any = None, source: Any = None) -> Any:
    return {
        "before": before,
        "after": after,
        "source": sql_server_source() if source is None else source,
        "op": op,
        "ts_ms": 1717000003000,
        "transaction": None,
    }


def with_schema(payload: Any, name: str = "bank1.sales.dbo.customers.Envelope") -> Any:
    """The JsonConverter's ``schemas.enable=true`` wrapper; the decoder never reads the schema."""
    return {"schema": {"type": "struct", "name": name, "optional": False}, "payload": payload}


def test_create_with_schema_wrapper_decodes_the_after_image() -> None:
    record = record_of(with_schema(envelope("c", after=ROW)), key=with_schema(KEY, "Key"))

    assert decode_customer_record(record) == CustomerChange(
        customer_id="42",
        version=Version(
            VersionScheme.SOURCE_LOG_POSITION,
            (int("00000027000007580005", 16), int("00000027000007580003", 16), 1),
        ),
        name="Maria Souza",
        phone="(27) 99999-0000",
        state="ES",
    )


def test_update_without_schema_wrapper_reads_the_after_image() -> None:
    after = ROW | {"phone": "(27) 98888-7777"}
    change = decode_customer_record(record_of(envelope("u", before=ROW, after=after)))

    assert isinstance(change, CustomerChange)
    assert change.phone == "(27) 98888-7777"
    assert not change.removes_contact


def test_snapshot_read_is_an_upsert() -> None:
    # Snapshot rows carry the snapshot's commit position but no change position or serial number.
    source = sql_server_source(snapshot="first", change_lsn=None, event_serial_no=None)
    change = decode_customer_record(record_of(envelope("r", after=ROW, source=source)))

    assert isinstance(change, CustomerChange)
    assert change.version.parts == (int("00000027000007580005", 16), 0, 0)
    assert not change.removes_contact


def test_a_later_sql_server_change_has_a_higher_version() -> None:
    first = decode_customer_record(record_of(envelope("c", after=ROW)))
    later = decode_customer_record(
        record_of(
            envelope(
                "u",
                after=ROW,
                source=sql_server_source(
                    "00000027:00000ac0:0007", change_lsn="00000027:00000ac0:0002", event_serial_no=2
                ),
            )
        )
    )

    assert isinstance(first, CustomerChange)
    assert isinstance(later, CustomerChange)
    assert later.version > first.version


def test_changes_in_one_sql_server_transaction_keep_their_order() -> None:
    def in_transaction(change_lsn: str, serial: int) -> CustomerChange:
        source = sql_server_source(change_lsn=change_lsn, event_serial_no=serial)
        change = decode_customer_record(record_of(envelope("u", after=ROW, source=source)))
        assert isinstance(change, CustomerChange)
        return change

    first = in_transaction("00000027:00000758:0002", 2)
    second = in_transaction("00000027:00000758:0003", 2)
    assert first.version < second.version


def postgres_version(op: str, source: Any, transaction: Any = None) -> Version:
    message = envelope(op, after=ROW, source=source) | {"transaction": transaction}
    change = decode_customer_record(record_of(message))
    assert isinstance(change, CustomerChange)
    return change.version


def test_a_streamed_postgresql_change_is_versioned_by_its_lsn_after_every_snapshot_row() -> None:
    # The version the lsn alone gave before: Bank 2's stored versions still compare right.
    assert postgres_version("c", postgres_source()) == Version(
        VersionScheme.SOURCE_LOG_POSITION, (24023128, 0, 0)
    )


@pytest.mark.parametrize(
    ("op", "marker"),
    [
        ("r", "true"),
        ("r", "first"),
        ("r", "first_in_data_collection"),
        ("r", "last_in_data_collection"),
        ("r", "last"),
        ("r", "false"),  # a read is a snapshot's, whatever the marker says
        ("c", True),  # the documentation's create example: a boolean marker
        ("c", "first"),
    ],
)
def test_postgresql_snapshot_rows_come_before_any_streamed_change(op: str, marker: object) -> None:
    version = postgres_version(op, postgres_source() | {"snapshot": marker})

    assert version == Version(VersionScheme.SOURCE_LOG_POSITION, (0, 24023128, 0))
    assert version < postgres_version("u", postgres_source(lsn=1))


def test_an_incremental_snapshot_row_is_placed_at_its_window_s_position() -> None:
    # Since Debezium 2.0 incremental snapshot rows carry no lsn, only the window's sequence.
    source = postgres_source(lsn=None) | {
        "snapshot": "incremental",
        "txId": None,
        "sequence": '["24023119","24030000"]',
    }
    assert postgres_version("r", source) == Version(
        VersionScheme.SOURCE_LOG_POSITION, (0, 24030000, 0)
    )


def test_the_place_in_the_transaction_breaks_a_tie_between_two_changes_at_one_position() -> None:
    first = postgres_version("u", postgres_source(), {"id": "556:24023128", "total_order": 1})
    second = postgres_version("u", postgres_source(), {"id": "556:24023128", "total_order": 2})

    assert first < second
    assert postgres_version("u", postgres_source(), {"total_order": "x"}).parts[2] == 0


def test_a_streamed_postgresql_change_at_position_zero_is_refused() -> None:
    message = envelope("u", after=ROW, source=postgres_source(lsn=0))

    assert decode_customer_record(record_of(message)) == Rejection(RejectReason.INVALID_VERSION)


@pytest.mark.parametrize(
    "source",
    [
        postgres_source(lsn=None) | {"sequence": None},
        postgres_source(lsn=None) | {"snapshot": "incremental", "sequence": None},
        postgres_source(lsn=None) | {"snapshot": "incremental", "sequence": '["1", null]'},
        postgres_source(lsn=None) | {"snapshot": "incremental", "sequence": "[1, 2"},
        postgres_source(lsn=None) | {"snapshot": "incremental", "sequence": "[" + "1," * 40},
        postgres_source(lsn="0x24023128") | {"snapshot": "first"},
    ],
)
def test_a_postgresql_change_without_a_readable_position_is_rejected(source: Any) -> None:
    for op in ("r", "u"):
        message = envelope(op, after=ROW, source=source)
        assert decode_customer_record(record_of(message)) == Rejection(RejectReason.INVALID_VERSION)


def test_a_streamed_postgresql_change_needs_its_own_lsn() -> None:
    message = envelope("u", after=ROW, source=postgres_source(lsn=None))

    assert decode_customer_record(record_of(message)) == Rejection(RejectReason.INVALID_VERSION)


def test_source_without_log_position_is_versioned_by_commit_time() -> None:
    source = {"connector": "mysql", "name": "bank1", "ts_ms": 1717000000000, "db": "sales"}
    change = decode_customer_record(record_of(envelope("c", after=ROW, source=source)))

    assert isinstance(change, CustomerChange)
    # The offset (100) breaks ties: MySQL's binlog times have whole seconds.
    assert change.version == Version(VersionScheme.SOURCE_TIMESTAMP, (1717000000000, 100))


def test_delete_removes_the_customer_in_before() -> None:
    change = decode_customer_record(record_of(envelope("d", before=ROW), key=KEY))

    assert isinstance(change, CustomerChange)
    assert (change.customer_id, change.deleted) == ("42", True)
    assert change.name is None
    assert change.phone is None


@pytest.mark.parametrize("before", [None, {}, {"id": None}])
@pytest.mark.parametrize("key", [KEY, with_schema(KEY, "bank1.sales.dbo.customers.Key")])
def test_delete_without_before_image_takes_the_id_from_the_key(before: Any, key: Any) -> None:
    change = decode_customer_record(record_of(envelope("d", before=before), key=key))

    assert isinstance(change, CustomerChange)
    assert (change.customer_id, change.deleted) == ("42", True)


def test_a_key_delivered_as_bytes_names_the_row_too() -> None:
    # A "binary" binding hands the key over as bytes; the "string" one as text (above).
    change = decode_customer_record(record_of(envelope("d", before=None), key=b'{"id": 42}'))

    assert isinstance(change, CustomerChange)
    assert (change.customer_id, change.deleted) == ("42", True)


@pytest.mark.parametrize("key", [None, b"not json", "not json", {"other": 42}, [42], {"id": True}])
def test_delete_without_any_usable_id_is_rejected(key: Any) -> None:
    record = record_of(envelope("d", before=None), key=key)

    assert decode_customer_record(record) == Rejection(RejectReason.INVALID_CUSTOMER_ID)


def test_tombstone_after_a_delete_is_skipped() -> None:
    assert decode_customer_record(record_of(None, key=KEY)) == Tombstone()


def test_schema_wrapped_null_payload_is_a_tombstone() -> None:
    assert decode_customer_record(record_of(with_schema(None), key=KEY)) == Tombstone()


@pytest.mark.parametrize(
    ("status", "opt_out", "removed"),
    [
        ("A", None, False),
        (None, None, False),
        ("I", None, True),
        ("A", True, True),
        ("A", 1, True),
        ("A", False, False),
        ("A", 0, False),
    ],
)
def test_status_and_opt_out_decide_whether_the_contact_is_removed(
    status: object, opt_out: object, removed: bool
) -> None:
    row = ROW | {"status": status, "telemarketing_opt_out": opt_out}
    change = decode_customer_record(record_of(envelope("u", after=row)))

    assert isinstance(change, CustomerChange)
    assert change.removes_contact is removed


@pytest.mark.parametrize("op", ["t", "m", "x", None, 1])
def test_operations_that_name_no_customer_are_unsupported(op: object) -> None:
    message = envelope("c", after=ROW) | {"op": op}

    assert decode_customer_record(record_of(message)) == Rejection(
        RejectReason.UNSUPPORTED_OPERATION
    )


@pytest.mark.parametrize(
    "source",
    [
        None,
        "bank1",
        sql_server_source("27:758:5"),
        sql_server_source(change_lsn="bad"),
        sql_server_source(event_serial_no=-1),
        sql_server_source(event_serial_no="-2"),
        sql_server_source(event_serial_no="9" * 40),  # wider than a version part
        {"connector": "mysql", "ts_ms": "9" * 5000},  # beyond int()'s digit limit
        postgres_source(lsn="0x24023128"),
        postgres_source(lsn=-1),
        postgres_source(lsn=True),
        {"connector": "mysql", "ts_ms": None},
        {"connector": "mysql", "ts_ms": 1.5},
    ],
)
def test_unreadable_source_positions_are_rejected(source: Any) -> None:
    # Digit strings ("2") are read as numbers: Debezium's own docs print event_serial_no so.
    message = envelope("c", after=ROW) | {"source": source}

    assert decode_customer_record(record_of(message)) == Rejection(RejectReason.INVALID_VERSION)


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        (None, Rejection(RejectReason.INVALID_FIELD)),
        ([ROW], Rejection(RejectReason.INVALID_FIELD)),
        # The id could be read: the data subject report lists the message under it.
        (ROW | {"status": "X"}, Rejection(RejectReason.INVALID_FIELD, customer_id="42")),
        (
            ROW | {"telemarketing_opt_out": "yes"},
            Rejection(RejectReason.INVALID_FIELD, customer_id="42"),
        ),
        (
            ROW | {"telemarketing_opt_out": 2},
            Rejection(RejectReason.INVALID_FIELD, customer_id="42"),
        ),
        (ROW | {"id": None}, Rejection(RejectReason.INVALID_CUSTOMER_ID)),
        (ROW | {"id": -1}, Rejection(RejectReason.INVALID_CUSTOMER_ID)),
        (ROW | {"id": 4.2}, Rejection(RejectReason.INVALID_CUSTOMER_ID)),
    ],
)
def test_unusable_after_images_are_rejected(after: Any, reason: Rejection) -> None:
    assert decode_customer_record(record_of(envelope("u", after=after))) == reason
