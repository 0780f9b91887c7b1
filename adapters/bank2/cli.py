"""What every ``python -m adapters.bank2`` command shares: which database it works on, how it
opens it, and how it fails (one line on standard error, never a traceback, never a password).

A command module exposes ``register(commands)``, which adds its parser to ``commands`` with
``set_defaults(run=<function>, failure=<what failed>)``; ``run(args)`` returns the exit status
or raises ``CommandError``. Commands print what they were asked for and log nothing: a data
subject report is personal data, and it goes to the terminal that asked for it only.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from adapters.engines.database import SqlBank2, SqlUnitOfWork, StoreFactory, StoreT
from adapters.engines.urls import open_bank2
from adapters.settings import SettingsError
from service.stream.errors import StoreError

Commands = Any  # argparse's _SubParsersAction, which it does not export


class CommandError(Exception):
    """A command could not do its work: the message says why, on one line."""


def add_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="Bank 2 URL (default: the BANK2_URL environment variable)")


def chosen_url(args: argparse.Namespace) -> tuple[str, str]:
    """The URL the command works on, and the setting it came from (errors name it)."""
    if args.url:
        return str(args.url), "--url"
    url = os.environ.get("BANK2_URL")
    if not url:
        raise CommandError("no Bank 2 URL: set BANK2_URL or pass --url")
    return url, "BANK2_URL"


@contextmanager
def opened(url: str, setting: str, streams: Iterable[str]) -> Iterator[SqlBank2]:
    """Bank 2, closed afterwards; a malformed URL is a ``CommandError`` naming the problem."""
    try:
        bank2 = open_bank2(url, setting, streams)
    except SettingsError as error:  # names the problem, never the URL
        raise CommandError(str(error)) from None
    try:
        yield bank2
    finally:
        bank2.close()


@contextmanager
def transaction(
    args: argparse.Namespace, make_store: StoreFactory[StoreT]
) -> Iterator[SqlUnitOfWork[StoreT]]:
    """One transaction on the customer projection's Bank 2 that ``args`` names, its store built
    by ``make_store``: commit to keep what it wrote. A driver's failure (a refused sign-in, a
    missing table, a privilege the identity lacks) is a ``CommandError`` saying which."""
    url, setting = chosen_url(args)
    with opened(url, setting, ("customers",)) as bank2:
        failure: StoreError | None = None
        try:
            with bank2.unit_of_work_for(make_store) as unit_of_work:
                yield unit_of_work
        except StoreError as error:  # its message names the setting, engine and operation
            failure = error
        if failure is not None:
            raise CommandError(str(failure)) from None
