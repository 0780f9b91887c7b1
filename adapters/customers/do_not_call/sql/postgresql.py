"""The do-not-call lists' statements on PostgreSQL (jsonb_array_elements).

psycopg binds ``%s`` in order and cannot reuse one: a value the SQL needs twice is selected once
in a one-row ``p`` relation, or its name repeats in the declaration. Dates travel as ISO text
cast to ``date``. Reads of contact_state see the transaction's snapshot and lock nothing, so the
customer function's batches go on during a load.
"""

from __future__ import annotations

from adapters.customers.do_not_call.sql import DoNotCallSql
from adapters.engines.engine import Statement

SQL = DoNotCallSql(
    # EXCLUSIVE allows plain reads (the lists command, the view never reads this table) and
    # blocks every other load's lock until this transaction ends: loads of any list run one
    # after the other, so each sees what the other lists held when it decides whom it
    # suppresses or restores.
    lock_lists=Statement("LOCK TABLE do_not_call_lists IN EXCLUSIVE MODE"),
    loaded_list=Statement(
        """
SELECT exported_on, load_number, file_sha256, phones, loaded_at
FROM do_not_call_lists
WHERE list_name = %s
""",
        params=("list_name",),
    ),
    # The phones come sorted; WITH ORDINALITY keeps that order for the index's sake.
    put_phones=Statement(
        """
WITH p AS (
    SELECT %s::text AS list_name, %s::date AS exported_on, %s::integer AS load_number,
           %s::jsonb AS rows_json
)
INSERT INTO suppressed_phones AS t (phone, list_name, listed_on, added_in, seen_in)
SELECT r.item ->> 0, p.list_name, coalesce((r.item ->> 1)::date, p.exported_on),
       p.load_number, p.load_number
FROM p CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) WITH ORDINALITY AS r (item, n)
ORDER BY r.n
ON CONFLICT (phone, list_name) DO UPDATE SET seen_in = excluded.seen_in
""",
        params=("list_name", "exported_on", "load_number", "rows_json"),
    ),
    tally=Statement(
        """
SELECT count(*) FILTER (WHERE s.seen_in = p.load_number),
       count(*) FILTER (WHERE s.added_in = p.load_number),
       count(*) FILTER (WHERE s.seen_in < p.load_number)
FROM (SELECT %s::text AS list_name, %s::integer AS load_number) AS p
JOIN suppressed_phones AS s ON s.list_name = p.list_name
""",
        params=("list_name", "load_number"),
    ),
    suppress_contacts=Statement(
        """
INSERT INTO removal_log (customer_id, reason, version, list_name, list_exported_on, applied_at)
SELECT c.customer_id, 'do_not_call', c.version, p.list_name, p.exported_on, p.now
FROM (
    SELECT %s::text AS list_name, %s::date AS exported_on, %s::integer AS load_number,
           %s::timestamptz AS now
) AS p
CROSS JOIN contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM suppressed_phones AS s
      WHERE s.phone = c.phone AND s.list_name = p.list_name AND s.added_in = p.load_number
  )
  AND NOT EXISTS (
      SELECT 1 FROM suppressed_phones AS o
      WHERE o.phone = c.phone AND o.list_name <> p.list_name
  )
""",
        params=("list_name", "exported_on", "load_number", "now"),
    ),
    count_restored=Statement(
        """
SELECT count(*)
FROM (SELECT %s::text AS list_name, %s::integer AS load_number) AS p
CROSS JOIN contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM suppressed_phones AS s
      WHERE s.phone = c.phone AND s.list_name = p.list_name AND s.seen_in < p.load_number
  )
  AND NOT EXISTS (
      SELECT 1 FROM suppressed_phones AS o
      WHERE o.phone = c.phone AND o.list_name <> p.list_name
  )
""",
        params=("list_name", "load_number"),
    ),
    drop_unseen=Statement(
        "DELETE FROM suppressed_phones WHERE list_name = %s AND seen_in < %s",
        params=("list_name", "load_number"),
    ),
    insert_list=Statement(
        """
INSERT INTO do_not_call_lists
    (list_name, exported_on, load_number, file_sha256, phones, loaded_at)
VALUES (%s, %s::date, %s, %s, %s, %s::timestamptz)
ON CONFLICT (list_name) DO NOTHING
""",
        params=("list_name", "exported_on", "load_number", "file_sha256", "phones", "loaded_at"),
    ),
    update_list=Statement(
        """
UPDATE do_not_call_lists
SET exported_on = %s::date, load_number = %s, file_sha256 = %s, phones = %s,
    loaded_at = %s::timestamptz
WHERE list_name = %s AND load_number = %s
""",
        params=(
            "exported_on",
            "load_number",
            "file_sha256",
            "phones",
            "loaded_at",
            "list_name",
            "previous_load_number",
        ),
    ),
    lists=Statement(
        """
SELECT list_name, exported_on, load_number, file_sha256, phones, loaded_at
FROM do_not_call_lists
ORDER BY list_name
"""
    ),
)
