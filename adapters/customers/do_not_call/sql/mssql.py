"""The do-not-call lists' statements on Azure SQL / SQL Server (OPENJSON, MERGE).

As in the customer projection's statements (adapters/customers/sql/mssql.py): a chunk of phones
is ONE NVARCHAR(MAX) JSON parameter expanded by OPENJSON; ``DECLARE @x ... = ?`` prologues name
the parameters of the statements that read or write a chunk; OPENJSON's and the variables' text
types are wider than the columns, so a value too long fails (2628) instead of being cut; the
list's name is collated to Latin1_General_BIN2, as its columns are, before it is compared. The
statements whose row count the store reads (``suppress_contacts``, ``drop_unseen``,
``insert_list``, ``update_list``) are single statements with ``?`` markers, a name repeated
where a value is bound twice, so the count is the statement's own. Under Azure SQL's read
committed snapshot, telesales reading the view are not blocked by a load's locks.
"""

from __future__ import annotations

from adapters.customers.do_not_call.sql import DoNotCallSql
from adapters.engines.engine import Statement

SQL = DoNotCallSql(
    # An exclusive table lock held to the end of the transaction (HOLDLOCK): loads of any list
    # run one after the other. Plain reads of the view never touch this table.
    lock_lists=Statement(
        """
DECLARE @lists INT;
SELECT @lists = COUNT(*) FROM dbo.do_not_call_lists WITH (TABLOCKX, HOLDLOCK);
"""
    ),
    loaded_list=Statement(
        """
SELECT exported_on, load_number, file_sha256, phones, loaded_at
FROM dbo.do_not_call_lists
WHERE list_name = CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2;
""",
        params=("list_name",),
    ),
    # The chunk's phones are distinct, so no two source rows meet one target row (8672).
    put_phones=Statement(
        """
DECLARE @list_name NVARCHAR(4000) = ?;
DECLARE @exported_on DATE = ?;
DECLARE @load_number INT = ?;
DECLARE @rows_json NVARCHAR(MAX) = ?;
MERGE dbo.suppressed_phones WITH (HOLDLOCK) AS t
USING (
    SELECT j.phone, COALESCE(j.listed_on, @exported_on) AS listed_on
    FROM OPENJSON(@rows_json) WITH (
        phone     VARCHAR(64) '$[0]',
        listed_on DATE        '$[1]'
    ) AS j
) AS s
ON t.phone = s.phone AND t.list_name = @list_name COLLATE Latin1_General_BIN2
WHEN MATCHED THEN
    UPDATE SET seen_in = @load_number
WHEN NOT MATCHED THEN
    INSERT (phone, list_name, listed_on, added_in, seen_in)
    VALUES (s.phone, @list_name, s.listed_on, @load_number, @load_number);
""",
        params=("list_name", "exported_on", "load_number", "rows_json"),
    ),
    tally=Statement(
        """
DECLARE @list_name NVARCHAR(4000) = ?;
DECLARE @load_number INT = ?;
SELECT COALESCE(SUM(CASE WHEN seen_in = @load_number THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN added_in = @load_number THEN 1 ELSE 0 END), 0),
       COALESCE(SUM(CASE WHEN seen_in < @load_number THEN 1 ELSE 0 END), 0)
FROM dbo.suppressed_phones
WHERE list_name = @list_name COLLATE Latin1_General_BIN2;
""",
        params=("list_name", "load_number"),
    ),
    suppress_contacts=Statement(
        """
INSERT INTO dbo.removal_log
    (customer_id, reason, version, list_name, list_exported_on, applied_at)
SELECT c.customer_id, 'do_not_call', c.version, CAST(? AS NVARCHAR(4000)),
       CAST(? AS DATE), CAST(? AS DATETIME2)
FROM dbo.contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM dbo.suppressed_phones AS s
      WHERE s.phone = c.phone
        AND s.list_name = CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
        AND s.added_in = ?
  )
  AND NOT EXISTS (
      SELECT 1 FROM dbo.suppressed_phones AS o
      WHERE o.phone = c.phone
        AND o.list_name <> CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
  );
""",
        params=("list_name", "exported_on", "now", "list_name", "load_number", "list_name"),
    ),
    count_restored=Statement(
        """
DECLARE @list_name NVARCHAR(4000) = ?;
DECLARE @load_number INT = ?;
SELECT COUNT(*)
FROM dbo.contact_state AS c
WHERE c.removed_at IS NULL
  AND EXISTS (
      SELECT 1 FROM dbo.suppressed_phones AS s
      WHERE s.phone = c.phone AND s.list_name = @list_name COLLATE Latin1_General_BIN2
        AND s.seen_in < @load_number
  )
  AND NOT EXISTS (
      SELECT 1 FROM dbo.suppressed_phones AS o
      WHERE o.phone = c.phone AND o.list_name <> @list_name COLLATE Latin1_General_BIN2
  );
""",
        params=("list_name", "load_number"),
    ),
    drop_unseen=Statement(
        """
DELETE FROM dbo.suppressed_phones
WHERE list_name = CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2 AND seen_in < ?;
""",
        params=("list_name", "load_number"),
    ),
    # UPDLOCK, HOLDLOCK: two first loads of one list cannot both find no row and insert it.
    insert_list=Statement(
        """
INSERT INTO dbo.do_not_call_lists
    (list_name, exported_on, load_number, file_sha256, phones, loaded_at)
SELECT CAST(? AS NVARCHAR(4000)), CAST(? AS DATE), ?, ?, ?, CAST(? AS DATETIME2)
WHERE NOT EXISTS (
    SELECT 1 FROM dbo.do_not_call_lists WITH (UPDLOCK, HOLDLOCK)
    WHERE list_name = CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2
);
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
UPDATE dbo.do_not_call_lists
SET exported_on = CAST(? AS DATE), load_number = ?, file_sha256 = ?, phones = ?,
    loaded_at = CAST(? AS DATETIME2)
WHERE list_name = CAST(? AS NVARCHAR(4000)) COLLATE Latin1_General_BIN2 AND load_number = ?;
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
FROM dbo.do_not_call_lists
ORDER BY list_name;
"""
    ),
)
