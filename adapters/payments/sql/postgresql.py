"""The payment processor's statements on PostgreSQL (jsonb_array_elements).

The notes in adapters/customers/sql/postgresql.py hold here too: psycopg's %s placeholders are
selected once into a ``params`` row; ids compare byte-wise in the "C" collation; INSERT ... ON
CONFLICT is atomic per row under READ COMMITTED, so of two instances deciding one transaction the
second waits for the first to commit, then keeps its row.
"""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.payments.sql import PaymentSql

SQL = PaymentSql(
    # DISTINCT ON keeps each id's first row in the batch; rows go in key order so that two
    # writers lock shared ids in the same order.
    record_decisions=Statement(
        """
WITH params AS (
    SELECT %s::jsonb AS rows_json, %s::timestamptz AS now
), incoming AS (
    SELECT r.item ->> 0 AS id, r.item ->> 1 AS account_id,
           nullif(r.item ->> 2, '')::numeric(12, 2) AS amount, r.item ->> 3 AS status,
           nullif(r.item ->> 4, '') AS error_message, nullif(r.item ->> 5, '') AS card_brand,
           nullif(r.item ->> 6, '') AS card_last_four, r.batch_position
    FROM params AS p
    CROSS JOIN LATERAL jsonb_array_elements(p.rows_json) WITH ORDINALITY
        AS r (item, batch_position)
), first_per_id AS (
    SELECT DISTINCT ON (id COLLATE "C") *
    FROM incoming
    ORDER BY id COLLATE "C", batch_position
)
INSERT INTO transactions
    (id, account_id, amount, status, error_message, card_brand, card_last_four,
     created_at, updated_at)
SELECT f.id, f.account_id, f.amount, f.status, f.error_message, f.card_brand,
       f.card_last_four, p.now, p.now
FROM first_per_id AS f CROSS JOIN params AS p
ORDER BY f.id COLLATE "C"
ON CONFLICT (id) DO NOTHING
""",
        params=("rows_json", "now"),
    ),
    stored_outcomes=Statement(
        """
WITH params AS (
    SELECT %s::jsonb AS ids_json, %s::timestamptz AS now
)
SELECT t.id, t.account_id, t.amount, t.status, t.error_message, t.card_brand,
       t.card_last_four, t.created_at = p.now
FROM transactions AS t CROSS JOIN params AS p
WHERE t.id IN (SELECT jsonb_array_elements_text(p.ids_json))
""",
        params=("transaction_ids_json", "now"),
    ),
)
