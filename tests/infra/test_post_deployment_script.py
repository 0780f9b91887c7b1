"""infra/scripts/grant-bank2-access.sh, run by /bin/sh with stand-ins for its tools.

Azure SQL is not reachable here, so ``python``, ``sqlcmd`` and ``az`` are small scripts that record
how they were called. What is checked is the script's own behaviour: the order of the two steps,
the URL and sign-in it uses, the variables it hands to the privileges script, and that it stops,
saying why, when something is missing.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.infra.bicep import MAIN, ROOT, parsed

SCRIPT = ROOT / "infra" / "scripts" / "grant-bank2-access.sh"
OUTPUTS = {
    "AZURE_SQL_SERVER_FQDN": "sql-dev-abc.database.windows.net",
    "AZURE_SQL_DATABASE_NAME": "bank2",
    "CUSTOMERS_IDENTITY_NAME": "id-customers-dev-abc",
    "PAYMENTS_IDENTITY_NAME": "id-payments-dev-abc",
}


def _stub(directory: Path, name: str, log: Path, body: str = "") -> Path:
    """An executable that appends its name, argv and BANK2_URL to ``log`` as one JSON line."""
    path = directory / name
    path.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$(python3 -c 'import json,os,sys; "
        f'print(json.dumps([sys.argv[1], sys.argv[2:], os.environ.get("BANK2_URL")]))\' '
        f'{name} "$@")" >> {shlex.quote(str(log))}\n'
        f"{body}\n"
    )
    path.chmod(0o755)
    return path


def _run(
    tmp_path: Path, env: dict[str, str], *args: str, python_body: str = ""
) -> tuple[subprocess.CompletedProcess[str], list[list[Any]]]:
    log = tmp_path / "calls.jsonl"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = _stub(bin_dir, "python", log, python_body)
    _stub(bin_dir, "sqlcmd", log)
    _stub(
        bin_dir,
        "az",
        log,
        "printf '%s\\n%s\\n%s\\n%s\\n' sql-from-az.database.windows.net bank2 "
        "id-customers-from-az id-payments-from-az",
    )
    environment = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": str(python),
        **env,
    }
    completed = subprocess.run(  # noqa: S603 - the script under test, run by /bin/sh
        ["/bin/sh", str(SCRIPT), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return completed, calls


def test_it_migrates_as_the_signed_in_admin_then_grants_the_least_privileges(
    tmp_path: Path,
) -> None:
    completed, calls = _run(tmp_path, OUTPUTS | {"TELESALES_PRINCIPAL": "Telesales team"})
    assert completed.returncode == 0, completed.stderr
    (migrate, grant) = calls
    assert migrate[:2] == ["python", ["-m", "adapters.bank2", "migrate", "--consumer", "all"]]
    # Token sign-in without a client id: DefaultAzureCredential, i.e. the admin's az login.
    assert migrate[2] == (
        "mssql+pyodbc://sql-dev-abc.database.windows.net/bank2?authentication=token"
    )
    name, argv, _ = grant
    assert name == "sqlcmd"
    assert argv[argv.index("-S") + 1] == "sql-dev-abc.database.windows.net"
    assert argv[argv.index("-d") + 1] == "bank2"
    assert argv[argv.index("--authentication-method") + 1] == "ActiveDirectoryDefault"
    assert "-b" in argv  # stop at the first error
    # One contained user per function identity, each with its own grants.
    assert argv[argv.index("-v") + 1 : argv.index("-v") + 4] == [
        "CUSTOMERS_IDENTITY=id-customers-dev-abc",
        "PAYMENTS_IDENTITY=id-payments-dev-abc",
        "TELESALES_PRINCIPAL=Telesales team",
    ]
    script = argv[argv.index("-i") + 1]
    assert script == "adapters/engines/mssql/privileges.sql"
    assert (ROOT / script).is_file()


def _sqlcmd_variables() -> set[str]:
    """The sqlcmd variables the script passes (NAME="$VALUE" arguments)."""
    return set(re.findall(r"(\w+)=\"\$\w+\"", SCRIPT.read_text()))


def test_it_passes_one_identity_per_function_to_the_privilege_script() -> None:
    assert _sqlcmd_variables() == {"CUSTOMERS_IDENTITY", "PAYMENTS_IDENTITY", "TELESALES_PRINCIPAL"}


def test_the_privilege_script_variables_are_the_ones_it_uses() -> None:
    sql = (ROOT / "adapters" / "engines" / "mssql" / "privileges.sql").read_text()
    assert set(re.findall(r"\$\((\w+)\)", sql)) == _sqlcmd_variables()


def test_it_reads_the_outputs_of_an_az_deployment(tmp_path: Path) -> None:
    completed, calls = _run(
        tmp_path, {"TELESALES_PRINCIPAL": "Telesales team"}, "rg-telesales", "main"
    )
    assert completed.returncode == 0, completed.stderr
    az, migrate, grant = calls
    assert az[0] == "az"
    assert az[1][:6] == [
        "deployment",
        "group",
        "show",
        "--resource-group",
        "rg-telesales",
        "--name",
    ]
    assert (
        migrate[2] == "mssql+pyodbc://sql-from-az.database.windows.net/bank2?authentication=token"
    )
    assert "CUSTOMERS_IDENTITY=id-customers-from-az" in grant[1]
    assert "PAYMENTS_IDENTITY=id-payments-from-az" in grant[1]


def test_the_outputs_it_reads_are_outputs_of_main_bicep() -> None:
    outputs = set(parsed(MAIN)["outputs"])
    assert set(OUTPUTS) <= outputs
    text = SCRIPT.read_text()
    for name in OUTPUTS:
        assert f"properties.outputs.{name}.value" in text


@pytest.mark.parametrize("missing", [*OUTPUTS, "TELESALES_PRINCIPAL"])
def test_a_missing_setting_stops_it_before_anything_runs(tmp_path: Path, missing: str) -> None:
    env = OUTPUTS | {"TELESALES_PRINCIPAL": "Telesales team"}
    del env[missing]
    completed, calls = _run(tmp_path, env)
    assert completed.returncode != 0
    assert missing in completed.stderr
    assert calls == []


def test_a_failed_migration_stops_it_before_the_grants(tmp_path: Path) -> None:
    completed, calls = _run(
        tmp_path, OUTPUTS | {"TELESALES_PRINCIPAL": "Telesales team"}, python_body="exit 1"
    )
    assert completed.returncode != 0
    assert [call[0] for call in calls] == ["python"]
    # The server's public endpoint is closed by default: say where to run it from.
    assert "virtual network" in completed.stderr
