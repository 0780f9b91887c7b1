"""The customer projection's statements on SQLite (json_each)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from adapters.customers.sql import ProjectionSql
from adapters.engines.engine import Statement

# SQLite's JSON functions expand the batch's single JSON parameter into rows. ``WHERE true`` is
# required before ON CONFLICT when the rows come from a SELECT (SQLite's parsing ambiguity).
# This is the form for SQLite before 3.35, which has no RETURNING: the versions are read first.
PROBING_SQL = ProjectionSql(
    applied_offsets=Statement(
        """
        SELECT topic, kafka_partition, last_offset
        FROM consumer_offsets WHERE consumer_group = ?1
    """,
        params=("consumer_group",),
    ),
    stored_versions=Statement(
        """
        SELECT customer_id, version FROM contact_state
        WHERE customer_id IN (SELECT value FROM json_each(?1))
    """,
        params=("customer_ids_json",),
    ),
    # BEGIN IMMEDIATE already holds the database's write lock: the rows stay as read.
    held_contacts=Statement(
        """
        SELECT customer_id, version, name, phone, region, region_from_state,
               removed_at IS NOT NULL
        FROM contact_state
        WHERE customer_id IN (SELECT value FROM json_each(?1))
    """,
        params=("customer_ids_json",),
    ),
    write_contacts=Statement(
        """
        INSERT INTO contact_state
            (customer_id, version, name, phone, region, region_from_state, removed_at,
             updated_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), json_extract(value, '$[3]'),
               json_extract(value, '$[4]'), json_extract(value, '$[6]'),
               CASE WHEN json_extract(value, '$[5]') = 1 THEN ?2 END, ?2
        FROM json_each(?1) WHERE true
        ON CONFLICT (customer_id) DO UPDATE SET
            version = excluded.version, name = excluded.name, phone = excluded.phone,
            region = excluded.region, region_from_state = excluded.region_from_state,
            removed_at = excluded.removed_at, updated_at = excluded.updated_at
        WHERE excluded.version > contact_state.version
    """,
        params=("rows_json", "now"),
    ),
    advance_offsets=Statement(
        """
        INSERT INTO consumer_offsets
            (consumer_group, topic, kafka_partition, last_offset, updated_at)
        SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), ?3
        FROM json_each(?2) WHERE true
        ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE SET
            last_offset = max(last_offset, excluded.last_offset), updated_at = excluded.updated_at
    """,
        params=("consumer_group", "rows_json", "now"),
    ),
    purge_removal_markers=Statement(
        """
        DELETE FROM contact_state WHERE removed_at IS NOT NULL AND removed_at < ?1
    """,
        params=("removed_before",),
    ),
    # Through the primary key, then suppressed_phones' (phone first) for each contact.
    suppressed_among=Statement(
        """
        SELECT c.customer_id FROM contact_state AS c
        WHERE c.customer_id IN (SELECT value FROM json_each(?1))
          AND c.removed_at IS NULL
          AND EXISTS (SELECT 1 FROM suppressed_phones AS s WHERE s.phone = c.phone)
    """,
        params=("customer_ids_json",),
    ),
    log_removals=Statement(
        """
        INSERT INTO removal_log
            (customer_id, reason, version, topic, kafka_partition, kafka_offset, applied_at)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), json_extract(value, '$[3]'),
               json_extract(value, '$[4]'), json_extract(value, '$[5]'), ?2
        FROM json_each(?1)
    """,
        params=("rows_json", "now"),
    ),
    record_subjects=Statement(
        """
        INSERT INTO rejected_message_subjects (topic, kafka_partition, kafka_offset, customer_id)
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
               json_extract(value, '$[2]'), json_extract(value, '$[3]')
        FROM json_each(?1) WHERE true
        ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
    """,
        params=("rows_json",),
    ),
)

# From SQLite 3.35, the upsert returns the rows it inserted or updated (not those its WHERE
# skipped), so a batch needs no read of the stored versions first; and each row returned says
# whether a do-not-call list holds its contact's phone, so no statement asks that afterwards
# (a primary-key probe of suppressed_phones, which is keyed phone first, per row written). A
# removal marker has no phone (the table's CHECK), so it never matches. RETURNING may hold
# subqueries from 3.35 on (sqlite.org/lang_returning.html, "Limitations And Caveats"); tests run the
# fold on the SQLite they find (3.40.1 here). Do not add a ``removed_at IS NULL`` test: in this
# RETURNING clause SQLite 3.40.1 evaluates it to 0 for a row whose removed_at is NULL
# (observed; the contract suite's do-not-call tests catch it).
RETURNING_SQL = replace(
    PROBING_SQL,
    write_contacts=Statement(
        PROBING_SQL.write_contacts.sql.rstrip()  # noqa: S608 - constant text, no value in it
        + """
        RETURNING customer_id, EXISTS (
            SELECT 1 FROM suppressed_phones AS s WHERE s.phone = contact_state.phone)
""",
        params=PROBING_SQL.write_contacts.params,
    ),
    stored_versions=None,
    suppressed_among=None,
)
_RETURNING_FROM = (3, 35, 4)  # RETURNING came in 3.35.0; 3.35.4 fixed a defect in it
SQL = RETURNING_SQL if sqlite3.sqlite_version_info >= _RETURNING_FROM else PROBING_SQL
