"""Bank 2's commands, for DBAs, pipelines and the privacy officer.

    python -m adapters.bank2 migrate              apply the missing schema migrations
    python -m adapters.bank2 subject ID           a data subject report (privacy officer)
    python -m adapters.bank2 removal-log purge    the removal log's retention (privacy officer)
    python -m adapters.bank2 <command> --help     each command's options

Each command works on the database ``BANK2_URL`` (or ``--url``) names, as the identity that
URL signs in with, and fails on one line that says why (docs/bank2.md, docs/lgpd.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from adapters.bank2 import do_not_call, migrate, removal_log, subject
from adapters.bank2.cli import CommandError

COMMANDS: tuple[ModuleType, ...] = (migrate, subject, removal_log, do_not_call)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adapters.bank2",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(commands)
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except CommandError as error:
        print(f"{args.failure}: {error}", file=sys.stderr)  # noqa: T201 - a CLI's output
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
