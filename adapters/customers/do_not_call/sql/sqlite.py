"""The do-not-call lists' statements on SQLite (json_each).

BEGIN IMMEDIATE already holds the database's write lock for the whole load, so no statement
locks the lists. Dates are ISO 8601 text, as the migration stores them. ``WHERE true`` is
required before ON CONFLICT when the rows come from a SELECT (SQLite's parsing ambiguity).
"""

from __future__ import annotations

from adapters.customers.do_not_call.sql import DoNotCallSql
from adapters.engines.engine import Statement

SQL = DoNotCallSql(
    lock_lists=None,
    loaded_list=Statement(
        """
        SELECT exported_on, load_number, file_sha256, phones, loaded_at
        FROM do_not_call_lists WHERE list_name = ?1
    """,
        params=("list_name",),
    ),
    put_phones=Statement(
        """
        INSERT INTO suppressed_phones (phone, list_name, listed_on, added_in, seen_in)
        SELECT json_extract(value, '$[0]'), ?1,
               coalesce(json_extract(value, '$[1]'), ?2), ?3, ?3
        FROM json_each(?4) WHERE true
        ON CONFLICT (phone, list_name) DO UPDATE SET seen_in = excluded.seen_in
    """,
        params=("list_name", "exported_on", "load_number", "rows_json"),
    ),
    tally=Statement(
        """
        SELECT coalesce(sum(seen_in = ?2), 0), coalesce(sum(added_in = ?2), 0),
               coalesce(sum(seen_in < ?2), 0)
        FROM suppressed_phones WHERE list_name = ?1
    """,
        params=("list_name", "load_number"),
    ),
    suppress_contacts=Statement(
        """
        INSERT INTO removal_log
            (customer_id, reason, version, list_name, list_exported_on, applied_at)
        SELECT c.customer_id, 'do_not_call', c.version, ?1, ?2, ?4
        FROM contact_state AS c
        WHERE c.removed_at IS NULL
          AND EXISTS (
              SELECT 1 FROM suppressed_phones AS s
              WHERE s.phone = c.phone AND s.list_name = ?1 AND s.added_in = ?3
          )
          AND NOT EXISTS (
              SELECT 1 FROM suppressed_phones AS o
              WHERE o.phone = c.phone AND o.list_name <> ?1
          )
    """,
        params=("list_name", "exported_on", "load_number", "now"),
    ),
    count_restored=Statement(
        """
        SELECT count(*)
        FROM contact_state AS c
        WHERE c.removed_at IS NULL
          AND EXISTS (
              SELECT 1 FROM suppressed_phones AS s
              WHERE s.phone = c.phone AND s.list_name = ?1 AND s.seen_in < ?2
          )
          AND NOT EXISTS (
              SELECT 1 FROM suppressed_phones AS o
              WHERE o.phone = c.phone AND o.list_name <> ?1
          )
    """,
        params=("list_name", "load_number"),
    ),
    drop_unseen=Statement(
        "DELETE FROM suppressed_phones WHERE list_name = ?1 AND seen_in < ?2",
        params=("list_name", "load_number"),
    ),
    insert_list=Statement(
        """
        INSERT INTO do_not_call_lists
            (list_name, exported_on, load_number, file_sha256, phones, loaded_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6)
        ON CONFLICT (list_name) DO NOTHING
    """,
        params=("list_name", "exported_on", "load_number", "file_sha256", "phones", "loaded_at"),
    ),
    update_list=Statement(
        """
        UPDATE do_not_call_lists
        SET exported_on = ?2, load_number = ?3, file_sha256 = ?4, phones = ?5, loaded_at = ?6
        WHERE list_name = ?1 AND load_number = ?7
    """,
        params=(
            "list_name",
            "exported_on",
            "load_number",
            "file_sha256",
            "phones",
            "loaded_at",
            "previous_load_number",
        ),
    ),
    lists=Statement(
        """
        SELECT list_name, exported_on, load_number, file_sha256, phones, loaded_at
        FROM do_not_call_lists ORDER BY list_name
    """
    ),
)
