"""The payment processor's statements on SQLite (json_each)."""

from __future__ import annotations

from adapters.engines.engine import Statement
from adapters.payments.sql import PaymentSql

# DO NOTHING keeps what is stored, and of two rows for one id in the batch the first (in array
# order, json_each's key): the first outcome wins. ``WHERE true`` is required before ON
# CONFLICT when the rows come from a SELECT (SQLite's parsing ambiguity).
SQL = PaymentSql(
    record_decisions=Statement(
        """
        INSERT INTO transactions
            (id, account_id, amount, status, error_message, card_brand, card_last_four,
             created_at, updated_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               nullif(json_extract(value, '$[2]'), ''), json_extract(value, '$[3]'),
               nullif(json_extract(value, '$[4]'), ''), nullif(json_extract(value, '$[5]'), ''),
               nullif(json_extract(value, '$[6]'), ''), ?2, ?2
        FROM json_each(?1) WHERE true
        ORDER BY key
        ON CONFLICT (id) DO NOTHING
    """,
        params=("rows_json", "now"),
    ),
    stored_outcomes=Statement(
        """
        SELECT id, account_id, amount, status, error_message, card_brand, card_last_four,
               created_at = ?2
        FROM transactions
        WHERE id IN (SELECT value FROM json_each(?1))
    """,
        params=("transaction_ids_json", "now"),
    ),
)
