"""The gateway's statements on SQLite. Times are ISO 8601 text in UTC (``SqliteEngine.timestamp``),
so text order is time order."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.gateway.sql import GatewaySql

SQL = GatewaySql(
    add_secret=Statement(
        """
INSERT INTO gateway_account_secrets (secret_id, account_id, secret_hash, created_at)
VALUES (?1, ?2, ?3, ?4)
""",
        params=("secret_id", "account_id", "secret_hash", "created_at"),
    ),
    secrets=Statement(
        """
SELECT secret_id, account_id, created_at, revoked_at
FROM gateway_account_secrets
WHERE ?1 = '' OR account_id = ?1
ORDER BY account_id, created_at, secret_id
""",
        params=("account_id",),
    ),
    active_digests=Statement(
        """
SELECT secret_hash FROM gateway_account_secrets
WHERE account_id = ?1 AND revoked_at IS NULL
""",
        params=("account_id",),
    ),
    revoke=Statement(
        """
UPDATE gateway_account_secrets SET revoked_at = ?3
WHERE account_id = ?1 AND revoked_at IS NULL AND (?2 = '' OR secret_id = ?2)
""",
        params=("account_id", "secret_id", "now"),
    ),
    claim=Statement(
        """
INSERT INTO gateway_transactions
    (account_id, id, transaction_id, fingerprint, amount, card_brand, card_last_four,
     created_at)
VALUES (?1, ?2, ?3, ?4, nullif(?5, ''), nullif(?6, ''), nullif(?7, ''), ?8)
ON CONFLICT (account_id, id) DO NOTHING
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
SELECT transaction_id, fingerprint FROM gateway_transactions WHERE account_id = ?1 AND id = ?2
""",
        params=("account_id", "id"),
    ),
    transaction=Statement(
        """
SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
FROM gateway_transactions AS g
LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = ?1 AND g.id = ?2
""",
        params=("account_id", "id"),
    ),
    # Two index ranges, the account's submissions and its decisions since the position's time,
    # then the position's order: changed_at (the later of the two times), transaction_id.
    changes=Statement(
        """
WITH candidates AS (
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM gateway_transactions AS g
    LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
    WHERE g.account_id = ?1 AND g.created_at >= ?2
    UNION
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM transactions AS t
    JOIN gateway_transactions AS g ON g.transaction_id = t.id AND g.account_id = t.account_id
    WHERE t.account_id = ?1 AND t.created_at >= ?2
), positioned AS (
    SELECT *, CASE WHEN decided_at > created_at THEN decided_at ELSE created_at END AS changed_at
    FROM candidates
)
SELECT id, transaction_id, amount, card_brand, card_last_four, created_at, status,
       error_message, decided_at
FROM positioned
WHERE changed_at > ?2 OR (changed_at = ?2 AND transaction_id > ?3)
ORDER BY changed_at, transaction_id
LIMIT ?4
""",
        params=("account_id", "after_time", "after_id", "page_size"),
    ),
    totals=Statement(
        """
SELECT coalesce(t.status, 'pending'), count(*)
FROM gateway_transactions AS g
LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = ?1
GROUP BY coalesce(t.status, 'pending')
""",
        params=("account_id",),
    ),
)
