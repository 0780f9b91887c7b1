"""The payment processor's statements per engine, and its store on a Bank 2 unit of work.

Like the customer projection's, each statement is sent once per batch whatever the batch size:
rows travel as one JSON text parameter that the engine expands into a table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PaymentSql:
    """The payment processor's statements in one dialect; parameters are positional, in order.

    Decision rows carry "" for an absent amount, error message, brand or last four, which the
    statement turns into NULL: some engines' JSON functions read a JSON null as the text 'null'
    (MySQL's JSON_EXTRACT, bug #85755), while "" reads the same everywhere.

    ``stored_outcomes`` returns each row's columns in the order of ``record_decisions``' rows,
    then ``decided_now`` (created at ``now``): the store checks, before the commit, that each
    decision it wrote is stored exactly as decided.
    """

    # (rows_json, now); rows: [id, account_id, amount text, status, error, brand, last four]
    record_decisions: str
    # (transaction_ids_json, now) -> rows of (the seven columns above, decided_now)
    stored_outcomes: str
