-- Bank 2 schema, version 4 (MySQL 8.0.16+ / MariaDB 10.6+): a transaction's amount may be
-- absent, and is never negative (README, "The payment processor").
-- A transaction whose amount is no amount of money ("10,50", 1e3, a fraction of a cent) is now
-- answered, rejected with "invalid amount", and has no amount to keep: amount is NULL. A
-- negative amount is rejected as below 1.00, and is not kept either: money is never negative.
-- Rows stored before with a negative amount lose it; their outcome stays as it was.
--
-- Widths need no change here: VARCHAR(64) in utf8mb4 counts characters, as the decoder does.
--
-- DDL commits implicitly, so every statement is re-runnable: MODIFY and the UPDATE are, and
-- MySQL 8 has no ADD CONSTRAINT IF NOT EXISTS (MariaDB has), so that statement is chosen from
-- information_schema and prepared. Applied by hand as the schema owner, record it afterwards:
--     INSERT INTO schema_migrations (version, name, applied_at)
--     VALUES (4, '0004_transaction_values', UTC_TIMESTAMP(6));
ALTER TABLE transactions MODIFY amount DECIMAL(12,2) NULL;
UPDATE transactions SET amount = NULL WHERE amount < 0;
SET @bank2_add_transactions_amount = (
    SELECT IF(
        COUNT(*) = 0,
        'ALTER TABLE transactions ADD CONSTRAINT transactions_amount CHECK ((amount IS NULL AND status = ''rejected'') OR (amount IS NOT NULL AND amount >= 0))',
        'DO 0'
    )
    FROM information_schema.TABLE_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'transactions'
      AND CONSTRAINT_NAME = 'transactions_amount'
);
PREPARE bank2_add_transactions_amount FROM @bank2_add_transactions_amount;
EXECUTE bank2_add_transactions_amount;
DEALLOCATE PREPARE bank2_add_transactions_amount;
