"""The payment processor's statements on MySQL 8 / MariaDB (JSON_TABLE).

The notes in adapters/customers/sql/mysql.py hold here too: PyMySQL's %s markers each appear
once, in the declared order; identifiers are read as utf8mb4_bin to compare as stored.
"""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.payments.sql import PaymentSql

SQL = PaymentSql(
    # INSERT IGNORE, so that the function's login needs no UPDATE on transactions: a stored
    # outcome stays the only one because the database refuses to change it, not only because
    # the code never asks. (INSERT ... ON DUPLICATE KEY UPDATE id = id, used before, needs UPDATE
    # on every inserted column on MariaDB, so that login could also rewrite any outcome.)
    # IGNORE skips a row whose id is stored, as wanted, but would also store a value too long
    # cut short, an amount out of range clipped, or skip a row that fails a CHECK, each with a
    # mere warning: the store reads every decision back before the commit and fails the unit of
    # work if one is not stored exactly as decided (adapters/payments/store.py).
    # Rows are inserted one by one in the SELECT's order: of two rows for one id the first is
    # inserted and the second meets its key. Key order makes concurrent writers lock ids in
    # the same order.
    record_decisions=Statement(
        """
INSERT IGNORE INTO transactions
    (id, account_id, amount, status, error_message, card_brand, card_last_four,
     created_at, updated_at)
SELECT j.id, j.account_id, CAST(NULLIF(j.amount, '') AS DECIMAL(12, 2)), j.status,
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
""",
        params=("rows_json", "now"),
    ),
    stored_outcomes=Statement(
        """
SELECT t.id, t.account_id, t.amount, t.status, t.error_message, t.card_brand, t.card_last_four,
       t.created_at = p.now_utc
FROM (
    SELECT DISTINCT j.id
    FROM JSON_TABLE(%s, '$[*]' COLUMNS (
        id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PATH '$'
    )) AS j
) AS wanted
JOIN transactions AS t ON t.id = wanted.id
CROSS JOIN (SELECT CAST(%s AS DATETIME(6)) AS now_utc) AS p
""",
        params=("transaction_ids_json", "now"),
    ),
)
