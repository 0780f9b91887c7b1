"""Bank 2 schema management for DBAs and deployment pipelines.

    python -m adapters.bank2 migrate [--url URL] [--consumer customers|payments|all]

Applies the missing migrations of the consumers a database serves, on the engine that
``BANK2_URL`` (or ``--url``) names, as the connecting user, and prints the schema version. By
default a database serves the customer projection, and the payment processor too unless
``PAYMENTS_DB_URL`` names another database; ``--consumer payments --url <PAYMENTS_DB_URL>``
migrates a separate payments database. Run it as the schema owner: with the least-privilege
grants the function's own identity can read the schema version but not change the schema. The
function also applies migrations when it first connects, so on a development database nothing
else is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from adapters.engines.registry import STREAMS
from adapters.engines.urls import open_bank2
from adapters.settings import SettingsError
from service.stream.errors import StoreError

_ALL = "all"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m adapters.bank2", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    migrate = commands.add_parser("migrate", help="apply the missing schema migrations")
    migrate.add_argument("--url", help="Bank 2 URL (default: the BANK2_URL environment variable)")
    migrate.add_argument(
        "--consumer",
        choices=[*STREAMS, _ALL],
        help="whose tables to migrate (default: what BANK2_URL serves: customers, and payments "
        "unless PAYMENTS_DB_URL names another database)",
    )
    args = parser.parse_args(argv)

    url = args.url or os.environ.get("BANK2_URL")
    if not url:
        parser.error("no Bank 2 URL: set BANK2_URL or pass --url")
    streams = _streams(args.consumer, url)
    try:
        bank2 = open_bank2(url, "--url" if args.url else "BANK2_URL", streams)
    except SettingsError as error:  # a malformed URL: the message names the problem, not the URL
        print(f"migration failed: {error}", file=sys.stderr)  # noqa: T201 - a CLI's output
        return 1
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
    except StoreError as error:  # a missing driver, a refused sign-in, a failed migration...
        print(f"migration failed: {error}", file=sys.stderr)  # noqa: T201 - a CLI's output
        return 1
    finally:
        bank2.close()
    served = ", ".join(streams)
    print(f"Bank 2 ({bank2.engine.name}; {served}) schema is at version {version}")  # noqa: T201
    return 0


def _streams(consumer: str | None, url: str) -> tuple[str, ...]:
    if consumer == _ALL:
        return tuple(STREAMS)
    if consumer is not None:
        return (consumer,)
    payments_url = os.environ.get("PAYMENTS_DB_URL")
    shares_bank2 = not payments_url or payments_url == url
    return ("customers", "payments") if shares_bank2 else ("customers",)


if __name__ == "__main__":
    sys.exit(main())
