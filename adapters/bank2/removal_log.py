"""``python -m adapters.bank2 removal-log purge [--url URL] [--older-than-days DAYS]``

Deletes the removal log's rows older than its retention: ``--older-than-days``, else
``BANK2_REMOVAL_LOG_RETENTION_DAYS``, else 1826 days (five years: docs/lgpd.md says why). The
functions may only append to the log; run this as the privacy officer's identity (the
privacy_officer role of the privilege scripts) or the schema owner, for example monthly from the
deployment pipeline. Prints how many rows it deleted.
"""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime, timedelta

from adapters.bank2.cli import CommandError, Commands, add_url_argument, transaction
from adapters.customers.removal_log import SqlRemovalLog

RETENTION_SETTING = "BANK2_REMOVAL_LOG_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 1826
MAX_RETENTION_DAYS = 36_500  # a century: further back than any date the clock can subtract to


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "removal-log",
        help="the removal log's retention (the proof of erasure)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True)
    purge = actions.add_parser("purge", help="delete the rows older than the retention")
    add_url_argument(purge)
    purge.add_argument(
        "--older-than-days",
        type=int,
        help=f"the retention in days (default: {RETENTION_SETTING}, else {DEFAULT_RETENTION_DAYS})",
    )
    parser.set_defaults(run=run, failure="removal log purge failed")


def run(args: argparse.Namespace) -> int:
    days = retention_days(args.older_than_days)
    before = datetime.now(UTC) - timedelta(days=days)
    with transaction(args, SqlRemovalLog) as unit_of_work:
        deleted = unit_of_work.store.purge(before)
        unit_of_work.commit()
    print(  # noqa: T201 - a CLI's output
        f"removal log: deleted {deleted} rows applied before {before:%Y-%m-%d} "
        f"(retention {days} day{'' if days == 1 else 's'})"
    )
    return 0


def retention_days(given: int | None) -> int:
    if given is None:
        text = os.environ.get(RETENTION_SETTING, "").strip()
        if not text:
            return DEFAULT_RETENTION_DAYS
        if not (text.isascii() and text.isdigit()):  # isdigit() alone takes "²", int() not
            raise CommandError(f"{RETENTION_SETTING} must be a whole number of days")
        given = int(text)
    if not 1 <= given <= MAX_RETENTION_DAYS:
        raise CommandError(f"the retention must be 1 to {MAX_RETENTION_DAYS:,} days")
    return given
