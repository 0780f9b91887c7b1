"""The do-not-call lists' statements on MySQL / MariaDB (JSON_TABLE).

PyMySQL substitutes ``%s`` client-side, in the order each statement declares its parameters; a
value the SQL needs twice repeats its name there, and no statement holds a literal percent sign.
The list's name is compared with the columns directly (their utf8mb4_bin collation wins over a
parameter's), dates travel as ISO text cast to DATE. Under READ COMMITTED, ``INSERT ... SELECT``
reads contact_state as a consistent read, without locking it: the customer function's batches go
on during a load.
"""

from __future__ import annotations

from adapters.customers.do_not_call.sql import DoNotCallSql
from adapters.engines.engine import Statement

SQL = DoNotCallSql(
    # Locks every list's row until this transaction ends, so loads run one after the other once
    # each list has been loaded once. Two first loads of one list at the same moment both try to
    # insert its row: the second fails on the primary key and loads nothing.
    lock_lists=Statement("SELECT list_name FROM do_not_call_lists FOR UPDATE"),
    loaded_list=Statement(
        """
SELECT exported_on, load_number, file_sha256, phones, loaded_at
FROM do_not_call_lists
WHERE list_name = %s
""",
        params=("list_name",),
    ),
    # JSON_TABLE's columns are wider than the table's: a value too long fails in strict mode
    # instead of being cut. A row without a date has no '$[1]': NULL (NULL ON EMPTY).
    put_phones=Statement(
        """
INSERT INTO suppressed_phones (phone, list_name, listed_on, added_in, seen_in)
SELECT j.phone, p.list_name, COALESCE(CAST(j.listed_on AS DATE), p.exported_on),
       p.load_number, p.load_number
FROM (
    SELECT %s AS list_name, CAST(%s AS DATE) AS exported_on, CAST(%s AS SIGNED) AS load_number
) AS p
CROSS JOIN JSON_TABLE(%s, '$[*]' COLUMNS (
         position  FOR ORDINALITY,
         phone     VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         listed_on VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]'
     )) AS j
ORDER BY j.position
ON DUPLICATE KEY UPDATE suppressed_phones.seen_in = VALUES(seen_in)
""",
        params=("list_name", "exported_on", "load_number", "rows_json"),
    ),
    tally=Statement(
        """
SELECT COALESCE(SUM(seen_in = %s), 0), COALESCE(SUM(added_in = %s), 0),
       COALESCE(SUM(seen_in < %s), 0)
FROM suppressed_phones
WHERE list_name = %s
""",
        params=("load_number", "load_number", "load_number", "list_name"),
    ),
    suppress_contacts=Statement(
        """
INSERT INTO removal_log (customer_id, reason, version, list_name, list_exported_on, applied_at)
SELECT c.customer_id, 'do_not_call', c.version, %s, CAST(%s AS DATE), CAST(%s AS DATETIME(6))
FROM contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM suppressed_phones AS s
      WHERE s.phone = c.phone AND s.list_name = %s AND s.added_in = %s
  )
  AND NOT EXISTS (
      SELECT 1 FROM suppressed_phones AS o WHERE o.phone = c.phone AND o.list_name <> %s
  )
""",
        params=("list_name", "exported_on", "now", "list_name", "load_number", "list_name"),
    ),
    count_restored=Statement(
        """
SELECT COUNT(*)
FROM contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM suppressed_phones AS s
      WHERE s.phone = c.phone AND s.list_name = %s AND s.seen_in < %s
  )
  AND NOT EXISTS (
      SELECT 1 FROM suppressed_phones AS o WHERE o.phone = c.phone AND o.list_name <> %s
  )
""",
        params=("list_name", "load_number", "list_name"),
    ),
    drop_unseen=Statement(
        "DELETE FROM suppressed_phones WHERE list_name = %s AND seen_in < %s",
        params=("list_name", "load_number"),
    ),
    # Not INSERT IGNORE, which would turn errors into warnings.
    insert_list=Statement(
        """
INSERT INTO do_not_call_lists
    (list_name, exported_on, load_number, file_sha256, phones, loaded_at)
SELECT p.list_name, p.exported_on, p.load_number, p.file_sha256, p.phones, p.loaded_at
FROM (
    SELECT %s AS list_name, CAST(%s AS DATE) AS exported_on, CAST(%s AS SIGNED) AS load_number,
           %s AS file_sha256, CAST(%s AS SIGNED) AS phones,
           CAST(%s AS DATETIME(6)) AS loaded_at
) AS p
WHERE NOT EXISTS (SELECT 1 FROM do_not_call_lists AS l WHERE l.list_name = %s)
""",
        params=(
            "list_name",
            "exported_on",
            "load_number",
            "file_sha256",
            "phones",
            "loaded_at",
            "list_name",
        ),
    ),
    update_list=Statement(
        """
UPDATE do_not_call_lists
SET exported_on = CAST(%s AS DATE), load_number = %s, file_sha256 = %s, phones = %s,
    loaded_at = CAST(%s AS DATETIME(6))
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
