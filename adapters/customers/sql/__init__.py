"""The customer projection's statements, one module per engine (``<engine>.py``, its ``SQL``).

Each statement is sent once per batch whatever the batch size: rows travel as one JSON text
parameter that the engine expands into a table. Each declares its parameters by name, in the
order its SQL binds them; the store passes them by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.engines.engine import Statement, engine_statements


@dataclass(frozen=True, slots=True)
class ProjectionSql:
    """The statements of the customer projection in one dialect."""

    # -> rows of (topic, kafka_partition, last_offset)
    applied_offsets: Statement
    # -> rows of (customer_id, version, name, phone, region, region_from_state, removed),
    # locked until the transaction ends.
    held_contacts: Statement
    # Rows are [id, version, name, phone, region, removed, region_from_state]. Where
    # stored_versions is None, the upsert returns each row it inserted or updated (RETURNING):
    # (customer_id,), or (customer_id, suppressed) where suppressed_among is None.
    write_contacts: Statement
    # None where write_contacts returns the ids it wrote. Otherwise the stored versions are
    # read first, and only the newer changes are sent (then they are the ones written).
    # -> rows of (customer_id, version)
    stored_versions: Statement | None
    # Each row is [topic, partition, offset].
    advance_offsets: Statement
    purge_removal_markers: Statement
    # -> rows of (customer_id,): those of the ids whose current contact has a phone that a
    # do-not-call list holds (suppressed_phones). None where the upsert's RETURNING already
    # says it of each row it wrote, in its second column: one statement less per batch.
    suppressed_among: Statement | None
    # Each row is [customer_id, reason, version, topic, partition, offset]; only ever inserted
    # (the functions may only INSERT into removal_log).
    log_removals: Statement
    # Each row is [topic, partition, offset, customer_id]; recording one twice keeps the first.
    record_subjects: Statement

    def __post_init__(self) -> None:
        # An upsert that returns nothing cannot say which of its rows a list holds either.
        if self.stored_versions is not None and self.suppressed_among is None:
            raise ValueError("an engine that reads stored versions must ask suppressed_among")


# The parameters each statement takes, whatever the engine; each engine's declaration binds
# them in its own order (tests/customers/store/test_statement_declarations.py checks both).
PARAMETERS: dict[str, frozenset[str]] = {
    "applied_offsets": frozenset({"consumer_group"}),
    "held_contacts": frozenset({"customer_ids_json"}),
    "write_contacts": frozenset({"rows_json", "now"}),
    "stored_versions": frozenset({"customer_ids_json"}),
    "advance_offsets": frozenset({"consumer_group", "rows_json", "now"}),
    "purge_removal_markers": frozenset({"removed_before"}),
    "suppressed_among": frozenset({"customer_ids_json"}),
    "log_removals": frozenset({"rows_json", "now"}),
    "record_subjects": frozenset({"rows_json"}),
}


def projection_sql(engine: str) -> ProjectionSql:
    """The customer projection's statements for the engine of this name (``Engine.name``),
    imported when first needed: a function on SQLite never loads the others."""
    sql: ProjectionSql = engine_statements(f"{__name__}.{engine}", engine, "customer projection")
    return sql
