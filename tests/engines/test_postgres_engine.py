"""The PostgreSQL engine: its URL, its error classification, and what it does on a real server.

URL parsing and error classification need no server (the errors are psycopg's own classes,
built as the driver builds them for each SQLSTATE). The rest runs on the PostgreSQL server
that tests/databases.py names, each test on a fresh database.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import psycopg.errors
import pytest

from adapters.customers.store import projection_unit_of_work
from adapters.engines.database import SqlBank2
from adapters.engines.migrations import Migration
from adapters.engines.migrator import apply_migrations
from adapters.engines.postgresql.engine import PostgresEngine
from adapters.engines.postgresql.session import MIGRATIONS
from adapters.engines.postgresql.url import PostgresUrlError
from adapters.engines.urls import Bank2UrlError, open_bank2
from domain.customers.changes import Contact, Removal
from domain.customers.reasons import RejectReason
from service.customers.ports import RejectedRecord
from service.stream.errors import StoreError, TransientStoreError
from tests.customers.builders import NOW, contact, v
from tests.databases import POSTGRES_ADMIN_URL, postgres_database
from tests.support import query

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-P@ss"  # noqa: S105 - a made-up password that must never be shown
# As a URL carries it: an '@' left raw would end the password early (see the test below).
PASSWORD = quote(SECRET, safe="")


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


@pytest.fixture
def bank2(pg_url: str) -> Iterator[SqlBank2]:
    bank = open_bank2(pg_url)
    yield bank
    bank.close()


# --- BANK2_URL -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bank2:{PASSWORD}@db.example.com:5432/bank2?sslmode=verify-full",
        f"postgres://bank2:{PASSWORD}@db.example.com/bank2",
        f"PostgreSQL://bank2:{PASSWORD}@[2001:db8::1]:6432/bank2",
        f"postgresql://bank2:{PASSWORD}@primary:5432,standby:5432/bank2",
        "postgresql:///bank2",
        "postgresql://",
    ],
)
def test_valid_urls_are_accepted_and_their_password_is_never_shown(url: str) -> None:
    engine = PostgresEngine.from_url(url)
    assert SECRET not in repr(engine)
    assert SECRET not in str(engine)
    assert PASSWORD not in repr(engine)
    assert engine.name == "postgresql"


def test_the_engine_shows_user_host_and_database_only() -> None:
    engine = PostgresEngine.from_url(f"postgresql://bank2:{PASSWORD}@db.example.com:5432/telesales")
    assert repr(engine) == "PostgresEngine('bank2@db.example.com:5432/telesales')"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (f"mysql://bank2:{PASSWORD}@db/bank2", "postgresql://"),
        (f"postgresql:bank2:{PASSWORD}@db/bank2", "postgresql://"),
        (f"postgresql://bank2:{PASSWORD}@db:99999/bank2", "port"),
        (f"postgresql://bank2:{PASSWORD}@db:5432x/bank2", "port"),
        (f"postgresql://bank2:{PASSWORD}@a:5432,b:nope/bank2", "port"),
        (f"postgresql://bank2:{PASSWORD}@db/bank2/extra", "single database"),
        ("postgresql://bank2:5432/p4ss@db", "percent-encode"),
        ("postgresql://bank2:5432/p4ss@db/bank2", "percent-encode"),
        (f"postgresql://bank2:{PASSWORD}@db/bank2#frag", "fragment"),
        (f"postgresql://bank2:{PASSWORD}@[::1/bank2", "valid URI"),
        (f"postgresql://bank2:{PASSWORD}@db/bank2?sslmode", "key=value"),
        ("postgresql://bank2:Tr%C3%AAsSenha%9z@db/bank2", "%25"),  # libpq would quote it
    ],
)
def test_a_malformed_url_names_the_problem_without_quoting_the_url(url: str, problem: str) -> None:
    with pytest.raises(PostgresUrlError) as raised:
        PostgresEngine.from_url(url)
    message = str(raised.value)
    assert problem in message
    assert SECRET not in message
    assert PASSWORD not in message
    assert "p4ss" not in message
    assert "bank2:" not in message
    # No chained error either: a traceback would print its message, which may quote the URL.
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None or raised.value.__suppress_context__


def test_open_bank2_rejects_a_malformed_postgres_url_without_quoting_it() -> None:
    with pytest.raises(ValueError, match="port") as raised:
        open_bank2(f"postgres://bank2:{PASSWORD}@db:0/bank2")
    assert SECRET not in str(raised.value)


def test_importing_the_engine_does_not_load_the_driver() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import adapters.engines.postgresql.engine, sys; print('psycopg' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"


def test_an_unreachable_server_is_transient_and_the_error_never_shows_the_password() -> None:
    # Port 1: nothing listens there, the connection is refused at once.
    bank = open_bank2(f"postgresql://bank2:{PASSWORD}@127.0.0.1:1/bank2?connect_timeout=2")
    with pytest.raises(TransientStoreError) as raised, projection_unit_of_work(bank):
        pass
    message = str(raised.value)
    assert message.startswith(
        "BANK2_URL (postgresql at bank2@127.0.0.1:1/bank2): connect failed: OperationalError: "
    )
    assert "Connection refused" in message
    assert SECRET not in message
    assert PASSWORD not in message
    assert raised.value.__cause__ is None
    assert raised.value.__context__ is None


def test_an_unencoded_at_sign_in_the_password_is_refused_before_libpq_shows_part_of_it() -> None:
    # libpq would end the password at the first '@' and report "ss@127.0.0.1" as a host name.
    with pytest.raises(Bank2UrlError, match="BANK2_URL has '@' in the user name") as raised:
        open_bank2(f"postgresql://bank2:{SECRET}@127.0.0.1:1/bank2")
    assert "P@ss" not in str(raised.value)


# --- error classification ------------------------------------------------------------------

ENGINE = PostgresEngine.from_url("postgresql://bank2@db/bank2")

TRANSIENT_SQLSTATES = [
    "08000",  # connection exception
    "08003",  # connection does not exist
    "08006",  # connection failure
    "08001",  # unable to connect
    "40001",  # serialization failure
    "40P01",  # deadlock detected
    "55P03",  # lock not available (lock_timeout)
    "57014",  # query canceled (statement_timeout)
    "57P01",  # admin shutdown (pg_terminate_backend)
    "57P02",  # crash shutdown
    "57P03",  # cannot connect now (starting up, shutting down)
    "57P05",  # idle session timeout
    "53300",  # too many connections
    "25006",  # read-only transaction (a standby after a failover)
]
TERMINAL_SQLSTATES = [
    "42601",  # syntax error
    "42501",  # insufficient privilege
    "42P01",  # undefined table (schema not migrated)
    "23505",  # unique violation
    "23514",  # check violation
    "22001",  # value too long for its column
    "22P02",  # invalid text representation
    "21000",  # cardinality violation
    "0A000",  # feature not supported
    "53100",  # disk full: retrying in seconds does not help
]


@pytest.mark.parametrize("sqlstate", TRANSIENT_SQLSTATES)
def test_connection_loss_deadlocks_timeouts_and_failover_are_transient(sqlstate: str) -> None:
    error = psycopg.errors.lookup(sqlstate)("Maria Souza +5511987654321")
    assert ENGINE.is_transient(error)


@pytest.mark.parametrize("sqlstate", TERMINAL_SQLSTATES)
def test_syntax_permission_and_constraint_errors_are_terminal(sqlstate: str) -> None:
    error = psycopg.errors.lookup(sqlstate)("Maria Souza +5511987654321")
    assert not ENGINE.is_transient(error)


def test_driver_errors_without_sqlstate_are_transient_only_for_the_connection() -> None:
    assert ENGINE.is_transient(psycopg.OperationalError("the connection is lost"))
    assert ENGINE.is_transient(psycopg.InterfaceError("the connection is closed"))
    assert not ENGINE.is_transient(psycopg.ProgrammingError("wrong number of parameters"))
    assert not ENGINE.is_transient(psycopg.DataError("bad value"))
    assert not ENGINE.is_transient(ValueError("not a driver error"))


def test_describe_gives_class_and_sqlstate_never_the_message() -> None:
    error = psycopg.errors.lookup("23514")(
        "new row violates check constraint, failing row contains (1, Maria Souza, +5511987654321)"
    )
    assert ENGINE.describe(error) == "CheckViolation SQLSTATE 23514"
    assert ENGINE.describe(psycopg.OperationalError("connection to Maria failed")) == (
        "OperationalError"
    )


def attempt(host: str, reason: str) -> str:
    """One failed connection attempt, as libpq reports it."""
    return f'connection to server at "{host}", port 5432 failed: {reason}\n'


REFUSED = attempt(
    "db1", "Connection refused\n\tIs the server running on that host and accepting TCP/IP?"
)
PASSWORD_FAILED = attempt("db2", 'FATAL:  password authentication failed for user "bank2"')


@pytest.mark.parametrize(
    "text",
    [
        REFUSED,
        attempt("db1", "timeout expired"),
        "failed to resolve host 'db1': [Errno -3] Temporary failure in name resolution",
        attempt("db1", "FATAL:  sorry, too many clients already"),
        attempt("db1", "FATAL:  the database system is starting up"),
        attempt("db1", "FATAL:  the database system is in recovery mode"),
        "consuming input failed: server closed the connection unexpectedly",
        REFUSED + attempt("db2", "session is read-only"),
        attempt("db1", "SSL connection has been closed unexpectedly"),
        attempt("db1", "ERROR:  no more connections allowed (max_client_conn)"),
        attempt("db1", "ERROR:  pgbouncer cannot connect to server"),
    ],
)
def test_a_connection_that_may_open_on_a_new_attempt_is_transient(text: str) -> None:
    assert ENGINE.is_transient(psycopg.OperationalError(f"connection failed: {text}"))


@pytest.mark.parametrize(
    "text",
    [
        PASSWORD_FAILED,
        attempt("db1", 'FATAL:  no pg_hba.conf entry for host "10.1.1.1", user "bank2"'),
        attempt("db1", "fe_sendauth: no password supplied"),
        attempt("db1", 'root certificate file "/home/app/.postgresql/root.crt" does not exist'),
        attempt("db1", 'server certificate for "db1" does not match host name "db1.example.com"'),
        'invalid sslmode value: "always"',
        # One host is down, the other refuses the sign-in: retrying cannot fix the second.
        REFUSED + PASSWORD_FAILED,
        # The server's own words in Portuguese are not recognised: the batch fails at once.
        attempt("db1", "FATAL:  desculpe, muitos clientes conectados"),
    ],
)
def test_a_refused_sign_in_or_setting_is_terminal(text: str) -> None:
    assert not ENGINE.is_transient(psycopg.OperationalError(f"connection failed: {text}"))


@pytest.mark.parametrize("sqlstate", ["23505", "23514", "22001", "22P02", "22P05", "XX000"])
def test_errors_about_data_never_give_a_reason(sqlstate: str) -> None:
    error = psycopg.errors.lookup(sqlstate)("Key (customer_id)=(Maria Souza) already exists")
    assert ENGINE.reason(error) is None


def test_the_password_is_removed_from_a_reason() -> None:
    engine = PostgresEngine.from_url(f"postgresql://bank2:{PASSWORD}@db/bank2?password=Other-Pw1")
    error = psycopg.OperationalError(f"connection failed: something said {SECRET} and Other-Pw1")
    reason = engine.reason(error)
    assert reason == "connection failed: something said *** and ***"


def test_the_driver_errors_are_psycopg_errors() -> None:
    assert ENGINE.driver_errors == (psycopg.Error,)


# --- on the real server --------------------------------------------------------------------


def test_a_killed_session_is_transient_and_the_next_statement_too(pg_url: str) -> None:
    connection = PostgresEngine.from_url(pg_url).connect()
    cursor = connection.cursor()
    with pytest.raises(psycopg.Error) as killed:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    with pytest.raises(psycopg.Error) as closed:
        connection.cursor().execute("SELECT 1")
    assert ENGINE.is_transient(killed.value)
    assert ENGINE.describe(killed.value) == "AdminShutdown SQLSTATE 57P01"
    assert ENGINE.is_transient(closed.value)
    connection.close()


def test_a_row_locked_by_another_writer_times_out_as_transient(bank2: SqlBank2) -> None:
    write(bank2, contact("1", 1))
    engine = bank2.engine
    holder, waiter = engine.connect(), engine.connect()
    try:
        engine.begin(holder)
        holder.cursor().execute("SELECT 1 FROM contact_state FOR UPDATE")
        engine.begin(waiter)
        waiter.cursor().execute("SET LOCAL lock_timeout = '100ms'")
        with pytest.raises(psycopg.Error) as raised:
            waiter.cursor().execute("UPDATE contact_state SET version = version")
        assert engine.is_transient(raised.value)
        assert engine.describe(raised.value) == "LockNotAvailable SQLSTATE 55P03"
    finally:
        holder.close()
        waiter.close()


def test_a_value_too_long_fails_the_batch_terminally_without_showing_it(bank2: SqlBank2) -> None:
    too_long = "Maria " + "Souza" * 40
    with pytest.raises(StoreError) as raised, projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 1, too_long)], NOW)
    assert not isinstance(raised.value, TransientStoreError)
    assert str(raised.value).endswith(
        "): write_contacts failed: StringDataRightTruncation SQLSTATE 22001"
    )
    assert "Souza" not in str(raised.value)


def test_the_postgres_scheme_and_the_urls_own_parameters_are_used(pg_url: str) -> None:
    url = pg_url.replace("postgresql://", "postgres://", 1) + "&application_name=bank2-test"
    bank = open_bank2(url)
    assert query(bank, "SHOW application_name") == [("bank2-test",)]
    bank.close()
    bank = open_bank2(pg_url)
    assert query(bank, "SHOW application_name") == [("telesales-contacts",)]
    bank.close()


def test_transactions_are_read_committed_even_if_the_database_default_is_not(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        database = urlsplit(pg_url).path.removeprefix("/")
        admin.execute(
            f'ALTER DATABASE "{database}" SET default_transaction_isolation = serializable'
        )
    bank = open_bank2(pg_url)
    with projection_unit_of_work(bank):
        connection = bank._connection
        assert connection is not None
        cursor = connection.cursor()
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchall() == [("read committed",)]
    bank.close()


# --- statements ----------------------------------------------------------------------------


def write(bank: SqlBank2, *changes: Contact | Removal, now: datetime = NOW) -> None:
    with projection_unit_of_work(bank) as uow:
        uow.store.write_contacts(list(changes), now)
        uow.commit()


def state(bank: SqlBank2) -> list[tuple[object, ...]]:
    return query(bank, "SELECT customer_id, version, name FROM contact_state ORDER BY 1")


def test_a_batch_naming_a_customer_twice_keeps_its_newest_version(bank2: SqlBank2) -> None:
    write(
        bank2,
        contact("1", 2, "B"),
        contact("1", 3, "C first"),
        contact("1", 3, "C second"),
        contact("1", 1, "A"),
        contact("2", 1, "Other"),
    )
    assert state(bank2) == [("1", v(3).key, "C first"), ("2", v(1).key, "Other")]


def test_a_message_rejected_twice_in_one_batch_is_recorded_once(bank2: SqlBank2) -> None:
    with projection_unit_of_work(bank2) as uow:
        uow.store.record_rejects(
            [
                RejectedRecord("customers", 0, 7, RejectReason.INVALID_PHONE),
                RejectedRecord("customers", 0, 7, RejectReason.INVALID_NAME),
            ],
            NOW,
        )
        uow.commit()
    assert query(bank2, "SELECT kafka_offset, reason FROM rejected_messages") == [
        (7, "invalid_phone")
    ]


def test_thousands_of_contacts_are_written_in_one_statement(bank2: SqlBank2) -> None:
    contacts = [contact(f"cliente-{n:05d}", 1, f"Cliente {n}") for n in range(5000)]
    before = bank2.statements_executed
    write(bank2, *contacts)
    assert bank2.statements_executed - before == 2  # the upsert, then the commit
    assert query(bank2, "SELECT count(*) FROM telesales_contacts") == [(5000,)]


def test_times_are_stored_as_instants_whatever_the_offset_given(bank2: SqlBank2) -> None:
    brasilia = timezone(timedelta(hours=-3))
    write(bank2, Removal("1", v(1)), now=datetime(2026, 11, 22, 9, 0, tzinfo=brasilia))
    assert query(bank2, "SELECT removed_at, updated_at FROM contact_state") == [(NOW, NOW)]
    assert query(
        bank2,
        "SELECT DISTINCT data_type FROM information_schema.columns "
        "WHERE column_name IN ('removed_at', 'updated_at', 'rejected_at')",
    ) == [("timestamp with time zone",)]


def test_a_failing_migration_leaves_nothing_behind(pg_url: str) -> None:
    broken = Migration(1, "0001_broken", "CREATE TABLE half_done (x integer); SELECT 1 / 0;")
    with psycopg.connect(pg_url, autocommit=True) as connection:
        with pytest.raises(psycopg.errors.DivisionByZero):
            apply_migrations(connection, MIGRATIONS, [broken])
        left = connection.execute(
            "SELECT to_regclass('half_done') IS NULL, to_regclass('schema_migrations') IS NULL"
        ).fetchall()
    assert left == [(True, True)]


def test_held_contacts_stay_locked_until_the_transaction_ends(bank2: SqlBank2) -> None:
    # A change that leaves fields out is settled on the row it read: no other writer may change
    # that row before the upsert writes over it.
    write(bank2, contact("1", 1))
    other = bank2.engine.connect()
    try:
        with projection_unit_of_work(bank2) as uow:
            uow.store.held_contacts(["1"])
            bank2.engine.begin(other)
            cursor = other.cursor()
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
            with pytest.raises(psycopg.Error) as raised:
                cursor.execute("UPDATE contact_state SET name = 'Other' WHERE customer_id = '1'")
            assert raised.value.sqlstate == "55P03"
    finally:
        other.close()


def test_the_password_is_removed_from_a_reason_in_every_form_the_url_holds_it() -> None:
    engine = PostgresEngine.from_url("postgresql://bank2:Tr%C3%AAs-Senha@db/bank2")
    error = psycopg.OperationalError('connection failed: token "Tr%C3%AAs-Senha", and Três-Senha')
    assert engine.reason(error) == 'connection failed: token "***", and ***'
    long_reason = psycopg.OperationalError("x" * 398 + "Três-Senha")
    reason = engine.reason(long_reason)
    assert reason is not None
    assert "Tr" not in reason.removeprefix("x" * 398)  # cut after masking, never through it


def test_names_are_sent_as_utf8_whatever_the_url_asks(pg_url: str) -> None:
    bank = open_bank2(pg_url + "&client_encoding=LATIN1")
    write(bank, contact("1", 1, "Ana Řezníčková"))
    assert query(bank, "SELECT name FROM contact_state") == [("Ana Řezníčková",)]
    bank.close()


def test_a_database_that_cannot_store_every_name_is_refused_by_name() -> None:
    name = f"bank2_latin1_{secrets.token_hex(4)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' "
            "TEMPLATE template0"
        )
    try:
        bank = open_bank2(urlunsplit(urlsplit(POSTGRES_ADMIN_URL)._replace(path=f"/{name}")))
        with pytest.raises(StoreError) as raised, projection_unit_of_work(bank):
            pass
        assert not isinstance(raised.value, TransientStoreError)
        assert "the database's encoding is LATIN1; Bank 2 needs a UTF8 database" in str(
            raised.value
        )
        bank.close()
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE {name}")


@pytest.mark.parametrize(
    ("url", "environment", "tls"),
    [
        ("postgresql://app@db/bank2", {}, {"sslmode": "verify-full", "sslrootcert": "system"}),
        # libpq's own default would look for ~/.postgresql/root.crt, which a Functions host lacks.
        ("postgresql://app@db/bank2?sslmode=verify-full", {}, {"sslrootcert": "system"}),
        # libpq refuses verify-ca with sslrootcert=system: its own default file stays.
        ("postgresql://app@db/bank2?sslmode=verify-ca", {}, {}),
        ("postgresql://app@db/bank2", {"PGSSLMODE": "verify-ca"}, {}),
        # An empty variable says nothing: the verified default holds (and overrides it).
        (
            "postgresql://app@db/bank2",
            {"PGSSLMODE": ""},
            {"sslmode": "verify-full", "sslrootcert": "system"},
        ),
        ("postgresql://app@db/bank2?sslmode=verify-full&sslrootcert=/etc/ca.pem", {}, {}),
        ("postgresql://app@db/bank2?sslmode=require", {}, {}),
        ("postgresql://app@db/bank2?sslmode=disable", {}, {}),
        # libpq's environment, set on purpose, is respected like the URL.
        ("postgresql://app@db/bank2", {"PGSSLMODE": "disable"}, {}),
        ("postgresql://app@db/bank2", {"PGSSLROOTCERT": "/etc/ca.pem"}, {"sslmode": "verify-full"}),
    ],
)
def test_tls_is_verified_unless_the_url_or_libpq_s_environment_says_otherwise(
    url: str, environment: dict[str, str], tls: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("PGSSLMODE", "PGSSLROOTCERT"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    defaults = PostgresEngine.from_url(url)._defaults
    assert {k: v for k, v in defaults.items() if k in {"sslmode", "sslrootcert"}} == tls
