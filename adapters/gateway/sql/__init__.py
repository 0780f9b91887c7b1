"""The gateway's statements, one module per engine (``<engine>.py``, its ``SQL``).

Each statement is one round trip and names its parameters in the order its SQL binds them. The
transaction columns every read returns, in this order (``TRANSACTION_COLUMNS``): the account's
id, the gateway's transaction id, amount, card brand, card last four, submitted at, then the
processor's status, error message and decision time (NULL while pending).
"""

from __future__ import annotations

from dataclasses import dataclass

from adapters.engines.engine import Statement, engine_statements

TRANSACTION_COLUMNS = (
    "id",
    "transaction_id",
    "amount",
    "card_brand",
    "card_last_four",
    "created_at",
    "status",
    "error_message",
    "decided_at",
)


@dataclass(frozen=True, slots=True)
class GatewaySql:
    add_secret: Statement  # secret_id, account_id, secret_hash, created_at
    # -> rows of (secret_id, account_id, created_at, revoked_at); account_id "" for every account
    secrets: Statement
    active_digests: Statement  # -> rows of (secret_hash)
    revoke: Statement  # secret_id "" for every active secret of the account
    claim: Statement  # insert unless (account_id, id) is stored
    claimed: Statement  # -> one row (transaction_id, fingerprint)
    transaction: Statement  # -> one row of TRANSACTION_COLUMNS
    # -> rows of TRANSACTION_COLUMNS after (after_time, after_id), in that order, page_size
    changes: Statement
    totals: Statement  # -> rows of (status or 'pending', count)


PARAMETERS: dict[str, frozenset[str]] = {
    "add_secret": frozenset({"secret_id", "account_id", "secret_hash", "created_at"}),
    "secrets": frozenset({"account_id"}),
    "active_digests": frozenset({"account_id"}),
    "revoke": frozenset({"account_id", "secret_id", "now"}),
    "claim": frozenset(
        {
            "account_id",
            "id",
            "transaction_id",
            "fingerprint",
            "amount",
            "card_brand",
            "card_last_four",
            "now",
        }
    ),
    "claimed": frozenset({"account_id", "id"}),
    "transaction": frozenset({"account_id", "id"}),
    "changes": frozenset({"account_id", "after_time", "after_id", "page_size"}),
    "totals": frozenset({"account_id"}),
}


def gateway_sql(engine: str) -> GatewaySql:
    """The gateway's statements for the engine of this name, imported when first needed."""
    sql: GatewaySql = engine_statements(f"{__name__}.{engine}", engine, "gateway")
    return sql
