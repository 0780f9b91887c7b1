"""The gateway with least privilege, on PostgreSQL and MariaDB: the privilege scripts run as a
DBA would (the fixtures of tests/engines/test_*_privileges.py), then the intake, the status and
the processor run on the payment function's own login, which may read the account secrets and
claim a submission, and nothing more: never issue, revive or remove a secret, nor change or
remove a claim. The customers login has no right on the gateway's tables at all."""

from __future__ import annotations

import base64
import json

from adapters.bootstrap import build_gateway, build_payment_processing, reset
from adapters.engines.urls import open_bank2
from adapters.gateway.message import publication
from adapters.gateway.store import gateway_unit_of_work
from adapters.payments.format import decode_transaction_record
from adapters.settings import GatewaySettings, PaymentSettings
from domain.gateway.cursors import START
from service.gateway.accounts import AccountSecrets
from service.gateway.intake import Accepted
from service.stream.records import StreamRecord
from tests.engines import test_mysql_privileges as mysql
from tests.engines import test_postgres_privileges as postgres
from tests.gateway.harness import body

logins, owner_url, setup = postgres.logins, postgres.owner_url, mysql.setup
__all__ = ["logins", "owner_url", "setup"]  # the fixtures

CHANGES = [
    (
        "INSERT INTO gateway_account_secrets (secret_id, account_id, secret_hash, created_at)"
        " VALUES ('sk_x', 'acc-9', 'x', CURRENT_TIMESTAMP)"
    ),
    "UPDATE gateway_account_secrets SET revoked_at = NULL",
    "DELETE FROM gateway_account_secrets",
    "UPDATE gateway_transactions SET fingerprint = 'x'",
    "DELETE FROM gateway_transactions",
]


def run_the_gateway(owner: str, payments: str) -> None:
    """An account issued by the owner; a submission, its decision and its status as the
    payment function's login."""
    database = open_bank2(owner, streams=("payments",))
    try:
        token = AccountSecrets(gateway_unit_of_work(database)).issue("acc-1").token
    finally:
        database.close()
    settings = PaymentSettings(payments)
    key = base64.b64encode(b"k" * 32).decode()
    gateway = build_gateway(
        GatewaySettings.from_environment(
            {"PAYMENTS_DB_URL": payments, "GATEWAY_FINGERPRINT_KEY": key}
        )
    )
    processing = build_payment_processing(settings)
    try:
        accepted = gateway.intake.submit(f"Bearer {token}", json.dumps(body("o-1")).encode())
        assert isinstance(accepted, Accepted)
        assert accepted.publish is not None
        (message,) = json.loads(publication(accepted.transaction_id, "acc-1", accepted.publish))
        record = StreamRecord("transactions", 0, 0, None, message["Value"].encode())
        assert decode_transaction_record(record) is not None
        batch = processing.handle([record])
        assert [str(r.status) for r in batch.results] == ["approved"]
        page = gateway.status.changes("acc-1", START)
        assert [(t.id, str(t.status)) for t in page.transactions] == [("o-1", "approved")]
        assert gateway.intake.submit(f"Bearer {token}", json.dumps(body("o-1")).encode())
    finally:
        reset()


def test_postgresql_the_payment_login_runs_the_gateway_and_changes_nothing_else(
    owner_url: str, logins: postgres.Logins
) -> None:
    payments = postgres.as_login(owner_url, logins.payments, logins.password)
    run_the_gateway(owner_url, payments)
    for sql in CHANGES:
        assert postgres.denied(payments, sql), sql
    customers = postgres.as_login(owner_url, logins.function, logins.password)
    for table in ("gateway_account_secrets", "gateway_transactions"):
        assert postgres.denied(customers, f"SELECT * FROM {table}")  # noqa: S608 - fixed names


def test_mariadb_the_payment_account_runs_the_gateway_and_changes_nothing_else(
    setup: mysql.Setup,
) -> None:
    payments = mysql.as_account(setup.url, setup.payments)
    run_the_gateway(setup.url, payments)
    with mysql.connect(setup.url, setup.payments) as connection:
        for sql in CHANGES:
            assert mysql.denied(connection, sql), sql
    with mysql.connect(setup.url, setup.function) as connection:
        for table in ("gateway_account_secrets", "gateway_transactions"):
            assert mysql.denied(connection, f"SELECT * FROM {table}")  # noqa: S608
