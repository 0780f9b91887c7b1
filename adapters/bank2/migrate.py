"""``python -m adapters.bank2 migrate [--url URL] [--consumer customers|payments|all]``

Applies the missing migrations of the consumers a database serves, on the engine that
``BANK2_URL`` (or ``--url``) names, as the connecting user, and prints the schema version. By
default Bank 2 gets every consumer's tables, and the database ``PAYMENTS_DB_URL`` names, when
``--url`` is that one and not ``BANK2_URL``, the payment processor's only
(``--consumer payments`` says so explicitly). Run it as the schema owner: with the least-privilege
grants the function's own identity can read the schema version but not change the schema. The
function also applies migrations when it first connects, so on a development database nothing
else is needed.
"""

from __future__ import annotations

import argparse
import os

from adapters.bank2.cli import CommandError, Commands, add_url_argument, chosen_url, opened
from adapters.engines.registry import STREAMS
from service.stream.errors import StoreError

_ALL = "all"


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "migrate", help="apply the missing schema migrations", description=__doc__
    )
    add_url_argument(parser)
    parser.add_argument(
        "--consumer",
        choices=[*STREAMS, _ALL],
        help="whose tables to migrate (default: all of them, or payments only for the "
        "database PAYMENTS_DB_URL names when it is not BANK2_URL's)",
    )
    parser.set_defaults(run=run, failure="migration failed")


def run(args: argparse.Namespace) -> int:
    url, setting = chosen_url(args)
    streams = _streams(args.consumer, url)
    with opened(url, setting, streams) as bank2:
        failure: StoreError | None = None
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
        except StoreError as error:  # a missing driver, a refused sign-in, a failed migration
            failure = error
        if failure is not None:
            raise CommandError(str(failure)) from None
    served = ", ".join(streams)
    print(f"Bank 2 ({bank2.engine.name}; {served}) schema is at version {version}")  # noqa: T201
    return 0


def _streams(consumer: str | None, url: str) -> tuple[str, ...]:
    if consumer == _ALL:
        return tuple(STREAMS)
    if consumer is not None:
        return (consumer,)
    # Bank 2 holds every consumer's tables (adapters/bootstrap.py); a separate payments database,
    # the payment processor's only.
    payments_only = url == os.environ.get("PAYMENTS_DB_URL") != os.environ.get("BANK2_URL")
    return ("payments",) if payments_only else tuple(STREAMS)
