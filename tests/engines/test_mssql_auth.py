"""Signing in to Azure SQL and classifying its errors, without a server.

Errors are real ``pyodbc`` exception objects where pyodbc can be imported. pyodbc's extension
links against the ODBC driver manager (libodbc); where that is missing, a stand-in module with
pyodbc's exception hierarchy takes its place in ``sys.modules``, and the engine, which imports
pyodbc lazily, classifies the same objects.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path
from urllib.parse import quote

import pytest

from adapters.engines.mssql.auth import pack_access_token
from adapters.engines.mssql.engine import MssqlEngine
from adapters.engines.mssql.url import (
    DEFAULT_DRIVER,
    Authentication,
    MssqlTarget,
    MssqlUrlError,
    connection_string,
    parse_mssql_url,
)
from adapters.engines.urls import Bank2UrlError, open_bank2

PASSWORD = "S3cr;et}P@ss/w:rd"  # noqa: S105 - made up, for the tests to look for
SERVER = "bank2-sql.database.windows.net"
CLIENT_ID = "8f1c2d3e-4b5a-6789-abcd-ef0123456789"


def mssql(path_and_query: str, credentials: str = "") -> str:
    return f"mssql+pyodbc://{credentials}{SERVER}{path_and_query}"


def odbc_pairs(conn_str: str) -> dict[str, str]:
    """Split a connection string whose only braced value may hold ';' (the password)."""
    pairs: dict[str, str] = {}
    rest = conn_str
    while rest:
        key, rest = rest.split("=", 1)
        if rest.startswith("{"):
            end = rest.index("};", 1)
            while rest[end + 1 : end + 2] == "}":  # a doubled '}' is a literal '}'
                end = rest.index("};", end + 2)
            value, rest = rest[1:end].replace("}}", "}"), rest[end + 2 :]
        else:
            value, rest = rest.split(";", 1)
        pairs[key.lower()] = value
    return pairs


def test_an_access_token_is_packed_as_length_prefixed_utf16le() -> None:
    assert pack_access_token("eyJ") == b"\x06\x00\x00\x00e\x00y\x00J\x00"
    token = "eyJ0eXAiOiJKV1Qi." + "x" * 1500
    packed = pack_access_token(token)
    assert packed[:4] == (2 * len(token)).to_bytes(4, "little")
    assert packed[4:] == token.encode("utf-16-le")
    assert len(packed) == 4 + 2 * len(token)


def test_a_user_assigned_managed_identity_signs_in_with_its_client_id() -> None:
    target = parse_mssql_url(
        mssql(f"/bank2?authentication=ActiveDirectoryMsi&client_id={CLIENT_ID}")
    )
    pairs = odbc_pairs(connection_string(target))
    assert pairs == {
        "driver": DEFAULT_DRIVER,
        "server": f"tcp:{SERVER},1433",
        "database": "bank2",
        "encrypt": "yes",
        "trustservercertificate": "no",
        "authentication": "ActiveDirectoryMsi",
        "uid": CLIENT_ID,
    }


def test_a_system_assigned_managed_identity_needs_no_uid() -> None:
    target = parse_mssql_url(mssql("/bank2?authentication=activedirectorymsi"))
    pairs = odbc_pairs(connection_string(target))
    assert pairs["authentication"] == "ActiveDirectoryMsi"
    assert "uid" not in pairs
    assert "pwd" not in pairs


@pytest.mark.parametrize(
    "query", ["?authentication=token", f"?authentication=token&client_id={CLIENT_ID}"]
)
def test_token_authentication_leaves_every_identity_out_of_the_connection_string(
    query: str,
) -> None:
    target = parse_mssql_url(mssql(f"/bank2{query}"))
    assert target.authentication is Authentication.ACCESS_TOKEN
    pairs = odbc_pairs(connection_string(target))
    assert not {"uid", "pwd", "authentication", "trusted_connection"} & set(pairs)
    assert CLIENT_ID not in connection_string(target)


def test_a_local_sql_login_reads_percent_encoded_credentials_and_braces_the_password() -> None:
    url = (
        f"mssql+pyodbc://sa:{quote(PASSWORD, safe='')}@localhost:14330/bank2"
        "?TrustServerCertificate=yes&driver=ODBC+Driver+17+for+SQL+Server"
    )
    target = parse_mssql_url(url)
    assert (target.user, target.password, target.port) == ("sa", PASSWORD, 14330)
    pairs = odbc_pairs(connection_string(target))
    assert pairs["uid"] == "sa"
    assert pairs["pwd"] == PASSWORD
    assert pairs["server"] == "tcp:localhost,14330"
    assert pairs["driver"] == "ODBC Driver 17 for SQL Server"
    assert pairs["trustservercertificate"] == "yes"
    assert pairs["encrypt"] == "yes"
    assert "authentication" not in pairs


def test_neither_the_target_nor_the_engine_shows_the_password() -> None:
    target = parse_mssql_url(f"mssql://sa:{quote(PASSWORD, safe='')}@localhost/bank2")
    assert PASSWORD not in repr(target)
    assert PASSWORD not in repr(MssqlEngine(target))


BAD_URLS = {
    "bad port": "mssql+pyodbc://sa:{pw}@localhost:99999/bank2",
    "non-numeric port": "mssql+pyodbc://sa:{pw}@localhost:14x3/bank2",
    "no database": "mssql+pyodbc://sa:{pw}@localhost",
    "two path segments": "mssql+pyodbc://sa:{pw}@localhost/bank2/extra",
    "no server": "mssql+pyodbc://sa:{pw}@/bank2",
    "unknown option": "mssql+pyodbc://sa:{pw}@localhost/bank2?pwd={pw}",
    "unknown authentication": "mssql+pyodbc://sa:{pw}@localhost/bank2?authentication={pw}",
    "password with msi": "mssql+pyodbc://sa:{pw}@h/bank2?authentication=ActiveDirectoryMsi",
    "password with token": "mssql+pyodbc://sa:{pw}@h/bank2?authentication=token",
    "client id with login": "mssql+pyodbc://sa:{pw}@h/bank2?client_id=" + CLIENT_ID,
    "login without password": "mssql+pyodbc://sa@localhost/bank2",
    "bad encrypt": "mssql+pyodbc://sa:{pw}@localhost/bank2?encrypt={pw}",
    "repeated option": "mssql+pyodbc://sa:{pw}@localhost/bank2?driver=a&DRIVER=b",
    "bracket in host": "mssql+pyodbc://sa:{pw}@[localhost/bank2",
}


@pytest.mark.parametrize("case", sorted(BAD_URLS))
@pytest.mark.parametrize("password", [PASSWORD, "hunter2hunter2"])
def test_url_errors_name_the_problem_but_never_the_password(case: str, password: str) -> None:
    url = BAD_URLS[case].format(pw=quote(password, safe=""))
    with pytest.raises(MssqlUrlError) as raised:
        parse_mssql_url(url)
    with pytest.raises(Bank2UrlError) as through_settings:
        open_bank2(url)
    for error in (raised.value, through_settings.value):
        shown = visible_chain(error)
        assert password not in shown
        assert quote(password, safe="") not in shown
    assert "BANK2_URL" in str(raised.value)


def visible_chain(error: BaseException | None) -> str:
    """What a traceback of this error shows: it and the exceptions chained to it."""
    shown = ""
    while error is not None:
        shown += f"{error} {error!r}\n"
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return shown


def test_an_unsupported_scheme_says_which_schemes_are() -> None:
    with pytest.raises(
        Bank2UrlError, match=r"sqlite:///.*mssql\+pyodbc://.*postgresql://.*mysql://"
    ) as error:
        open_bank2(f"oracle://app:{PASSWORD}@db/bank2")
    assert PASSWORD not in str(error.value)


def test_opening_an_mssql_bank_imports_neither_pyodbc_nor_azure_identity() -> None:
    """The function app opens Bank 2 at import time: that must not need the ODBC stack."""
    script = (
        "import sys\n"
        "from adapters.engines.urls import open_bank2\n"
        "bank = open_bank2(sys.argv[1])\n"
        "assert type(bank.engine).__name__ == 'MssqlEngine'\n"
        "loaded = [m for m in ('pyodbc', 'azure.identity') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    url = mssql(f"/bank2?authentication=token&client_id={CLIENT_ID}")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", script, url], check=True, cwd=root)  # noqa: S603


# Real pyodbc messages: "[SQLSTATE] driver text (native error) (ODBC function)".
_DRIVER = "[Microsoft][ODBC Driver 18 for SQL Server]"


@pytest.fixture
def pyodbc(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    try:
        import pyodbc as real  # noqa: PLC0415 - needs libodbc, which may be missing
    except ImportError:
        stand_in = _stand_in_pyodbc()
        monkeypatch.setitem(sys.modules, "pyodbc", stand_in)
        return stand_in
    module: types.ModuleType = real
    return module


def _stand_in_pyodbc() -> types.ModuleType:
    """pyodbc's exception classes, which take ``(sqlstate, message)`` like the real ones."""
    module = types.ModuleType("pyodbc")
    error = type("Error", (Exception,), {"__module__": "pyodbc"})
    module.Error = error  # type: ignore[attr-defined]
    for name in ("OperationalError", "ProgrammingError", "IntegrityError", "InterfaceError"):
        setattr(module, name, type(name, (error,), {"__module__": "pyodbc"}))
    return module


def engine() -> MssqlEngine:
    return MssqlEngine(MssqlTarget(SERVER, "bank2", Authentication.MANAGED_IDENTITY))


# (class pyodbc picks for the SQLSTATE, SQLSTATE, driver text, native error, ODBC function)
Case = tuple[str, str, str, int, str]
TRANSIENT: list[Case] = [
    ("OperationalError", "08S01", "TCP Provider: Error code 0x2746", 10054, "SQLExecDirectW"),
    ("OperationalError", "08S01", "Communication link failure", 0, "SQLExecDirectW"),
    ("OperationalError", "HYT00", "Query timeout expired", 0, "SQLExecDirectW"),
    ("OperationalError", "HYT00", "Login timeout expired", 0, "SQLDriverConnect"),
    ("ProgrammingError", "42000", "Database 'bank2' is not available.", 40613, "SQLDriverConnect"),
    ("ProgrammingError", "42000", "Cannot open database 'bank2'.", 4060, "SQLDriverConnect"),
    ("Error", "40001", "Transaction (Process ID 57) was deadlocked", 1205, "SQLExecDirectW"),
    ("Error", "HY000", "Lock request time out period exceeded.", 1222, "SQLExecDirectW"),
    ("Error", "42000", "The request limit for the database is 60", 10928, "SQLExecDirectW"),
    ("Error", "HY000", "The service is currently busy.", 40501, "SQLExecDirectW"),
]
TERMINAL: list[Case] = [
    (
        "IntegrityError",
        "23000",
        "Violation of PRIMARY KEY. The duplicate key value is (Maria Souza) (40613).",
        2627,
        "SQLExecDirectW",
    ),
    (
        "ProgrammingError",
        "42S02",
        "Invalid object name 'dbo.contact_state'.",
        208,
        "SQLExecDirectW",
    ),
    ("Error", "22001", "String or binary data would be truncated", 2628, "SQLExecDirectW"),
    ("InterfaceError", "28000", "Login failed for user 'telesales'.", 18456, "SQLDriverConnect"),
    ("InterfaceError", "IM002", "Data source name not found", 0, "SQLDriverConnect"),
]


def make(pyodbc: types.ModuleType, case: Case) -> BaseException:
    cls, sqlstate, text, native, function = case
    error: BaseException = getattr(pyodbc, cls)(
        sqlstate, f"[{sqlstate}] {_DRIVER}{text} ({native}) ({function})"
    )
    return error


@pytest.mark.parametrize("case", TRANSIENT, ids=lambda c: f"{c[1]}-{c[3]}")
def test_failovers_throttling_deadlocks_and_lost_connections_are_retried(
    pyodbc: types.ModuleType, case: Case
) -> None:
    error = make(pyodbc, case)
    assert isinstance(error, engine().driver_errors)
    assert engine().is_transient(error)


@pytest.mark.parametrize("case", TERMINAL, ids=lambda c: f"{c[1]}-{c[3]}")
def test_data_schema_and_login_errors_fail_the_batch_at_once(
    pyodbc: types.ModuleType, case: Case
) -> None:
    error = make(pyodbc, case)
    assert isinstance(error, engine().driver_errors)
    assert not engine().is_transient(error)


def test_any_operational_error_counts_as_a_connection_problem(pyodbc: types.ModuleType) -> None:
    error = pyodbc.OperationalError("HY001", "[HY001] Memory allocation error (0) (SQLExecDirectW)")
    assert engine().is_transient(error)


def test_later_diagnostic_records_are_read_too(pyodbc: types.ModuleType) -> None:
    message = (
        f"[HY000] {_DRIVER}Unexpected EOF (0) (SQLEndTran); "
        f"[01000] {_DRIVER}The service has encountered an error (40197)"
    )
    assert engine().is_transient(pyodbc.Error("HY000", message))


def test_describing_an_error_gives_class_sqlstate_and_number_never_its_text(
    pyodbc: types.ModuleType,
) -> None:
    error = make(pyodbc, TERMINAL[0])
    assert engine().describe(error) == "IntegrityError SQLSTATE 23000 error 2627"
    assert engine().describe(make(pyodbc, TRANSIENT[0])) == (
        "OperationalError SQLSTATE 08S01 error 10054"
    )
    # pyodbc's own errors put the message first and the SQLSTATE second.
    own = pyodbc.ProgrammingError("Attempt to use a closed cursor.", "HY010")
    assert engine().describe(own) == "ProgrammingError SQLSTATE HY010"
    assert engine().describe(pyodbc.Error("Maria Souza")) == "Error"


FIREWALL_REFUSAL = (
    "[SQL Server]Cannot open server 'bank2' requested by the login. Client with IP address "
    "'10.0.0.7' is not allowed to access the server."
)
SIGN_IN_REFUSED: list[Case] = [
    (
        "InterfaceError",
        "28000",
        "[SQL Server]Login failed for user '<token-identified principal>'.",
        18456,
        "SQLDriverConnect",
    ),
    (
        "ProgrammingError",
        "42000",
        FIREWALL_REFUSAL,
        40615,
        "SQLDriverConnect",
    ),
    # The driver may file a refused login under a connection SQLSTATE: the number decides.
    (
        "OperationalError",
        "08001",
        "[SQL Server]Login failed for user 'bank2'.",
        18456,
        "SQLDriverConnect",
    ),
]


@pytest.mark.parametrize("case", SIGN_IN_REFUSED)
def test_a_refused_sign_in_fails_at_once_and_says_why(pyodbc: types.ModuleType, case: Case) -> None:
    error = make(pyodbc, case)
    assert not engine().is_transient(error)
    reason = engine().reason(error)
    assert reason is not None
    assert case[2] in reason


@pytest.mark.parametrize("case", [case for case in TERMINAL if case[1][:2] in {"22", "23"}])
def test_errors_about_data_show_their_number_only(pyodbc: types.ModuleType, case: Case) -> None:
    assert engine().reason(make(pyodbc, case)) is None


def test_a_lost_connection_says_why(pyodbc: types.ModuleType) -> None:
    reason = engine().reason(make(pyodbc, TRANSIENT[0]))
    assert reason is not None
    assert "TCP Provider: Error code 0x2746" in reason


def test_a_documented_transient_number_wins_over_the_login_failure_sent_with_it(
    pyodbc: types.ModuleType,
) -> None:
    message = (
        f'[42000] {_DRIVER}[SQL Server]Cannot open database "bank2" requested by the login.'
        f" The login failed. (4060); [28000] {_DRIVER}[SQL Server]Login failed for user"
        " '<token-identified principal>'. (18456)"
    )
    assert engine().is_transient(pyodbc.ProgrammingError("42000", message))


def test_a_refused_server_certificate_fails_at_once(pyodbc: types.ModuleType) -> None:
    message = (
        f"[08001] {_DRIVER}SSL Provider: [error:0A000086:SSL routines::certificate verify"
        " failed:unable to get local issuer certificate] (-1) (SQLDriverConnect)"
    )
    error = pyodbc.OperationalError("08001", message)
    assert not engine().is_transient(error)
    reason = engine().reason(error)
    assert reason is not None
    assert "certificate verify failed" in reason
