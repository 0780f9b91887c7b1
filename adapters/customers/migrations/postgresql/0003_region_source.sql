-- Bank 2 schema, version 3 (PostgreSQL): where each contact's region came from.
-- region_from_state is true when the region is the customer's state's, false when it is the
-- phone's area code's, NULL where it is not known (contacts stored before this version, and
-- removal markers). A later change that leaves the state out (Debezium's unavailable-value
-- placeholder) needs it to know whether a new phone moves the region. It is not personal data,
-- and telesales do not see it: the telesales_contacts view names its columns.
-- Adding a nullable column without a default rewrites nothing: it is instant on a large table.
ALTER TABLE contact_state ADD COLUMN region_from_state boolean;
