"""The payment processor's statements on MySQL 8 / MariaDB (JSON_TABLE).

The notes in adapters/bank2/mysql.py hold here too: PyMySQL's %s markers each appear once, in
the documented order; JSON_TABLE's text columns are wider than the table's, so a value too long
fails loudly in strict mode; identifiers are read as utf8mb4_bin to compare as stored.
"""

from __future__ import annotations

from adapters.bank2.payments import PaymentSql

SQL = PaymentSql(
    # Rows are inserted one by one in the SELECT's order: of two rows for one id the first is
    # inserted and the second meets its key. The no-op update then keeps the stored row, as
    # it does for a row an earlier batch stored (not INSERT IGNORE, which would also turn real
    # errors into warnings). Key order makes concurrent writers lock ids in the same order.
    record_decisions="""
INSERT INTO transactions
    (id, account_id, amount, status, error_message, card_brand, card_last_four,
     created_at, updated_at)
SELECT j.id, j.account_id, CAST(j.amount AS DECIMAL(12, 2)), j.status,
       NULLIF(j.error_message, ''), NULLIF(j.card_brand, ''), NULLIF(j.card_last_four, ''),
       p.now_utc, p.now_utc
FROM JSON_TABLE(%s, '$[*]' COLUMNS (
         batch_position FOR ORDINALITY,
         id             VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[0]',
         account_id     VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[1]',
         amount         VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[2]',
         status         VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[3]',
         error_message  VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[4]',
         card_brand     VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[5]',
         card_last_four VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$[6]'
     )) AS j
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
ORDER BY j.id, j.batch_position
ON DUPLICATE KEY UPDATE transactions.id = transactions.id
""",
    stored_outcomes="""
SELECT t.id, t.status, t.error_message, t.created_at = p.now_utc
FROM (
    SELECT DISTINCT j.id
    FROM JSON_TABLE(%s, '$[*]' COLUMNS (
        id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$'
    )) AS j
) AS wanted
JOIN transactions AS t ON t.id = wanted.id
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
""",
)
