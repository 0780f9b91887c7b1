"""The do-not-call lists' statements, one module per engine (``<engine>.py``, its ``SQL``).

A chunk of phones travels as one JSON text parameter that the engine expands set-wise
(``json_each``, ``jsonb_array_elements``, ``JSON_TABLE``, ``OPENJSON``), so a load of millions of
numbers costs one statement per chunk. Dates travel as ISO 8601 text (``2025-06-01``), times as
the engine's timestamp parameter. Each statement declares its parameters by name, in the order
its SQL binds them (a name repeats where the SQL binds its value twice).
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.engines.engine import Statement, engine_statements


@dataclass(frozen=True, slots=True)
class DoNotCallSql:
    """The do-not-call lists' statements in one dialect."""

    # Holds off every other load until this transaction ends; None where beginning the
    # transaction already does (SQLite's BEGIN IMMEDIATE).
    lock_lists: Statement | None
    # -> zero or one row of (exported_on, load_number, file_sha256, phones, loaded_at)
    loaded_list: Statement
    # Each row is [phone] or [phone, listed_on]: distinct phones. A new phone gets
    # added_in = seen_in = load_number and listed_on (the export's date where the row has
    # none); a known one only seen_in = load_number.
    put_phones: Statement
    # -> one row of (seen in this load, added in this load, not seen in this load)
    tally: Statement
    # Appends a do_not_call removal-log row for each current contact whose phone this load
    # added and no other list holds; the row count is the number of contacts.
    suppress_contacts: Statement
    # -> one row: (current contacts whose phone this load drops and no other list holds)
    count_restored: Statement
    # Deletes the list's phones this load did not see.
    drop_unseen: Statement
    # A list's first load: inserts its row unless one exists (row count 0 then).
    insert_list: Statement
    # A later load: updates the row if it still holds previous_load_number (row count 0 if not).
    update_list: Statement
    # -> rows of (list_name, exported_on, load_number, file_sha256, phones, loaded_at)
    lists: Statement


# The parameters each statement takes, whatever the engine.
PARAMETERS: dict[str, frozenset[str]] = {
    "lock_lists": frozenset(),
    "loaded_list": frozenset({"list_name"}),
    "put_phones": frozenset({"list_name", "exported_on", "load_number", "rows_json"}),
    "tally": frozenset({"list_name", "load_number"}),
    "suppress_contacts": frozenset({"list_name", "exported_on", "load_number", "now"}),
    "count_restored": frozenset({"list_name", "load_number"}),
    "drop_unseen": frozenset({"list_name", "load_number"}),
    "insert_list": frozenset(
        {"list_name", "exported_on", "load_number", "file_sha256", "phones", "loaded_at"}
    ),
    "update_list": frozenset(
        {
            "list_name",
            "exported_on",
            "load_number",
            "file_sha256",
            "phones",
            "loaded_at",
            "previous_load_number",
        }
    ),
    "lists": frozenset(),
}


def do_not_call_sql(engine: str) -> DoNotCallSql:
    """The do-not-call lists' statements for the engine of this name, imported when first
    needed."""
    sql: DoNotCallSql = engine_statements(f"{__name__}.{engine}", engine, "do-not-call")
    return sql
