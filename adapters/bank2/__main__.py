"""Bank 2 schema management for DBAs and deployment pipelines.

    python -m adapters.bank2 migrate [--url URL]

Applies the missing migrations of the engine that ``BANK2_URL`` (or ``--url``) names, as the
connecting user, and prints the schema version. Run it as the schema owner: with the
least-privilege grants the function's own identity can read the schema version but not change
the schema. The function also applies migrations when it first connects, so on a
development database nothing else is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from adapters.engines.urls import open_bank2
from service.stream.errors import StoreError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.bank2", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="apply the missing schema migrations")
    migrate.add_argument("--url", help="Bank 2 URL (default: the BANK2_URL environment variable)")
    args = parser.parse_args(argv)

    url = args.url or os.environ.get("BANK2_URL")
    if not url:
        parser.error("no Bank 2 URL: set BANK2_URL or pass --url")
    bank2 = open_bank2(url)
    try:
        connection = bank2.acquire()  # connecting applies the migrations
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT MAX(version) FROM schema_migrations")
            (version,) = cursor.fetchone()
            cursor.close()
            connection.rollback()
        finally:
            bank2.release(broken=False)
    except StoreError as error:
        print(f"migration failed: {error}", file=sys.stderr)  # noqa: T201 - a CLI's output
        return 1
    finally:
        bank2.close()
    print(f"Bank 2 ({bank2.engine.name}) schema is at version {version}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
