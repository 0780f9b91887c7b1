"""The payment processor's statements on Azure SQL / SQL Server (OPENJSON, MERGE).

The notes in adapters/customers/sql/mssql.py hold here too: DECLARE prologues name the positional
parameters in the declared order; incoming ids are collated to Latin1_General_BIN2 before
they are compared; MERGE ... WITH (HOLDLOCK) stops two instances that decide one new transaction
at once from both inserting it (the second waits, then finds the row and leaves it); MERGE
fails if two source rows hit one target row, so each id's first row is kept beforehand.
"""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.payments.sql import PaymentSql

SQL = PaymentSql(
    record_decisions=Statement(
        """
DECLARE @rows_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
WITH incoming AS (
    SELECT JSON_VALUE(r.[value], '$[0]') COLLATE Latin1_General_BIN2 AS id,
           JSON_VALUE(r.[value], '$[1]') COLLATE Latin1_General_BIN2 AS account_id,
           CAST(NULLIF(JSON_VALUE(r.[value], '$[2]'), '') AS DECIMAL(12, 2)) AS amount,
           JSON_VALUE(r.[value], '$[3]') AS status,
           NULLIF(JSON_VALUE(r.[value], '$[4]'), '') AS error_message,
           NULLIF(JSON_VALUE(r.[value], '$[5]'), '') AS card_brand,
           NULLIF(JSON_VALUE(r.[value], '$[6]'), '') AS card_last_four,
           CAST(r.[key] AS INT) AS batch_position
    FROM OPENJSON(@rows_json) AS r
), ranked AS (
    SELECT id, account_id, amount, status, error_message, card_brand, card_last_four,
           ROW_NUMBER() OVER (PARTITION BY id ORDER BY batch_position) AS rank_in_batch
    FROM incoming
)
MERGE dbo.transactions WITH (HOLDLOCK) AS t
USING (
    SELECT id, account_id, amount, status, error_message, card_brand, card_last_four
    FROM ranked
    WHERE rank_in_batch = 1
) AS s
ON t.id = s.id
WHEN NOT MATCHED THEN
    INSERT (id, account_id, amount, status, error_message, card_brand, card_last_four,
            created_at, updated_at)
    VALUES (s.id, s.account_id, s.amount, s.status, s.error_message, s.card_brand,
            s.card_last_four, @now, @now);
""",
        params=("rows_json", "now"),
    ),
    stored_outcomes=Statement(
        """
DECLARE @transaction_ids_json NVARCHAR(MAX) = ?;
DECLARE @now DATETIME2 = ?;
SELECT id, account_id, amount, status, error_message, card_brand, card_last_four,
       CASE WHEN created_at = @now THEN 1 ELSE 0 END AS decided_now
FROM dbo.transactions
WHERE id IN (
    SELECT j.[value] COLLATE Latin1_General_BIN2
    FROM OPENJSON(@transaction_ids_json) AS j
);
""",
        params=("transaction_ids_json", "now"),
    ),
)
