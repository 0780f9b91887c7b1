"""Every payment column holds the longest value the decoder and the domain can give it.

A value longer than its column fails its batch on every delivery (SQL Server's error 2628,
PostgreSQL's 22001), and under MySQL's INSERT IGNORE it would be cut short. Widths are counted
as each engine counts them: PostgreSQL's varchar(n) and MySQL's utf8mb4 VARCHAR(n) in
characters, SQL Server's NVARCHAR(n) in UTF-16 code units, so an id of 64 characters outside the
Basic Multilingual Plane needs NVARCHAR(128). No SQL Server runs here, so its widths are read
from the migrations with sqlglot; on the other engines (and on a SQL Server when one is
configured) the longest values are written for real.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from sqlglot import exp

from adapters.engines.database import SqlBank2
from adapters.engines.migrations import migrations_for
from adapters.engines.mssql.session import split_batches
from adapters.payments.format import MAX_ID_LENGTH, decode_transaction_record
from adapters.payments.store import SqlPaymentStore
from domain.payments.brands import Brand
from domain.payments.cards import CardSummary
from domain.payments.messages import ErrorMessage
from domain.payments.transactions import Decision, Transaction
from service.stream.records import StreamRecord
from tests.engines.test_mssql_sql import parse
from tests.payments.support import transaction
from tests.support import query

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ASTRAL = "\U0001f600"  # one character, two UTF-16 code units, four UTF-8 bytes
LONGEST_ID = ASTRAL * MAX_ID_LENGTH
LONGEST_MESSAGE = max((m.value for m in ErrorMessage), key=len)
LONGEST_BRAND = max((b.value for b in Brand), key=len)
LARGEST_AMOUNT = Decimal("9999999999.99")  # money(): at most ten integer digits
VISA_1111 = CardSummary(Brand.VISA, "1111")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_the_decoder_accepts_the_longest_values_used_here() -> None:
    # If the decoder's limits move, the widths below must be checked again.
    message = transaction(LONGEST_ID, account_id=LONGEST_ID, amount=str(LARGEST_AMOUNT))
    decoded = decode_transaction_record(
        StreamRecord("transactions", 0, 0, None, json.dumps(message).encode())
    )
    assert isinstance(decoded, Transaction)
    assert (decoded.id, decoded.account_id, decoded.amount) == (
        LONGEST_ID,
        LONGEST_ID,
        LARGEST_AMOUNT,
    )
    assert utf16_units(LONGEST_ID) == 2 * MAX_ID_LENGTH
    too_long = transaction(LONGEST_ID + "x")
    assert not isinstance(
        decode_transaction_record(
            StreamRecord("transactions", 0, 0, None, json.dumps(too_long).encode())
        ),
        Transaction,
    )


# --- SQL Server: the final column types after every migration, read with sqlglot -----------


def mssql_transaction_columns() -> dict[str, exp.DataType]:
    """dbo.transactions' column types after all migrations, as CREATE and ALTER leave them."""
    columns: dict[str, exp.DataType] = {}
    trees = [
        tree
        for migration in migrations_for("mssql")
        for batch in split_batches(migration.script)
        for tree in parse(batch)
    ]
    for tree in trees:
        for create in tree.find_all(exp.Create):
            schema = create.this
            if isinstance(schema, exp.Schema) and schema.this.name == "transactions":
                defined = [c for c in schema.expressions if isinstance(c, exp.ColumnDef)]
                columns.update({column.name: column.args["kind"] for column in defined})
        for alter in tree.find_all(exp.Alter):
            is_ours = alter.this.name == "transactions"
            actions = (alter.args.get("actions") or []) if is_ours else []
            altered = [a for a in actions if isinstance(a, exp.AlterColumn)]
            columns.update({action.name: action.args["dtype"] for action in altered})
    return columns


def width(data_type: exp.DataType) -> int:
    (size,) = data_type.expressions
    return int(size.name)


def test_sql_server_columns_hold_the_longest_values_in_utf16_code_units() -> None:
    columns = mssql_transaction_columns()
    for name in ("id", "account_id"):
        assert columns[name].this is exp.DataType.Type.NVARCHAR, name
        assert width(columns[name]) >= utf16_units(LONGEST_ID), name
    # ASCII only: the domain's own texts.
    assert width(columns["status"]) >= len("approved")
    assert width(columns["error_message"]) >= len(LONGEST_MESSAGE)
    assert width(columns["card_brand"]) >= len(LONGEST_BRAND)
    assert width(columns["card_last_four"]) == 4
    precision, scale = (int(e.name) for e in columns["amount"].expressions)
    assert (precision, scale) == (12, 2)


def test_sql_server_sizes_ids_for_utf16_in_migration_0004() -> None:
    # NVARCHAR(64) was 64 code units: 33 characters outside the BMP already failed (2628).
    assert width(mssql_transaction_columns()["id"]) == 2 * MAX_ID_LENGTH


# --- Every engine that runs here: the longest values written and read back for real -------


def test_the_longest_values_are_stored_exactly(bank: SqlBank2) -> None:
    longest = [
        Decision(
            LONGEST_ID,
            LONGEST_ID,
            LARGEST_AMOUNT,
            next(m for m in ErrorMessage if m.value == LONGEST_MESSAGE),
            CardSummary(Brand(LONGEST_BRAND), "0005"),
        ),
        Decision("x" * MAX_ID_LENGTH, "y" * MAX_ID_LENGTH, None, ErrorMessage.INVALID_AMOUNT, None),
        Decision(
            "0" * MAX_ID_LENGTH, "acc", Decimal("1000.00"), None, CardSummary(Brand.VISA, "1111")
        ),
    ]
    with bank.unit_of_work_for(SqlPaymentStore) as uow:
        uow.store.record_decisions(longest, NOW)
        # The store checks the read-back column by column: a value cut short fails here.
        stored = uow.store.stored_outcomes([d.transaction_id for d in longest], NOW)
        uow.commit()
    assert set(stored) == {d.transaction_id for d in longest}
    rows = query(
        bank,
        "SELECT id, account_id, amount, error_message, card_brand FROM transactions ORDER BY id",
    )
    by_id = {str(row[0]): row for row in rows}
    first = by_id[LONGEST_ID]
    assert (first[1], Decimal(str(first[2])), first[3], first[4]) == (
        LONGEST_ID,
        LARGEST_AMOUNT,
        LONGEST_MESSAGE,
        LONGEST_BRAND,
    )
    assert by_id["x" * MAX_ID_LENGTH][2] is None
