"""The payment processor's statements, one module per engine (``<engine>.py``, its ``SQL``).

Like the customer projection's, each statement is sent once per batch whatever the batch size:
rows travel as one JSON text parameter that the engine expands into a table. Each declares its
parameters by name, in the order its SQL binds them; the store passes them by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.engines.engine import Statement, engine_statements


@dataclass(frozen=True, slots=True)
class PaymentSql:
    """The payment processor's statements in one dialect.

    Decision rows carry "" for an absent amount, error message, brand or last four, which the
    statement turns into NULL: some engines' JSON functions read a JSON null as the text 'null'
    (MySQL's JSON_EXTRACT, bug #85755), while "" reads the same everywhere.

    ``stored_outcomes`` returns each row's columns in the order of ``record_decisions``' rows,
    then ``decided_now`` (created at ``now``): the store checks, before the commit, that each
    decision it wrote is stored exactly as decided.
    """

    # Each row is [id, account_id, amount text, status, error, brand, last four].
    record_decisions: Statement
    # -> rows of (the seven columns above, decided_now)
    stored_outcomes: Statement


# The parameters each statement takes, whatever the engine; each engine's declaration binds
# them in its own order.
PARAMETERS: dict[str, frozenset[str]] = {
    "record_decisions": frozenset({"rows_json", "now"}),
    "stored_outcomes": frozenset({"transaction_ids_json", "now"}),
}


def payment_sql(engine: str) -> PaymentSql:
    """The payment processor's statements for the engine of this name (``Engine.name``),
    imported when first needed."""
    sql: PaymentSql = engine_statements(f"{__name__}.{engine}", engine, "payment")
    return sql
