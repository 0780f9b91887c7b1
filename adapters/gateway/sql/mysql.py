"""The gateway's statements on MySQL 8 / MariaDB.

PyMySQL's %s markers are filled in the order the statement declares its parameters, a name
repeated where the SQL uses it twice. Ids are utf8mb4_bin columns: exact comparisons.
"""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.gateway.sql import GatewaySql

SQL = GatewaySql(
    add_secret=Statement(
        """
INSERT INTO gateway_account_secrets (secret_id, account_id, secret_hash, created_at)
VALUES (%s, %s, %s, %s)
""",
        params=("secret_id", "account_id", "secret_hash", "created_at"),
    ),
    secrets=Statement(
        """
SELECT secret_id, account_id, created_at, revoked_at
FROM gateway_account_secrets
WHERE %s = '' OR account_id = %s
ORDER BY account_id, created_at, secret_id
""",
        params=("account_id", "account_id"),
    ),
    active_digests=Statement(
        """
SELECT secret_hash FROM gateway_account_secrets
WHERE account_id = %s AND revoked_at IS NULL
""",
        params=("account_id",),
    ),
    revoke=Statement(
        """
UPDATE gateway_account_secrets SET revoked_at = %s
WHERE account_id = %s AND revoked_at IS NULL AND (%s = '' OR secret_id = %s)
""",
        params=("now", "account_id", "secret_id", "secret_id"),
    ),
    # INSERT IGNORE, so that the login needs no UPDATE (as for transactions, see
    # adapters/payments/sql/mysql.py). IGNORE would also turn a value too long into a warning:
    # the intake only sends values that fit (ids of 1-64 characters, a 64-digit fingerprint,
    # an amount within DECIMAL(12,2)), and the store compares the claim it reads back.
    claim=Statement(
        """
INSERT IGNORE INTO gateway_transactions
    (account_id, id, transaction_id, fingerprint, amount, card_brand, card_last_four,
     created_at)
VALUES (%s, %s, %s, %s, CAST(NULLIF(%s, '') AS DECIMAL(12, 2)), NULLIF(%s, ''),
        NULLIF(%s, ''), %s)
""",
        params=(
            "account_id",
            "id",
            "transaction_id",
            "fingerprint",
            "amount",
            "card_brand",
            "card_last_four",
            "now",
        ),
    ),
    claimed=Statement(
        """
SELECT transaction_id, fingerprint FROM gateway_transactions WHERE account_id = %s AND id = %s
""",
        params=("account_id", "id"),
    ),
    transaction=Statement(
        """
SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
FROM gateway_transactions AS g
LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = %s AND g.id = %s
""",
        params=("account_id", "id"),
    ),
    changes=Statement(
        """
SELECT c.id, c.transaction_id, c.amount, c.card_brand, c.card_last_four, c.created_at,
       c.status, c.error_message, c.decided_at
FROM (
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM gateway_transactions AS g
    LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
    WHERE g.account_id = %s AND g.created_at >= %s
    UNION
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM transactions AS t
    JOIN gateway_transactions AS g ON g.transaction_id = t.id AND g.account_id = t.account_id
    WHERE t.account_id = %s AND t.created_at >= %s
) AS c
WHERE CASE WHEN c.decided_at > c.created_at THEN c.decided_at ELSE c.created_at END > %s
   OR (CASE WHEN c.decided_at > c.created_at THEN c.decided_at ELSE c.created_at END = %s
       AND c.transaction_id > %s)
ORDER BY CASE WHEN c.decided_at > c.created_at THEN c.decided_at ELSE c.created_at END,
         c.transaction_id
LIMIT %s
""",
        params=(
            "account_id",
            "after_time",
            "account_id",
            "after_time",
            "after_time",
            "after_time",
            "after_id",
            "page_size",
        ),
    ),
    totals=Statement(
        """
SELECT COALESCE(t.status, 'pending'), COUNT(*)
FROM gateway_transactions AS g
LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = %s
GROUP BY COALESCE(t.status, 'pending')
""",
        params=("account_id",),
    ),
)
