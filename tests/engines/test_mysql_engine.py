"""MySQL / MariaDB engine: URLs, error classification and the guarantees of its SQL.

Driver errors are real PyMySQL exception objects, built by PyMySQL's own error-packet decoder
(the path every server error takes) or raised by PyMySQL itself. The tests at the end run on the
MariaDB server this machine provides (skipped locally, failing in CI, when it is down).
"""

from __future__ import annotations

import ssl
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from adapters.customers.sql import projection_sql
from adapters.customers.store import projection_unit_of_work
from adapters.engines.database import SqlBank2
from adapters.engines.engine import close_quietly
from adapters.engines.migrations import migrations_for
from adapters.engines.migrator import split_on_semicolons as split_statements
from adapters.engines.mysql.engine import MysqlEngine, _check_encrypted
from adapters.engines.mysql.errors import error_number
from adapters.engines.mysql.url import SCHEMES, MysqlTarget, MysqlUrlError, parse_mysql_url
from adapters.engines.urls import open_bank2
from domain.customers.changes import Contact, Removal
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme
from service.stream.errors import StoreError, TransientStoreError
from tests.databases import mysql_database
from tests.support import query

PASSWORD = "S3cr:et@P/ss?w#rd"  # noqa: S105 - made up, for the tests to look for
ENCODED_PASSWORD = "S3cr%3Aet%40P%2Fss%3Fw%23rd"  # noqa: S105
HOST = "bank2.mysql.database.azure.com"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def engine() -> MysqlEngine:
    return MysqlEngine(MysqlTarget("127.0.0.1", 3306, "telesales", "bank2", password=PASSWORD))


def server_error(number: int, sqlstate: str, message: str) -> Exception:
    """The exception PyMySQL raises for an error packet the server sent."""
    packet = b"\xff" + struct.pack("<h", number) + b"#" + sqlstate.encode() + message.encode()
    try:
        pymysql.err.raise_mysql_exception(packet)
    except pymysql.err.MySQLError as error:
        return cast("Exception", error)
    raise AssertionError


# URLs -------------------------------------------------------------------------------------------


def test_a_full_url_gives_every_connection_setting() -> None:
    target = parse_mysql_url(
        f"mysql://bank2_function:{ENCODED_PASSWORD}@{HOST}:3307/bank2?ssl=true"
    )
    assert target == MysqlTarget(
        host=HOST, port=3307, user="bank2_function", database="bank2", password=PASSWORD, tls=True
    )


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_every_scheme_names_the_same_engine_and_the_port_defaults_to_3306(scheme: str) -> None:
    target = parse_mysql_url(f"{scheme}://app@db.internal/bank2")
    assert (target.host, target.port, target.user, target.password) == (
        "db.internal",
        3306,
        "app",
        "",
    )
    assert target.tls  # verified TLS unless the URL says otherwise


def test_a_ca_file_names_the_trusted_ca_and_only_ssl_false_turns_tls_off() -> None:
    assert parse_mysql_url("mysql://app@db/bank2?ssl_ca=/etc/ssl/azure-mysql.pem") == MysqlTarget(
        "db", 3306, "app", "bank2", tls=True, ssl_ca="/etc/ssl/azure-mysql.pem"
    )
    assert not parse_mysql_url("mysql://app@db/bank2?ssl=false").tls


def test_an_azure_style_user_name_is_percent_decoded() -> None:
    assert parse_mysql_url("mysql://app%40bank2-server@db/bank2").user == "app@bank2-server"


@pytest.mark.parametrize(
    "url",
    [
        f"mysql://app:{ENCODED_PASSWORD}@/bank2",  # no host
        f"mysql://:{ENCODED_PASSWORD}@db/bank2",  # no user
        f"mysql://app:{ENCODED_PASSWORD}@db",  # no database
        f"mysql://app:{ENCODED_PASSWORD}@db/bank2/extra",
        f"mysql://app:{ENCODED_PASSWORD}@db:p0rtX/bank2",
        f"mysql://app:{ENCODED_PASSWORD}@db:99999/bank2",
        f"mysql://app:{ENCODED_PASSWORD}@db/bank2?ssl=maybe",
        f"mysql://app:{ENCODED_PASSWORD}@db/bank2?sslmode=require",
        f"postgresql://app:{ENCODED_PASSWORD}@db/bank2",
        # An unencoded password: '/' ends the host part, '?' starts the options, '#' a fragment.
        f"mysql://app:{PASSWORD}@db/bank2",
        "mysql://app:S3cret?tls=yes@db/bank2",
    ],
)
def test_a_bad_url_is_refused_without_quoting_it(url: str) -> None:
    with pytest.raises(MysqlUrlError) as caught:
        parse_mysql_url(url)
    message = str(caught.value)
    for secret in (PASSWORD, ENCODED_PASSWORD, "S3cr", "tls=yes", "99999", "p0rtX", "sslmode"):
        assert secret not in message


def test_the_password_appears_in_no_repr() -> None:
    bank = open_bank2(f"mysql://app:{ENCODED_PASSWORD}@{HOST}/bank2?ssl=true")
    assert isinstance(bank.engine, MysqlEngine)
    for text in (repr(bank.engine), repr(bank.engine.target), str(bank.engine.target)):
        assert PASSWORD not in text
        assert ENCODED_PASSWORD not in text
        assert HOST in text


def test_opening_bank2_does_not_connect() -> None:
    # Port 1 refuses connections: opening must not notice, only the first batch does.
    bank = open_bank2("mysql://app@127.0.0.1:1/bank2")
    with pytest.raises(TransientStoreError) as caught, projection_unit_of_work(bank):
        pass
    assert str(caught.value) == (
        "BANK2_URL (mysql at app@127.0.0.1:1/bank2): connect failed: OperationalError error 2003:"
        " Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)"
    )


class CapturedError(Exception):
    pass


@pytest.fixture
def driver_options(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The keyword arguments the engine passes to ``pymysql.connect``."""
    seen: dict[str, Any] = {}

    def connect(**options: Any) -> Any:
        seen.update(options)
        raise CapturedError

    monkeypatch.setattr(pymysql, "connect", connect)
    return seen


def test_connections_speak_utf8mb4_in_explicit_transactions(
    driver_options: dict[str, Any],
) -> None:
    with pytest.raises(CapturedError):
        MysqlEngine.from_url(f"mariadb://app:{ENCODED_PASSWORD}@db:3310/bank2").connect()
    assert driver_options["host"] == "db"
    assert driver_options["port"] == 3310
    assert driver_options["user"] == "app"
    assert driver_options["password"] == PASSWORD
    assert driver_options["database"] == "bank2"
    assert driver_options["charset"] == "utf8mb4"
    assert driver_options["autocommit"] is False
    # Verified TLS by default: the system's CAs, the host name checked.
    context = driver_options["ssl"]
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname


def test_ssl_false_turns_tls_off_entirely(driver_options: dict[str, Any]) -> None:
    with pytest.raises(CapturedError):
        MysqlEngine.from_url("mysql://app@127.0.0.1/bank2?ssl=false").connect()
    assert "ssl" not in driver_options
    assert driver_options["ssl_disabled"] is True


def test_tls_checks_the_certificate_and_the_host_name(driver_options: dict[str, Any]) -> None:
    import ssl  # noqa: PLC0415

    with pytest.raises(CapturedError):
        MysqlEngine.from_url(f"mysql://app@{HOST}/bank2?ssl=true").connect()
    context = driver_options["ssl"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname


def test_an_unreadable_ca_file_fails_without_a_driver_call(driver_options: dict[str, Any]) -> None:
    with pytest.raises(StoreError, match="ssl_ca"):
        MysqlEngine.from_url("mysql://app@db/bank2?ssl_ca=/nonexistent/ca.pem").connect()
    assert driver_options == {}


# Errors -----------------------------------------------------------------------------------------

PERSONAL = "Duplicate entry 'Maria Souza' for key 'PRIMARY' (+5511987654321)"

TRANSIENT = [
    (1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"),
    (1213, "40001", "Deadlock found when trying to get lock; try restarting transaction"),
    (1040, "08004", "Too many connections"),
    (1053, "08S01", "Server shutdown in progress"),
    (1927, "70100", "Connection was killed"),
    (1317, "70100", "Query execution was interrupted"),
    (1290, "HY000", "The MariaDB server is running with the --read-only option so it cannot..."),
    (1290, "HY000", "The MySQL server is running with the --super-read-only option so it..."),
    (1836, "HY000", "Running in read-only mode"),
    (4031, "HY000", "The client was disconnected by the server because of inactivity."),
]
TERMINAL = [
    (1064, "42000", "You have an error in your SQL syntax near 'Maria Souza'"),
    (1142, "42000", "INSERT command denied to user 'app'@'%' for table 'contact_state'"),
    (1062, "23000", PERSONAL),
    (4025, "23000", "CONSTRAINT `contact_state_region` failed for `bank2`.`contact_state`"),
    (1406, "22001", "Data too long for column 'name' at row 1"),
    (1146, "42S02", "Table 'bank2.contact_state' doesn't exist"),
    (1290, "HY000", "The MySQL server is running with the --secure-file-priv option so it..."),
    (1153, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes"),
]


@pytest.mark.parametrize(("number", "sqlstate", "message"), TRANSIENT)
def test_passing_server_failures_are_transient(number: int, sqlstate: str, message: str) -> None:
    assert engine().is_transient(server_error(number, sqlstate, message))


@pytest.mark.parametrize(("number", "sqlstate", "message"), TERMINAL)
def test_mistakes_and_data_errors_are_terminal(number: int, sqlstate: str, message: str) -> None:
    assert not engine().is_transient(server_error(number, sqlstate, message))


@pytest.mark.parametrize(
    "error",
    [
        pymysql.err.OperationalError(2013, "Lost connection to MySQL server during query"),
        pymysql.err.OperationalError(2006, "MySQL server has gone away (BrokenPipeError(32))"),
        pymysql.err.OperationalError(2003, "Can't connect to MySQL server on 'db' (timed out)"),
        pymysql.err.InterfaceError(0, ""),
    ],
)
def test_lost_and_refused_connections_are_transient(error: Exception) -> None:
    assert engine().is_transient(error)


def test_using_a_closed_connection_is_transient() -> None:
    connection = pymysql.connect(host="127.0.0.1", port=1, defer_connect=True)
    with pytest.raises(pymysql.err.MySQLError) as caught:
        connection.cursor().execute("SELECT 1")
    assert engine().is_transient(caught.value)


def test_a_description_is_class_sqlstate_and_number_never_the_message() -> None:
    error = server_error(1062, "23000", PERSONAL)
    assert engine().describe(error) == "IntegrityError SQLSTATE 23000 error 1062"
    assert engine().describe(pymysql.err.InterfaceError(0, "")) == "InterfaceError"
    assert engine().describe(pymysql.err.Error("Already closed")) == "Error"


def test_every_driver_error_is_caught() -> None:
    assert engine().driver_errors == (pymysql.err.MySQLError,)


def test_the_migration_splits_into_its_statements() -> None:
    migration = migrations_for("mysql")[0]
    statements = split_statements(migration.script)
    assert [s.split("(")[0].split(" AS")[0].strip() for s in statements] == [
        "CREATE TABLE IF NOT EXISTS contact_state",
        "CREATE OR REPLACE SQL SECURITY DEFINER VIEW telesales_contacts",
        "CREATE TABLE IF NOT EXISTS consumer_offsets",
        "CREATE TABLE IF NOT EXISTS rejected_messages",
    ]


def test_timestamps_are_passed_as_utc_wall_time() -> None:
    brasilia = datetime.fromisoformat("2026-11-22T09:00:00-03:00")
    assert engine().timestamp(brasilia) == datetime(2026, 11, 22, 12, 0)  # noqa: DTZ001


# On the real server ------------------------------------------------------------------------------


@pytest.fixture
def bank2() -> Iterator[SqlBank2]:
    with mysql_database() as url:
        bank = open_bank2(url)
        yield bank
        bank.close()


def contact(customer_id: str, n: int, name: str = "Maria Souza") -> Contact:
    return Contact(
        customer_id,
        Version(VersionScheme.PRODUCER_COUNTER, (n,)),
        name,
        "+5511987654321",
        Region.SUDESTE,
    )


def questions(bank: SqlBank2) -> int:
    """How many statements this session has sent the server so far."""
    rows = query(bank, "SHOW SESSION STATUS LIKE 'Questions'")
    return int(str(rows[0][1]))


def statements_for_batch(bank: SqlBank2, changes: list[Contact]) -> int:
    before = questions(bank)
    with projection_unit_of_work(bank) as uow:
        uow.store.write_contacts(changes, NOW)  # reads the stored versions, then upserts
        uow.commit()
    return questions(bank) - before


def test_a_batch_costs_the_same_statements_whatever_its_size(bank2: SqlBank2) -> None:
    small = statements_for_batch(bank2, [contact("0", 1)])
    large = statements_for_batch(bank2, [contact(str(n), 2, f"Cliente {n}") for n in range(2000)])
    assert large == small
    assert query(bank2, "SELECT COUNT(*) FROM telesales_contacts") == [(2000,)]


def test_reading_a_batchs_stored_versions_probes_the_key_not_the_table(bank2: SqlBank2) -> None:
    # MySQL's upsert cannot return the rows it wrote, so each batch first reads the stored
    # versions: through the primary key, so that a batch costs the same in a Bank 2 of a
    # thousand customers or of ten million.
    probe = projection_sql(bank2.engine.name).stored_versions
    assert probe is not None
    statements_for_batch(bank2, [contact(str(n), 1) for n in range(5000)])
    ids = "[" + ", ".join(f'"{n}"' for n in range(0, 5000, 10)) + "]"
    connection = bank2.acquire()
    try:
        cursor = connection.cursor()
        cursor.execute("EXPLAIN " + probe.sql, (ids,))
        # By column name: MySQL 8 has a ``partitions`` column that MariaDB has not.
        names = [column[0] for column in cursor.description]
        steps = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        connection.rollback()
    finally:
        bank2.release(broken=False)
    plan = [(step["type"], step["key"]) for step in steps if step["table"] == "contact_state"]
    assert plan == [("eq_ref", "PRIMARY")]


def test_a_customer_sent_twice_in_one_batch_keeps_the_newest_version(bank2: SqlBank2) -> None:
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts(
            [contact("1", 2, "Two"), contact("1", 3, "Three"), contact("1", 1, "One")], NOW
        )
        uow.store.write_contacts([contact("2", 5, "First"), contact("2", 5, "Second")], NOW)
        uow.commit()
    assert query(bank2, "SELECT customer_id, name FROM telesales_contacts ORDER BY 1") == [
        ("1", "Three"),
        ("2", "First"),
    ]


def test_ids_are_exact_and_names_keep_every_character(bank2: SqlBank2) -> None:
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts(
            [contact("a", 1, "Lower"), contact("A", 1, "Upper"), contact("٤٢", 1, "Ção 😀")], NOW
        )
        uow.commit()
    with projection_unit_of_work(bank2) as uow:
        # Only "á" is unknown: were ids matched by case or accent, it would land on "a".
        version = Version(VersionScheme.PRODUCER_COUNTER, (2,))
        assert uow.store.write_contacts([Removal("á", version)], NOW).customer_ids == {"á"}
        uow.commit()
    assert query(bank2, "SELECT customer_id, name FROM contact_state ORDER BY 1") == [
        ("A", "Upper"),
        ("a", "Lower"),
        ("á", None),
        ("٤٢", "Ção 😀"),
    ]
    assert query(bank2, "SELECT name FROM telesales_contacts WHERE customer_id = '٤٢'") == [
        ("Ção 😀",)
    ]


def test_a_value_too_long_fails_the_batch_without_quoting_it(bank2: SqlBank2) -> None:
    too_long = "Maria Souza " * 11  # 132 characters; the column holds 120
    with projection_unit_of_work(bank2) as uow, pytest.raises(StoreError) as caught:
        uow.store.write_contacts([contact("1", 1), contact("2", 1, too_long)], NOW)
    assert not isinstance(caught.value, TransientStoreError)
    assert "Maria" not in str(caught.value)
    assert str(caught.value) == (
        f"BANK2_URL (mysql at {bank2.engine.location}): write_contacts failed: "
        "DataError SQLSTATE 22001 error 1406"
    )
    assert query(bank2, "SELECT COUNT(*) FROM contact_state") == [(0,)]


def test_a_killed_session_is_transient_and_the_next_unit_uses_a_fresh_one(
    bank2: SqlBank2,
) -> None:
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 1)], NOW)
        uow.commit()
    (session,) = query(bank2, "SELECT CONNECTION_ID()")[0]
    with mysql_admin() as admin:
        admin.cursor().execute(f"KILL {int(str(session))}")
    with pytest.raises(TransientStoreError), projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 2, "Lost")], NOW)
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 2, "Kept")], NOW)
        uow.commit()
    assert query(bank2, "SELECT name FROM telesales_contacts") == [("Kept",)]


def test_a_migration_interrupted_after_its_ddl_is_completed_at_the_next_connect() -> None:
    with mysql_database() as url:
        first = MysqlEngine.from_url(url).connect()
        cursor = first.cursor()
        # As if the process died after the CREATEs (each committed) but before the record.
        cursor.execute("DROP VIEW telesales_contacts")
        cursor.execute("DELETE FROM schema_migrations")
        first.commit()
        first.close()
        bank = open_bank2(url)
        with projection_unit_of_work(bank) as uow:
            uow.store.write_contacts([contact("1", 1)], NOW)
            uow.commit()
        assert query(bank, "SELECT version FROM schema_migrations ORDER BY version") == [
            (m.version,) for m in migrations_for("mysql")
        ]
        assert query(bank, "SELECT customer_id FROM telesales_contacts") == [("1",)]
        bank.close()


def mysql_admin() -> Any:
    from tests.databases import MYSQL_ADMIN_URL  # noqa: PLC0415

    target = parse_mysql_url(MYSQL_ADMIN_URL)
    return pymysql.connect(
        host=target.host,
        port=target.port,
        user=target.user,
        password=target.password,
        autocommit=True,
    )


@pytest.mark.parametrize(
    ("number", "sqlstate", "message"),
    [
        (1045, "28000", "Access denied for user 'telesales'@'10.0.0.7' (using password: YES)"),
        (1044, "42000", "Access denied for user 'telesales'@'%' to database 'bank2'"),
        (1049, "42000", "Unknown database 'bank2'"),
        (1142, "42000", "SELECT command denied to user 'telesales'@'%' for table 'contact_state'"),
        (1146, "42S02", "Table 'bank2.contact_state' doesn't exist"),
        (1205, "HY000", "Lock wait timeout exceeded; try restarting transaction"),
    ],
)
def test_errors_about_accounts_rights_and_schema_say_why(
    number: int, sqlstate: str, message: str
) -> None:
    assert engine().reason(server_error(number, sqlstate, message)) == message


@pytest.mark.parametrize(
    ("number", "sqlstate", "message"),
    [
        (1062, "23000", PERSONAL),
        (1064, "42000", "You have an error in your SQL syntax near 'Maria Souza'"),
        (1366, "22007", "Incorrect string value: '\\xF0\\x9F' for column 'name' at row 1"),
        (1406, "22001", "Data too long for column 'name' at row 1"),
    ],
)
def test_errors_about_data_show_their_number_only(number: int, sqlstate: str, message: str) -> None:
    assert engine().reason(server_error(number, sqlstate, message)) is None


def test_the_password_never_reaches_a_reason() -> None:
    error = server_error(1045, "28000", f"Access denied, you said {PASSWORD}")
    assert engine().reason(error) == "Access denied, you said ***"


def test_held_contacts_stay_locked_until_the_transaction_ends(bank2: SqlBank2) -> None:
    # A change that leaves fields out is settled on the row it read: no other writer may change
    # that row before the upsert writes over it.
    with projection_unit_of_work(bank2) as uow:
        uow.store.write_contacts([contact("1", 1)], NOW)
        uow.commit()
    other = bank2.engine.connect()
    try:
        with projection_unit_of_work(bank2) as uow:
            uow.store.held_contacts(["1"])
            cursor = other.cursor()
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
            bank2.engine.begin(other)
            with pytest.raises(pymysql.err.MySQLError) as raised:
                cursor.execute("UPDATE contact_state SET name = 'Other' WHERE customer_id = '1'")
            assert error_number(raised.value) == 1205
    finally:
        close_quietly(other)


def test_a_refused_server_certificate_fails_at_once() -> None:
    # As PyMySQL reports it: "cannot connect" (2003), the ssl module's error kept beside it.
    refused = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
    error = pymysql.err.OperationalError(2003, f"Can't connect to MySQL server on 'db' ({refused})")
    error.original_exception = refused
    assert not engine().is_transient(error)
    reason = engine().reason(error)
    assert reason is not None
    assert "certificate verify failed" in reason
    dropped = pymysql.err.OperationalError(
        2003, "Can't connect to MySQL server on 'db' (timed out)"
    )
    assert engine().is_transient(dropped)


class _StatusCursor:
    """A fake cursor answering ``SHOW SESSION STATUS LIKE 'Ssl_cipher'`` as a server would."""

    def __init__(self, cipher: str) -> None:
        self.cipher = cipher
        self.statements: list[str] = []

    def execute(self, statement: str) -> None:
        self.statements.append(statement)

    def fetchone(self) -> tuple[str, str]:
        return ("Ssl_cipher", self.cipher)


def test_a_session_that_should_be_tls_and_is_not_is_refused() -> None:
    # PyMySQL before 1.2 fell back to plaintext when the server offered no TLS: the engine
    # checks the session itself, whatever the driver does.
    with pytest.raises(StoreError, match="the session is not encrypted"):
        _check_encrypted(_StatusCursor(""))
    _check_encrypted(_StatusCursor("TLS_AES_256_GCM_SHA384"))
