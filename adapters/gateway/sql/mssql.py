"""The gateway's statements on Azure SQL / SQL Server.

As in adapters/payments/sql/mssql.py: DECLARE prologues name the positional parameters in the
declared order, incoming ids are collated to Latin1_General_BIN2 before they are compared, and
MERGE ... WITH (HOLDLOCK) stops two requests claiming one new id at once from both inserting
it (the second waits, then finds the row and leaves it).
"""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.gateway.sql import GatewaySql

SQL = GatewaySql(
    add_secret=Statement(
        """
INSERT INTO dbo.gateway_account_secrets (secret_id, account_id, secret_hash, created_at)
VALUES (?, ?, ?, ?);
""",
        params=("secret_id", "account_id", "secret_hash", "created_at"),
    ),
    secrets=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
SELECT secret_id, account_id, created_at, revoked_at
FROM dbo.gateway_account_secrets
WHERE @account_id = N'' OR account_id = @account_id COLLATE Latin1_General_BIN2
ORDER BY account_id, created_at, secret_id;
""",
        params=("account_id",),
    ),
    active_digests=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
SELECT secret_hash FROM dbo.gateway_account_secrets
WHERE account_id = @account_id COLLATE Latin1_General_BIN2 AND revoked_at IS NULL;
""",
        params=("account_id",),
    ),
    revoke=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
DECLARE @secret_id VARCHAR(32) = ?;
DECLARE @now DATETIME2 = ?;
UPDATE dbo.gateway_account_secrets SET revoked_at = @now
WHERE account_id = @account_id COLLATE Latin1_General_BIN2 AND revoked_at IS NULL
  AND (@secret_id = '' OR secret_id = @secret_id COLLATE Latin1_General_BIN2);
""",
        params=("account_id", "secret_id", "now"),
    ),
    claim=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
DECLARE @id NVARCHAR(128) = ?;
DECLARE @transaction_id NVARCHAR(128) = ?;
DECLARE @fingerprint VARCHAR(64) = ?;
DECLARE @amount VARCHAR(32) = ?;
DECLARE @card_brand VARCHAR(12) = ?;
DECLARE @card_last_four VARCHAR(4) = ?;
DECLARE @now DATETIME2 = ?;
MERGE dbo.gateway_transactions WITH (HOLDLOCK) AS g
USING (SELECT @account_id COLLATE Latin1_General_BIN2 AS account_id,
              @id COLLATE Latin1_General_BIN2 AS id) AS s
ON g.account_id = s.account_id AND g.id = s.id
WHEN NOT MATCHED THEN
    INSERT (account_id, id, transaction_id, fingerprint, amount, card_brand, card_last_four,
            created_at)
    VALUES (s.account_id, s.id, @transaction_id, @fingerprint,
            CAST(NULLIF(@amount, '') AS DECIMAL(12, 2)), NULLIF(@card_brand, ''),
            NULLIF(@card_last_four, ''), @now);
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
DECLARE @account_id NVARCHAR(128) = ?;
DECLARE @id NVARCHAR(128) = ?;
SELECT transaction_id, fingerprint FROM dbo.gateway_transactions
WHERE account_id = @account_id COLLATE Latin1_General_BIN2
  AND id = @id COLLATE Latin1_General_BIN2;
""",
        params=("account_id", "id"),
    ),
    transaction=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
DECLARE @id NVARCHAR(128) = ?;
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
FROM dbo.gateway_transactions AS g
LEFT JOIN dbo.transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = @account_id COLLATE Latin1_General_BIN2
  AND g.id = @id COLLATE Latin1_General_BIN2;
""",
        params=("account_id", "id"),
    ),
    changes=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
DECLARE @after_time DATETIME2 = ?;
DECLARE @after_id NVARCHAR(128) = ?;
DECLARE @page_size INT = ?;
WITH candidates AS (
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM dbo.gateway_transactions AS g
    LEFT JOIN dbo.transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
    WHERE g.account_id = @account_id COLLATE Latin1_General_BIN2 AND g.created_at >= @after_time
    UNION
    SELECT g.id, g.transaction_id, g.amount, g.card_brand, g.card_last_four, g.created_at,
           t.status, t.error_message, t.created_at AS decided_at
    FROM dbo.transactions AS t
    JOIN dbo.gateway_transactions AS g
        ON g.transaction_id = t.id AND g.account_id = t.account_id
    WHERE t.account_id = @account_id COLLATE Latin1_General_BIN2 AND t.created_at >= @after_time
), positioned AS (
    SELECT c.*,
           CASE WHEN c.decided_at > c.created_at THEN c.decided_at ELSE c.created_at END
               AS changed_at
    FROM candidates AS c
)
SELECT TOP (@page_size) id, transaction_id, amount, card_brand, card_last_four, created_at,
       status, error_message, decided_at
FROM positioned
WHERE changed_at > @after_time
   OR (changed_at = @after_time AND transaction_id > @after_id COLLATE Latin1_General_BIN2)
ORDER BY changed_at, transaction_id;
""",
        params=("account_id", "after_time", "after_id", "page_size"),
    ),
    totals=Statement(
        """
DECLARE @account_id NVARCHAR(128) = ?;
SELECT COALESCE(t.status, 'pending'), COUNT(*)
FROM dbo.gateway_transactions AS g
LEFT JOIN dbo.transactions AS t ON t.id = g.transaction_id AND t.account_id = g.account_id
WHERE g.account_id = @account_id COLLATE Latin1_General_BIN2
GROUP BY COALESCE(t.status, 'pending');
""",
        params=("account_id",),
    ),
)
