-- Bank 2 schema, version 4 (SQLite): a transaction's amount may be absent, and is never negative
-- (README, "The payment processor").
-- A transaction whose amount is no amount of money ("10,50", 1e3, a fraction of a cent) is now
-- answered, rejected with "invalid amount", and has no amount to keep: amount is NULL. A
-- negative amount is rejected as below 1.00, and is not kept either: money is never negative.
-- Rows stored before with a negative amount lose it; their outcome stays as it was.
--
-- SQLite cannot change a column or add a CHECK in place: the table is rebuilt under the same
-- name, columns and rules, in the migration's transaction (SQLite's documented procedure).
CREATE TABLE transactions_0004 (
    id             TEXT NOT NULL PRIMARY KEY,
    account_id     TEXT NOT NULL,
    amount         TEXT,
    status         TEXT NOT NULL,
    error_message  TEXT,
    card_brand     TEXT,
    card_last_four TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CHECK (status IN ('approved', 'rejected')),
    CHECK (
        (status = 'approved' AND error_message IS NULL)
        OR (status = 'rejected' AND error_message IS NOT NULL)
    ),
    CHECK (
        (card_brand IS NULL AND card_last_four IS NULL)
        OR (card_brand IS NOT NULL AND length(card_last_four) = 4)
    ),
    CHECK (
        (amount IS NULL AND status = 'rejected')
        OR (amount IS NOT NULL AND amount NOT LIKE '-%')
    )
);
INSERT INTO transactions_0004
    (id, account_id, amount, status, error_message, card_brand, card_last_four,
     created_at, updated_at)
SELECT id, account_id, CASE WHEN amount LIKE '-%' THEN NULL ELSE amount END, status,
       error_message, card_brand, card_last_four, created_at, updated_at
FROM transactions;
DROP TABLE transactions;
ALTER TABLE transactions_0004 RENAME TO transactions;
