-- Bank 2 schema, version 3 (MySQL 8 / MariaDB): where each contact's region came from.
-- region_from_state is 1 when the region is the customer's state's, 0 when it is the phone's area
-- code's, NULL where it is not known (contacts stored before this version, and removal markers).
-- A later change that leaves the state out (Debezium's unavailable-value placeholder) needs it
-- to know whether a new phone moves the region. It is not personal data, and telesales do not
-- see it: the telesales_contacts view names its columns.
--
-- DDL commits implicitly here, so the script must be re-runnable: MySQL 8 has no ADD COLUMN IF
-- NOT EXISTS (MariaDB has), so the statement is chosen from information_schema and prepared.
-- Applied by hand as the schema owner, record it afterwards:
--     INSERT INTO schema_migrations (version, name, applied_at)
--     VALUES (3, '0003_region_source', UTC_TIMESTAMP(6));
SET @bank2_add_region_from_state = (
    SELECT IF(
        COUNT(*) = 0,
        'ALTER TABLE contact_state ADD COLUMN region_from_state BOOLEAN NULL',
        'DO 0'
    )
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'contact_state'
      AND COLUMN_NAME = 'region_from_state'
);
PREPARE bank2_add_region_from_state FROM @bank2_add_region_from_state;
EXECUTE bank2_add_region_from_state;
DEALLOCATE PREPARE bank2_add_region_from_state;
