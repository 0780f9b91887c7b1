"""The registry: one list of engines, their URL schemes and aliases, and their privilege
scripts, read by the URL dispatch, the tests and the benchmark; only the engine a URL names is
ever imported."""

from __future__ import annotations

import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from adapters.engines.portable import MARKERS, portable
from adapters.engines.registry import (
    ENGINES,
    canonical,
    engine_class,
    for_scheme,
    privileges_script,
)
from adapters.engines.urls import open_bank2
from tests import databases as test_databases

ROOT = Path(__file__).resolve().parents[2]


def test_names_and_url_schemes_resolve_through_the_registry() -> None:
    assert canonical("postgres") == "postgresql"
    assert canonical("mariadb") == "mysql"
    for entry in ENGINES.values():
        assert canonical(entry.name) == entry.name
        for scheme in entry.schemes:
            assert for_scheme(scheme) is entry
    with pytest.raises(ValueError, match="unknown engine"):
        canonical("oracle")


@pytest.mark.parametrize("name", sorted(ENGINES))
def test_each_engine_class_carries_the_registered_name(name: str) -> None:
    assert engine_class(ENGINES[name]).name == name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("sqlite:///:memory:", "sqlite"),
        ("postgres://app@db/bank2", "postgresql"),
        ("postgresql://app@db/bank2", "postgresql"),
        ("mariadb://app@db/bank2", "mysql"),
        ("mysql+pymysql://app@db/bank2", "mysql"),
        ("mssql+pyodbc://srv/bank2?authentication=ActiveDirectoryMsi", "mssql"),
    ],
)
def test_every_scheme_opens_its_engine(url: str, name: str) -> None:
    with closing(open_bank2(url)) as bank:
        assert bank.engine.name == name


def test_privilege_scripts_are_where_the_registry_says() -> None:
    assert privileges_script("sqlite") is None
    for name in ("postgresql", "mysql", "mssql"):
        script = privileges_script(name)
        assert script is not None
        assert script.is_file()
        assert script.relative_to(ROOT).parts[:3] == ("adapters", "engines", name)


def test_the_tests_reach_engines_through_the_registry() -> None:
    assert {canonical(name) for name in test_databases.TESTED_AS.values()} == set(ENGINES)
    assert {canonical(name) for name in test_databases.ENGINES} <= set(ENGINES)


def test_a_customer_function_on_sqlite_loads_no_other_engine_and_no_other_driver() -> None:
    probe = (
        "import sys\n"
        "from adapters.customers.store import projection_units\n"
        "from adapters.engines.urls import open_bank2\n"
        "bank = open_bank2('sqlite:///:memory:', streams=('customers',))\n"
        "with projection_units(bank)() as uow:\n"
        "    uow.store.applied_offsets('group')\n"
        "others = ('psycopg', 'pymysql', 'pyodbc', 'azure.identity')\n"
        "others += tuple(f'adapters.engines.{e}' for e in ('postgresql', 'mysql', 'mssql'))\n"
        "others += tuple(f'adapters.{c}.sql.{e}' for c in ('customers', 'payments')\n"
        "                for e in ('postgresql', 'mysql', 'mssql'))\n"
        "print(sorted(m for m in sys.modules if m.startswith(others)))\n"
    )
    result = subprocess.run(  # noqa: S603 - a fixed probe
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_engine_declares_its_parameter_marker_for_portable_statements() -> None:
    assert set(MARKERS) == set(ENGINES)
    statement = portable("SELECT a FROM t WHERE b = :b AND c = :c OR b = :b", "postgresql")
    assert statement.sql == "SELECT a FROM t WHERE b = %s AND c = %s OR b = %s"
    assert statement.params == ("b", "c", "b")
    assert portable("SELECT 1 WHERE x = :x", "sqlite").sql == "SELECT 1 WHERE x = ?"
