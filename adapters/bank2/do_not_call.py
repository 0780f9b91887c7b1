"""``python -m adapters.bank2 do-not-call load|lists``: the do-not-call lists in Bank 2.

    do-not-call load --list procon-sp --exported-on 2025-06-01 FILE.csv [--url URL] [--json]
    do-not-call lists [--url URL] [--json]

``load`` loads one export of one list in one transaction: an older export than the loaded one
is refused, the same file again changes nothing, a newer one replaces the list (the numbers it
no longer holds are called again). ``lists`` tells which exports are loaded. The file's shape,
what a load does and who may run it: docs/do-not-call.md. Output is counts and line numbers
only, never a phone or a line of the file.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import orjson

from adapters.bank2.cli import CommandError, Commands, add_url_argument, chosen_url, opened
from adapters.customers.do_not_call.export_file import ExportFile
from adapters.customers.do_not_call.store import do_not_call_units
from service.customers.do_not_call import (
    DoNotCallError,
    DoNotCallLists,
    LoadedList,
    LoadOutcome,
    LoadSummary,
)
from service.stream.errors import StoreError

T = TypeVar("T")


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "do-not-call",
        help="load do-not-call list exports, list what is loaded",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "load",
        help="load one export of one list (CSV)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("--list", required=True, dest="list_name", help="e.g. procon-sp")
    load.add_argument(
        "--exported-on", required=True, help="the export's date, YYYY-MM-DD (e.g. 2025-06-01)"
    )
    load.add_argument("file", type=Path, help="the export, CSV (docs/do-not-call.md)")
    _common(load)
    load.set_defaults(run=run_load, failure="do-not-call load failed")
    lists = actions.add_parser("lists", help="the loaded exports: list, date, phones")
    _common(lists)
    lists.set_defaults(run=run_lists, failure="do-not-call lists failed")


def _common(parser: argparse.ArgumentParser) -> None:
    add_url_argument(parser)
    parser.add_argument("--json", action="store_true", help="print JSON, for tooling")


def run_load(args: argparse.Namespace) -> int:
    exported_on = _date(args.exported_on)
    export = ExportFile(args.file)
    summary = _with_lists(args, lambda lists: lists.load(args.list_name, exported_on, export))
    if args.json:
        print(orjson.dumps(summary.as_fields()).decode())  # noqa: T201 - a CLI's output
    else:
        print(describe_load(summary))  # noqa: T201
    return 0


def run_lists(args: argparse.Namespace) -> int:
    loaded = _with_lists(args, lambda lists: lists.lists())
    if args.json:
        print(orjson.dumps([_list_fields(found) for found in loaded]).decode())  # noqa: T201
    else:
        print(describe_lists(loaded))  # noqa: T201
    return 0


def _with_lists(args: argparse.Namespace, work: Callable[[DoNotCallLists], T]) -> T:
    """``work`` on the lists of the Bank 2 that ``args`` names; a refused load or a store
    failure is a ``CommandError`` (raised outside the handler: no driver error rides along)."""
    url, setting = chosen_url(args)
    with opened(url, setting, ("customers",)) as bank2:
        try:
            return work(DoNotCallLists(do_not_call_units(bank2)))
        except (DoNotCallError, StoreError) as error:
            failure = str(error)
        except OSError as error:  # the export became unreadable mid-way: its reason, no path
            failure = f"cannot read the export file: {error.strerror or type(error).__name__}"
    raise CommandError(failure)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    raise CommandError("--exported-on must be a date, YYYY-MM-DD (e.g. 2025-06-01)")


def describe_load(summary: LoadSummary) -> str:
    head = f"{summary.list_name}, export of {summary.exported_on.isoformat()}"
    if summary.outcome is LoadOutcome.ALREADY_LOADED:
        return (
            f"{head}: already loaded (load {summary.load_number}, "
            f"{summary.phones_loaded:,} phones); nothing changed"
        )
    rows = [
        ("lines read", f"{summary.lines:,}"),
        ("phones read", f"{summary.phones_read:,}"),
        ("phones loaded", f"{summary.phones_loaded:,}"),
        ("duplicate lines", f"{summary.duplicates:,}"),
        ("bad lines", _bad_lines(summary)),
        ("phones added", f"{summary.phones_added:,}"),
        ("phones dropped", f"{summary.phones_dropped:,}"),
        (
            "contacts suppressed",
            f"{summary.contacts_suppressed:,} (hidden from telesales, one removal-log row each)",
        ),
        ("contacts restored", f"{summary.contacts_restored:,} (shown to telesales again)"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{head}: loaded as load {summary.load_number}"]
    lines += [f"  {label:<{width}}  {value}" for label, value in rows]
    return "\n".join(lines)


def _bad_lines(summary: LoadSummary) -> str:
    if not summary.bad_lines:
        return "0"
    by_reason = ", ".join(f"{reason} {n:,}" for reason, n in sorted(summary.bad_lines.items()))
    numbers = [str(number) for number, _ in summary.first_bad_lines]
    where = f"line {numbers[0]}" if len(numbers) == 1 else f"first at lines {', '.join(numbers)}"
    return f"{summary.bad_lines_total:,}: {by_reason} ({where})"


def describe_lists(loaded: list[LoadedList]) -> str:
    if not loaded:
        return "no do-not-call list is loaded"
    header = ("list", "exported on", "phones", "load", "loaded at (UTC)")
    rows = [
        (
            found.list_name,
            found.exported_on.isoformat(),
            f"{found.phones:,}",
            str(found.load_number),
            found.loaded_at.strftime("%Y-%m-%d %H:%M:%S"),
        )
        for found in loaded
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    )


def _list_fields(found: LoadedList) -> dict[str, object]:
    return {
        "list": found.list_name,
        "exported_on": found.exported_on.isoformat(),
        "phones": found.phones,
        "load_number": found.load_number,
        "file_sha256": found.file_sha256,
        "loaded_at": found.loaded_at.isoformat(),
    }
