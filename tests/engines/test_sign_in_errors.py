"""Signing in to the real PostgreSQL and MariaDB servers, wrongly, as a new user would.

Each way of getting the URL or the grants wrong must fail the first batch at once (no retry:
retrying cannot fix it) with a message that names the setting, the engine, the host and the
server's or driver's own reason, and never the password. Only conditions that pass (a closed
port, a full server) are retried, and they say why too.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import closing
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from adapters.bootstrap import build_payment_processing
from adapters.customers.formats import decode_customer_record
from adapters.customers.store import projection_unit_of_work, projection_units
from adapters.engines.urls import open_bank2
from adapters.settings import PaymentSettings
from service.customers.projection import CustomerProjection
from service.stream.errors import StoreError, TransientStoreError
from service.stream.records import StreamRecord
from service.stream.retries import RetryPolicy
from tests.databases import POSTGRES_ADMIN_URL, mysql_database, postgres_database
from tests.private_postgres import PrivateServer, private_postgres

ONE_CHANGE = StreamRecord(
    "customers",
    0,
    0,
    None,
    b'{"customer_id": "1", "version": 1, "name": "Ana", "phone": "(11) 98765-4321"}',
)
# Short waits: a retried failure shows in the log, not in the test's duration.
RETRY = RetryPolicy(attempts=3, first_delay_s=0.01, max_delay_s=0.01, budget_s=5.0)


def first_batch(
    url: str, caplog: pytest.LogCaptureFixture, setting: str = "BANK2_URL"
) -> tuple[StoreError, int]:
    """The error the customer projection's first batch fails with, and how often it retried."""
    bank2 = open_bank2(url, setting)
    projection = CustomerProjection(
        projection_units(bank2), decode_customer_record, "telesales", retry=RETRY
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="service.stream.retries"):
        with pytest.raises(StoreError) as raised:
            projection.handle([ONE_CHANGE])
        retries = sum("retrying" in record.getMessage() for record in caplog.records)
    bank2.close()
    error = raised.value
    # The driver's error is neither the cause nor the context: nothing walking the chain
    # reaches its arguments.
    assert error.__cause__ is None
    assert error.__context__ is None
    return error, retries


def assert_terminal(error: StoreError, retries: int, *expected: str) -> None:
    assert not isinstance(error, TransientStoreError), str(error)
    assert retries == 0
    for text in expected:
        assert text in str(error), str(error)


def with_user(url: str, user: str, password: str | None = None) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    return urlunsplit(parts._replace(netloc=f"{credentials}@{host}"))


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{database}"))


def with_query(url: str, query: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=query))


def skip_if_postgres_offers_tls() -> None:
    """These tests show a server without TLS refused: one that has TLS cannot show it."""
    with psycopg.connect(POSTGRES_ADMIN_URL) as admin:
        if admin.execute("SHOW ssl").fetchone() == ("on",):
            pytest.skip("this server offers TLS")


def skip_if_mariadb_offers_tls(url: str) -> None:
    with my_admin(url) as admin:
        cursor = admin.cursor()
        cursor.execute("SHOW VARIABLES LIKE 'have_ssl'")
        if cursor.fetchone() == ("have_ssl", "YES"):
            pytest.skip("this server offers TLS")


# --- PostgreSQL, the machine's server ------------------------------------------------------


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def pg_role() -> Iterator[str]:
    """A login role with no rights of its own, dropped afterwards."""
    role = f"bank2_signin_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{role}" LOGIN')
        try:
            yield role
        finally:
            admin.execute(f'DROP OWNED BY "{role}"')
            admin.execute(f'DROP ROLE "{role}"')


def pg_admin(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(statement)


def test_postgres_a_role_that_does_not_exist(pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    error, retries = first_batch(with_user(pg_url, "no_such_role"), caplog)
    host = urlsplit(pg_url).netloc.rsplit("@", 1)[-1]
    assert_terminal(
        error,
        retries,
        f"BANK2_URL (postgresql at no_such_role@{host}/",
        "connect failed: OperationalError",
        'role "no_such_role" does not exist',
    )


def test_postgres_a_database_that_does_not_exist(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    error, retries = first_batch(with_database(pg_url, "no_such_database"), caplog)
    assert_terminal(error, retries, "BANK2_URL (postgresql", 'database "no_such_database"')


def test_postgres_a_role_that_may_not_log_in(
    pg_url: str, pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    pg_admin(POSTGRES_ADMIN_URL, f'ALTER ROLE "{pg_role}" NOLOGIN')
    error, retries = first_batch(with_user(pg_url, pg_role), caplog)
    assert_terminal(error, retries, f'role "{pg_role}" is not permitted to log in')


def test_postgres_a_database_the_role_may_not_connect_to(
    pg_url: str, pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    database = urlsplit(pg_url).path.lstrip("/")
    pg_admin(pg_url, f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
    error, retries = first_batch(with_user(pg_url, pg_role), caplog)
    assert_terminal(error, retries, f'permission denied for database "{database}"')


def test_postgres_a_schema_the_role_may_not_create_in(
    pg_url: str, pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    # PostgreSQL 15 lets nobody but the owner create in "public": the migrations cannot run.
    pg_admin(pg_url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    error, retries = first_batch(with_user(pg_url, pg_role), caplog)
    assert_terminal(
        error, retries, "connect failed: InsufficientPrivilege SQLSTATE 42501", "permission denied"
    )


def test_postgres_tables_the_role_may_not_read(
    pg_url: str, pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    open_bank2(pg_url).engine.connect().close()  # the owner migrates
    error, retries = first_batch(with_user(pg_url, pg_role), caplog)
    assert_terminal(error, retries, "permission denied for table schema_migrations")


def test_postgres_tls_required_by_the_url_but_not_offered(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    skip_if_postgres_offers_tls()
    error, retries = first_batch(with_query(pg_url, "sslmode=require"), caplog)
    assert_terminal(error, retries, "server does not support SSL, but SSL was required")


def test_postgres_verified_tls_is_the_default(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # No sslmode in the URL: verified TLS, so a server without TLS is refused, never used in
    # plaintext (libpq's own default, prefer, would).
    skip_if_postgres_offers_tls()
    error, retries = first_batch(with_query(pg_url, ""), caplog)
    assert_terminal(error, retries, "server does not support SSL, but SSL was required")


def test_postgres_a_tls_mode_libpq_does_not_know(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    error, retries = first_batch(with_query(pg_url, "sslmode=always"), caplog)
    assert_terminal(error, retries, 'invalid sslmode value: "always"')


def test_postgres_a_closed_port_is_retried_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    error, retries = first_batch("postgresql://bank2@127.0.0.1:1/bank2", caplog)
    assert isinstance(error, TransientStoreError)
    assert retries == RETRY.attempts - 1
    assert "BANK2_URL (postgresql at bank2@127.0.0.1:1/bank2): connect failed" in str(error)
    assert "Connection refused" in str(error)


def test_postgres_a_role_over_its_connection_limit_is_retried(
    pg_url: str, pg_role: str, caplog: pytest.LogCaptureFixture
) -> None:
    pg_admin(POSTGRES_ADMIN_URL, f'ALTER ROLE "{pg_role}" CONNECTION LIMIT 0')
    error, retries = first_batch(with_user(pg_url, pg_role), caplog)
    assert isinstance(error, TransientStoreError)
    assert retries == RETRY.attempts - 1
    assert f'too many connections for role "{pg_role}"' in str(error)


def test_the_payments_database_is_named_by_its_own_setting(
    pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    processing = build_payment_processing(
        PaymentSettings(with_database(pg_url, "no_such_database"))
    )
    with pytest.raises(StoreError) as raised:
        processing.handle([StreamRecord("transactions", 0, 0, None, b'{"id": "t-1"}')])
    assert not isinstance(raised.value, TransientStoreError)
    assert str(raised.value).startswith("PAYMENTS_DB_URL (postgresql at ")
    assert 'database "no_such_database" does not exist' in str(raised.value)


# --- PostgreSQL with password sign-in: a private server ------------------------------------


@pytest.fixture(scope="module")
def private_server() -> Iterator[PrivateServer]:
    with private_postgres() as server:
        yield server


def test_postgres_the_right_password_signs_in(private_server: PrivateServer) -> None:
    url = private_server.url(private_server.admin, private_server.admin_password)
    with closing(open_bank2(url)) as bank2, projection_unit_of_work(bank2) as uow:
        assert uow.store.applied_offsets("telesales") == {}


def test_postgres_a_wrong_password(
    private_server: PrivateServer, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Wrong-" + secrets.token_urlsafe(12)
    error, retries = first_batch(private_server.url(private_server.admin, wrong), caplog)
    assert_terminal(
        error,
        retries,
        f"BANK2_URL (postgresql at admin@127.0.0.1:{private_server.port}/postgres)",
        'password authentication failed for user "admin"',
    )
    assert wrong not in str(error)
    assert private_server.admin_password not in str(error)


def test_postgres_verified_tls_is_accepted_from_a_server_whose_certificate_checks_out(
    private_server: PrivateServer,
) -> None:
    password = quote(private_server.admin_password, safe="")
    url = (
        f"postgresql://admin:{password}@localhost:{private_server.port}/postgres"
        f"?sslmode=verify-full&sslrootcert={private_server.ca_file}"
    )
    bank2 = open_bank2(url)
    with projection_unit_of_work(bank2) as uow:
        assert uow.store.applied_offsets("telesales") == {}
    connection = bank2.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        assert cursor.fetchone() == (True,)
        connection.rollback()
    finally:
        bank2.release(broken=False)
        bank2.close()


def test_postgres_a_certificate_no_trusted_authority_signed_is_refused_at_once(
    private_server: PrivateServer, caplog: pytest.LogCaptureFixture
) -> None:
    # The default: the system's trusted authorities, which never signed this test server's.
    password = quote(private_server.admin_password, safe="")
    url = f"postgresql://admin:{password}@localhost:{private_server.port}/postgres"
    error, retries = first_batch(url, caplog)
    assert_terminal(error, retries, "certificate verify failed")
    assert private_server.admin_password not in str(error)


def test_postgres_no_password_where_one_is_required(
    private_server: PrivateServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No password file or variable may supply one behind the URL's back.
    monkeypatch.setenv("PGPASSFILE", "/nonexistent")
    monkeypatch.delenv("PGPASSWORD", raising=False)
    error, retries = first_batch(private_server.url(private_server.admin, None), caplog)
    assert_terminal(error, retries, "no password supplied")


# --- MariaDB ---------------------------------------------------------------------------------


@pytest.fixture
def my_url() -> Iterator[str]:
    with mysql_database() as url:
        yield url


@pytest.fixture
def my_account(my_url: str) -> Iterator[tuple[str, str]]:
    """An account with a password and no grants, dropped afterwards."""
    user, password = f"bank2_{secrets.token_hex(5)}", secrets.token_urlsafe(16)
    admin = my_admin(my_url)
    with admin:
        admin.cursor().execute(f"CREATE USER '{user}'@'%' IDENTIFIED BY {admin.escape(password)}")
        try:
            yield user, password
        finally:
            admin.cursor().execute(f"DROP USER '{user}'@'%'")


def my_admin(url: str) -> pymysql.Connection:  # type: ignore[type-arg, unused-ignore]
    parts = urlsplit(url)
    return pymysql.connect(
        host=parts.hostname, port=parts.port, user=parts.username, password=parts.password or ""
    )


def test_mariadb_a_wrong_password(
    my_url: str, my_account: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    user, _ = my_account
    wrong = "Wrong-" + secrets.token_urlsafe(12)
    error, retries = first_batch(with_user(my_url, user, wrong), caplog)
    assert_terminal(
        error,
        retries,
        f"BANK2_URL (mysql at {user}@",
        "connect failed: OperationalError",
        "error 1045",
        f"Access denied for user '{user}'",
    )
    assert wrong not in str(error)


def test_mariadb_an_account_that_does_not_exist(
    my_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    error, retries = first_batch(with_user(my_url, "no_such_account", "x"), caplog)
    assert_terminal(error, retries, "error 1045", "Access denied for user 'no_such_account'")


def test_mariadb_a_database_that_does_not_exist(
    my_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    error, retries = first_batch(with_database(my_url, "no_such_database"), caplog)
    assert_terminal(error, retries, "error 1049", "Unknown database 'no_such_database'")


def test_mariadb_a_database_the_account_has_no_rights_on(
    my_url: str, my_account: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    user, password = my_account
    error, retries = first_batch(with_user(my_url, user, password), caplog)
    assert_terminal(error, retries, "error 1044", f"Access denied for user '{user}'")
    assert password not in str(error)


def test_mariadb_tables_the_account_may_not_read(
    my_url: str, my_account: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    open_bank2(my_url).engine.connect().close()  # the owner migrates
    user, password = my_account
    database = urlsplit(my_url).path.lstrip("/")
    with my_admin(my_url) as admin:
        # The database may be used, but none of its tables read.
        admin.cursor().execute(f"GRANT CREATE TEMPORARY TABLES ON `{database}`.* TO '{user}'@'%'")
    error, retries = first_batch(with_user(my_url, user, password), caplog)
    assert_terminal(error, retries, "error 1142", "command denied to user")


def test_mariadb_tls_required_by_the_url_but_not_offered(
    my_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    skip_if_mariadb_offers_tls(my_url)
    error, retries = first_batch(with_query(my_url, "ssl=true"), caplog)
    assert_terminal(error, retries, "error 2026", "SSL is required but the server doesn't")


def test_mariadb_verified_tls_is_the_default(my_url: str, caplog: pytest.LogCaptureFixture) -> None:
    skip_if_mariadb_offers_tls(my_url)
    error, retries = first_batch(with_query(my_url, ""), caplog)
    assert_terminal(error, retries, "error 2026", "SSL is required but the server doesn't")


def test_mariadb_a_closed_port_is_retried_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    error, retries = first_batch("mysql://bank2@127.0.0.1:1/bank2", caplog)
    assert isinstance(error, TransientStoreError)
    assert retries == RETRY.attempts - 1
    assert "BANK2_URL (mysql at bank2@127.0.0.1:1/bank2): connect failed" in str(error)
    assert "Connection refused" in str(error)
