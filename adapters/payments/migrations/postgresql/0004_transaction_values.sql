-- Bank 2 schema, version 4 (PostgreSQL): a transaction's amount may be absent, and is never
-- negative (README, "The payment processor"). Applied in one transaction with its record.
-- A transaction whose amount is no amount of money ("10,50", 1e3, a fraction of a cent) is now
-- answered, rejected with "invalid amount", and has no amount to keep: amount is NULL. A
-- negative amount is rejected as below 1.00, and is not kept either: money is never negative.
-- Rows stored before with a negative amount lose it; their outcome stays as it was.
--
-- Widths need no change here: varchar(64) counts characters, as the decoder does.
ALTER TABLE transactions ALTER COLUMN amount DROP NOT NULL;
UPDATE transactions SET amount = NULL WHERE amount < 0;
ALTER TABLE transactions ADD CONSTRAINT transactions_amount CHECK (
    (amount IS NULL AND status = 'rejected') OR (amount IS NOT NULL AND amount >= 0)
);
