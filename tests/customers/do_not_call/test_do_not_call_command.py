"""``python -m adapters.bank2 do-not-call load|lists`` end to end, on SQLite and on every
server here: what the privacy officer reads, what telesales then see, and that no phone or line
of the file ever reaches the output, an error or a log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from adapters.bank2.__main__ import main
from adapters.engines.urls import open_bank2
from tests.customers.do_not_call.support import SqlBackend, write_csv
from tests.databases import ENGINES, database_url

# A line that is all personal data, and phones: none of it may be printed or logged.
PRIVATE = "Maria Souza;rua das Flores 12;maria@example.com"
EXPORT = f"telefone;data_inclusao\n(11) 98765-4321;2024-03-15\n21998765432;\n{PRIVATE}\n12345;\n"
NEWER = "telefone\n21998765432\n"
SECRETS = ("98765", "4321", "99876", "5432", "12345", "Maria", "Flores", "example")


@pytest.fixture(params=ENGINES)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as found:
        yield found


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["do-not-call", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_load_then_lists_then_the_same_file_then_a_newer_export(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bank = open_bank2(url)
    backend = SqlBackend("any", bank)
    try:
        backend.add_contact("c-1", "+5511987654321")
        backend.add_contact("c-2", "+5571988887777")
        export = write_csv(tmp_path / "procon-2025-06.csv", EXPORT)
        newer = write_csv(tmp_path / "procon-2025-07.csv", NEWER)
        load = ["load", "--list", "procon-sp", "--url", url]

        status, out, err = run(*load, "--exported-on", "2025-06-01", str(export), capsys=capsys)
        assert (status, err) == (0, "")
        assert out.splitlines() == [
            "procon-sp, export of 2025-06-01: loaded as load 1",
            "  lines read           4",
            "  phones read          2",
            "  phones loaded        2",
            "  duplicate lines      0",
            "  bad lines            2: invalid_phone 2 (first at lines 4, 5)",
            "  phones added         2",
            "  phones dropped       0",
            "  contacts suppressed  1 (hidden from telesales, one removal-log row each)",
            "  contacts restored    0 (shown to telesales again)",
        ]
        assert backend.visible() == ["c-2"]

        status, out, _ = run("lists", "--url", url, capsys=capsys)
        assert status == 0
        header, row = out.splitlines()
        assert header.split() == [
            "list",
            "exported",
            "on",
            "phones",
            "load",
            "loaded",
            "at",
            "(UTC)",
        ]
        assert row.split()[:4] == ["procon-sp", "2025-06-01", "2", "1"]

        status, out, _ = run(*load, "--exported-on", "2025-06-01", str(export), capsys=capsys)
        assert (status, out) == (
            0,
            "procon-sp, export of 2025-06-01: already loaded (load 1, 2 phones); nothing changed\n",
        )

        status, out, _ = run(
            *load, "--exported-on", "2025-07-01", str(newer), "--json", capsys=capsys
        )
        summary = orjson.loads(out)
        assert status == 0
        assert {k: summary[k] for k in ("outcome", "load_number", "phones_dropped")} == {
            "outcome": "loaded",
            "load_number": 2,
            "phones_dropped": 1,
        }
        assert summary["contacts_restored"] == 1
        assert backend.visible() == ["c-1", "c-2"]

        status, out, err = run(*load, "--exported-on", "2025-05-01", str(export), capsys=capsys)
        assert (status, out) == (1, "")
        assert err == (
            "do-not-call load failed: list 'procon-sp': the export of 2025-05-01 is older than"
            " the one loaded (2025-07-01); nothing was loaded\n"
        )
        status, out, _ = run("lists", "--url", url, "--json", capsys=capsys)
        (loaded,) = orjson.loads(out)
        assert (loaded["exported_on"], loaded["phones"], loaded["load_number"]) == (
            "2025-07-01",
            1,
            2,
        )
    finally:
        bank.close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for secret in SECRETS:
        assert secret not in logged


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ["--list", "procon-sp", "--exported-on", "01/06/2025"],
            "--exported-on must be a date, YYYY-MM-DD (e.g. 2025-06-01)",
        ),
        (
            ["--list", "Procon SP", "--exported-on", "2025-06-01"],
            (
                "a list name is lower-case letters, digits and hyphens, starting with a letter or "
                "digit, at most 64 characters (e.g. nao-me-perturbe, procon-sp)"
            ),
        ),
        (
            ["--list", "procon-sp", "--exported-on", "2999-01-01"],
            "list 'procon-sp': the export date 2999-01-01 is after today",
        ),
    ],
)
def test_a_refused_load_fails_on_one_line_with_status_1(
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    error: str,
) -> None:
    export = write_csv(tmp_path / "list.csv", EXPORT)

    status, out, err = run("load", *args, str(export), "--url", sqlite_url, capsys=capsys)

    assert (status, out) == (1, "")
    assert err.startswith(f"do-not-call load failed: {error}")
    assert err.count("\n") == 1


def test_a_file_that_is_not_a_list_export_fails_without_quoting_it(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = write_csv(tmp_path / "customers.csv", f"nome;endereco;email\n{PRIVATE}\n")

    status, out, err = run(
        "load",
        "--list",
        "procon-sp",
        "--exported-on",
        "2025-06-01",
        str(export),
        "--url",
        sqlite_url,
        capsys=capsys,
    )

    assert (status, out) == (1, "")
    assert err.startswith("do-not-call load failed: the export's first line must be a header")
    for secret in SECRETS:
        assert secret not in err


def test_an_export_of_bad_lines_only_is_refused_and_counted(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = write_csv(tmp_path / "list.csv", f"telefone;x\n{PRIVATE}\n12345;\n")

    status, _, err = run(
        "load",
        "--list",
        "procon-sp",
        "--exported-on",
        "2025-06-01",
        str(export),
        "--url",
        sqlite_url,
        capsys=capsys,
    )

    assert status == 1
    assert err == (
        "do-not-call load failed: list 'procon-sp': the export holds no valid phone (2 bad lines"
        " of 2); the list was left as it was\n"
    )


def test_without_a_url_the_command_says_how_to_give_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BANK2_URL", raising=False)

    status, _, err = run("lists", capsys=capsys)

    assert (status, err) == (
        1,
        "do-not-call lists failed: no Bank 2 URL: set BANK2_URL or pass --url\n",
    )


def test_an_empty_bank2_has_no_list(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("lists", "--url", sqlite_url, capsys=capsys) == (
        0,
        "no do-not-call list is loaded\n",
        "",
    )
