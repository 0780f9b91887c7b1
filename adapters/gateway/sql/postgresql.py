"""The gateway's statements on PostgreSQL.

As in adapters/payments/sql/postgresql.py: psycopg's %s placeholders are selected once into a
``params`` row and referred to by name; ids compare byte-wise in the "C" collation; INSERT ...
ON CONFLICT DO NOTHING is atomic per row, so of two requests claiming one id at once the second
waits for the first to commit, then keeps its row.
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
WITH params AS (SELECT %s::text AS account_id)
SELECT s.secret_id, s.account_id, s.created_at, s.revoked_at
FROM gateway_account_secrets AS s CROSS JOIN params AS p
WHERE p.account_id = '' OR s.account_id = p.account_id
ORDER BY s.account_id, s.created_at, s.secret_id
""",
        params=("account_id",),
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
WITH params AS (SELECT %s::text AS account_id, %s::text AS secret_id, %s::timestamptz AS now)
UPDATE gateway_account_secrets AS s SET revoked_at = p.now
FROM params AS p
WHERE s.account_id = p.account_id AND s.revoked_at IS NULL
  AND (p.secret_id = '' OR s.secret_id = p.secret_id)
""",
        params=("account_id", "secret_id", "now"),
    ),
    claim=Statement(
        """
INSERT INTO gateway_transactions
    (account_id, id, transaction_id, fingerprint, amount, card_brand, card_last_four,
     created_at)
VALUES (%s, %s, %s, %s, nullif(%s, '')::numeric(12, 2), nullif(%s, ''), nullif(%s, ''),
        %s::timestamptz)
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
WITH params AS (
    SELECT %s::text AS account_id, %s::timestamptz AS after_time, %s::text AS after_id,
           %s::integer AS page_size
), candidates AS (
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM params AS p
    JOIN gateway_transactions AS g ON g.account_id = p.account_id AND g.created_at >= p.after_time
    LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
    UNION
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM params AS p
    JOIN transactions AS t ON t.account_id = p.account_id AND t.created_at >= p.after_time
    JOIN gateway_transactions AS g ON g.transaction_id = t.id AND g.account_id = t.account_id
), positioned AS (
    SELECT c.*, greatest(c.created_at, c.decided_at) AS changed_at FROM candidates AS c
)
SELECT c.id, c.transaction_id, c.amount, c.card_brand, c.card_last_four, c.created_at,
       c.status, c.error_message, c.decided_at
FROM positioned AS c CROSS JOIN params AS p
WHERE c.changed_at > p.after_time
   OR (c.changed_at = p.after_time AND c.transaction_id > p.after_id COLLATE "C")
ORDER BY c.changed_at, c.transaction_id COLLATE "C"
LIMIT (SELECT page_size FROM params)
""",
        params=("account_id", "after_time", "after_id", "page_size"),
    ),
    totals=Statement(
        """
SELECT coalesce(t.status, 'pending'), count(*)
FROM gateway_transactions AS g
LEFT JOIN transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = %s
GROUP BY coalesce(t.status, 'pending')
""",
        params=("account_id",),
    ),
)
