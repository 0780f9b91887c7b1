"""The demo: realistic customer events through the real function into a SQLite Bank 2.

    python -m demo [--events N] [--customers N] [--batch-size N] [--seed N] [--bank2 PATH]

Events of all three shapes (legacy flat, our JSON, Debezium), with updates, out-of-order and
redelivered events, removals and bad messages, are delivered in batches exactly as the Functions
host delivers them (``KafkaTriggerConverter`` on the host's payload), to ``function_app``'s own
function, after a do-not-call list is loaded (``demo/lgpd.py``). At the end the demo checks Bank 2
against the generator's independent expectations, shows the removal log, and prints one
customer's data subject report.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from tqdm import tqdm

from adapters import bootstrap
from demo.cli import add_run_arguments, positive_int, recreate
from demo.functions_host import (
    KafkaFunction,
    batch_totals,
    deliveries,
    kafka_batch,
    quietly_indexed,
)
from demo.generator import CustomerEventGenerator
from demo.lgpd import load_list, removal_log, report_one_subject, write_list

TOPIC = "customers"
CONSUMER_GROUP = "telesales-demo"


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="./dev demo", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=positive_int, default=20_000, help="messages to publish")
    parser.add_argument("--customers", type=positive_int, default=2_000, help="distinct customers")
    add_run_arguments(
        parser, batch_size=500, database="--bank2", default=Path("demo-output/bank2.db")
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    recreate(args.bank2)
    url = f"sqlite:///{args.bank2}"
    os.environ.update(
        BANK2_URL=url,
        KAFKA_CONSUMER_GROUP=CONSUMER_GROUP,
        KAFKA_CUSTOMERS_TOPIC=TOPIC,
        KAFKA_BROKER_LIST="localhost:9092",
    )
    generator = CustomerEventGenerator(
        seed=args.seed, customers=args.customers, partitions=args.partitions
    )
    do_not_call, listed = write_list(
        args.bank2.parent,
        args.events,
        seed=args.seed,
        customers=args.customers,
        partitions=args.partitions,
    )
    load_list(url, do_not_call)
    with batch_totals("telesales.customers", "batch_") as totals:
        project_customers = _indexed_function()
        started = time.perf_counter()
        delivered = 0
        with tqdm(total=args.events, unit="ev", disable=args.quiet, file=sys.stderr) as progress:
            for batch, redelivery in deliveries(
                generator.messages(args.events), TOPIC, args.batch_size
            ):
                project_customers(kafka_batch(batch))
                delivered += len(batch)
                if not redelivery:
                    progress.update(len(batch))
        elapsed = time.perf_counter() - started
    # A contact whose phone the do-not-call list holds is kept, but never shown.
    expected = {
        customer_id: contact
        for customer_id, contact in generator.expected_contacts().items()
        if contact[1] not in listed
    }
    status = _report(
        args.bank2, expected, generator.expected_rejects(), totals.totals, (delivered, elapsed)
    )
    if status == 0:
        report_one_subject(url, args.bank2)
    return status


def _indexed_function() -> KafkaFunction:
    """``function_app``'s function, indexed as the worker does, with a fresh composition root."""
    import function_app  # noqa: PLC0415 - imported once the settings are in place, as in the host

    function = quietly_indexed(function_app.app, "project_customers")
    bootstrap.reset()
    return function


def _report(
    bank2: Path,
    expected: dict[str, tuple[str, str, str]],
    expected_rejects: Counter[str],
    totals: Counter[str],
    timing: tuple[int, float],
) -> int:
    delivered, elapsed = timing
    with closing(sqlite3.connect(bank2)) as db:
        rows = db.execute(
            "SELECT customer_id, name, phone, region FROM telesales_contacts"
        ).fetchall()
        rejects = Counter(
            dict(db.execute("SELECT reason, count(*) FROM rejected_messages GROUP BY reason"))
        )
    actual = {str(customer_id): (name, phone, region) for customer_id, name, phone, region in rows}
    print(
        f"\nDelivered {delivered:,} events ({totals['events']:,} counted by the function) "
        f"in {elapsed:.1f} s: {delivered / elapsed:,.0f} events/s"
    )
    for outcome in (
        "upserted",
        "suppressed",
        "removed",
        "withdrawn",
        "stale",
        "superseded",
        "duplicates",
        "skipped",
    ):
        print(f"  {outcome:<12}{totals[outcome]:>10,}")
    print(f"  {'rejected':<12}{totals['rejected']:>10,}")
    for reason, count in sorted(rejects.items()):
        print(f"    {reason:<22}{count:>8,}")
    logged = removal_log(bank2)
    print(f"\nremoval_log (the proof of erasure): {sum(logged.values()):,} rows")
    for reason, count in sorted(logged.items()):
        print(f"    {reason:<22}{count:>8,}")
    print(f"\ntelesales_contacts: {len(actual):,} rows. A few of them:")
    for customer_id in sorted(actual, key=lambda c: (len(c), c))[:5]:
        name, phone, region = actual[customer_id]
        print(f"  {customer_id:>8}  {name:<34} {phone:<15} {region}")

    problems = _differences(expected, actual) + _reject_differences(expected_rejects, rejects)
    if problems:
        print("\nBank 2 does NOT match the expected state:")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    print(f"\nBank 2 matches the expected state: {len(expected):,} contacts, rejects by reason.")
    print(f"Bank 2 file: {bank2}")
    return 0


def _differences(
    expected: dict[str, tuple[str, str, str]], actual: dict[str, tuple[str, str, str]]
) -> list[str]:
    # Customer ids only: the demo's data is synthetic, but the habit is not to print rows.
    missing = sorted(expected.keys() - actual.keys())
    extra = sorted(actual.keys() - expected.keys())
    wrong = sorted(c for c in expected.keys() & actual.keys() if expected[c] != actual[c])
    return (
        [f"missing customer {c}" for c in missing]
        + [f"unexpected customer {c}" for c in extra]
        + [f"different values for customer {c}" for c in wrong]
    )


def _reject_differences(expected: Counter[str], actual: Counter[str]) -> list[str]:
    return [
        f"rejects {reason}: expected {expected[reason]}, found {actual[reason]}"
        for reason in sorted(expected.keys() | actual.keys())
        if expected[reason] != actual[reason]
    ]


if __name__ == "__main__":
    sys.exit(main())
