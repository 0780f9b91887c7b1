"""The Azure SQL least-privilege script, checked statement by statement (it cannot run here).

sqlglot reads T-SQL's DCL (GRANT ... ON OBJECT::, CREATE USER ... FROM EXTERNAL PROVIDER) only
as opaque commands, so the grants are checked on the script's text, batch by batch.
"""

from __future__ import annotations

import re

from adapters.engines.registry import privileges_script

_SCRIPT = privileges_script("mssql")
assert _SCRIPT is not None
SCRIPT = _SCRIPT
GRANT = re.compile(r"^GRANT (?P<rights>[A-Z, ]+) ON OBJECT::(?P<object>\S+) TO (?P<grantee>\S+);$")


def _statements() -> list[str]:
    return [
        line.strip()
        for line in SCRIPT.read_text().splitlines()
        if line.strip() and not line.strip().startswith("--") and line.strip() != "GO"
    ]


def _grants() -> dict[tuple[str, str], set[str]]:
    grants: dict[tuple[str, str], set[str]] = {}
    for statement in _statements():
        match = GRANT.match(statement)
        if match:
            rights = {right.strip() for right in match["rights"].split(",")}
            grants.setdefault((match["grantee"], match["object"]), set()).update(rights)
    return grants


def test_telesales_may_only_select_the_view() -> None:
    telesales = {obj: rights for (who, obj), rights in _grants().items() if who == "telesales"}
    assert telesales == {"dbo.telesales_contacts": {"SELECT"}}


def _granted_to(role: str) -> dict[str, set[str]]:
    return {obj: rights for (who, obj), rights in _grants().items() if who == role}


def test_the_customer_function_may_only_use_the_projection_tables() -> None:
    assert _granted_to("telesales_function") == {
        "dbo.contact_state": {"SELECT", "INSERT", "UPDATE", "DELETE"},
        "dbo.consumer_offsets": {"SELECT", "INSERT", "UPDATE"},
        "dbo.rejected_messages": {"SELECT", "INSERT"},
        "dbo.schema_migrations": {"SELECT"},
        # The LGPD records: the removal log is only appended to.
        "dbo.removal_log": {"INSERT"},
        "dbo.rejected_message_subjects": {"SELECT", "INSERT"},
        "dbo.suppressed_phones": {"SELECT"},
    }
    # A database prepared by the script's earlier version loses the transactions.
    assert (
        "REVOKE SELECT, INSERT ON OBJECT::dbo.transactions FROM telesales_function;"
        in _statements()
    )


def test_the_payment_function_may_only_use_the_transactions_and_its_rejects() -> None:
    assert _granted_to("payments_function") == {
        "dbo.transactions": {"SELECT", "INSERT"},
        "dbo.rejected_messages": {"SELECT", "INSERT"},
        "dbo.schema_migrations": {"SELECT"},
        # The gateway's HTTP functions, on the same identity: secrets read, claims inserted.
        "dbo.gateway_account_secrets": {"SELECT"},
        "dbo.gateway_transactions": {"SELECT", "INSERT"},
    }


def test_each_function_s_identity_is_its_own_user_in_its_own_role() -> None:
    statements = _statements()
    assert "ALTER ROLE telesales_function ADD MEMBER [$(CUSTOMERS_IDENTITY)];" in statements
    assert "ALTER ROLE payments_function ADD MEMBER [$(PAYMENTS_IDENTITY)];" in statements
    assert "FUNCTION_IDENTITY" not in _code(SCRIPT.read_text())


def test_nobody_may_change_or_delete_a_payment_outcome() -> None:
    # The MERGE only inserts (tests/payments/store/test_payment_mssql_sql.py): SELECT and INSERT are
    # all it needs, so an outcome stays final even for a login that runs other statements.
    on_transactions = {who: r for (who, obj), r in _grants().items() if obj == "dbo.transactions"}
    assert on_transactions == {"payments_function": {"SELECT", "INSERT"}}


def test_every_grant_is_recognised_and_nothing_broad_is_granted() -> None:
    text = SCRIPT.read_text()
    grants = [s for s in _statements() if s.startswith("GRANT")]
    assert grants
    assert all(GRANT.match(statement) for statement in grants)
    for broad in ("db_owner", "db_datareader", "db_datawriter", "db_ddladmin", "CONTROL", "public"):
        assert broad not in _code(text), broad


def test_users_come_from_entra_and_creation_is_idempotent() -> None:
    creates = [s for s in _statements() if "CREATE USER" in s or "CREATE ROLE" in s]
    assert creates
    statements = _statements()
    for create in creates:
        guard = statements[statements.index(create) - 1]
        assert guard.startswith("IF DATABASE_PRINCIPAL_ID(")
        assert guard.endswith("IS NULL")
    assert all("FROM EXTERNAL PROVIDER" in c for c in creates if "CREATE USER" in c)
    assert "PASSWORD" not in _code(SCRIPT.read_text()).upper()


def _code(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.strip().startswith("--"))


def test_the_removal_log_is_appended_by_the_function_and_pruned_only_by_the_privacy_officer() -> (
    None
):
    on_log = {who: r for (who, obj), r in _grants().items() if obj == "dbo.removal_log"}
    assert on_log == {
        "telesales_function": {"INSERT"},
        "privacy_officer": {"SELECT", "INSERT", "DELETE"},
    }


def test_the_privacy_officer_reads_what_bank2_holds_and_keeps_the_do_not_call_lists() -> None:
    assert _granted_to("privacy_officer") == {
        "dbo.contact_state": {"SELECT"},
        "dbo.telesales_contacts": {"SELECT"},
        "dbo.rejected_messages": {"SELECT"},
        "dbo.rejected_message_subjects": {"SELECT"},
        "dbo.schema_migrations": {"SELECT"},
        "dbo.removal_log": {"SELECT", "INSERT", "DELETE"},
        "dbo.do_not_call_lists": {"SELECT", "INSERT", "UPDATE", "DELETE"},
        "dbo.suppressed_phones": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    }
