"""``python -m adapters.bank2 subject CUSTOMER_ID [--url URL] [--json]``

Prints everything Bank 2 holds and did about one customer, for a data subject's request (LGPD
art. 18): the contact as telesales see it (or that there is none), what Bank 2 keeps, the
do-not-call lists that hold the phone, the removal history from the removal log, and where the
rejected messages about the customer sit in Kafka (never their content). ``--json`` prints one
JSON object for tooling.

Reading it is an access to personal data: run it as the privacy officer's identity (the
privacy_officer role of the privilege scripts; docs/lgpd.md), or as the schema owner. The
report goes to standard output only: nothing is logged, and errors never quote it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json

from adapters.bank2.cli import Commands, add_url_argument, transaction
from adapters.customers.subject import SqlSubjectReader
from service.customers.subject import Standing, SubjectReport, subject_report

_STANDING = {
    Standing.SHOWN: "the contact below",
    Standing.SUPPRESSED: "nothing: Bank 2 keeps the contact, but a do-not-call list holds "
    "its phone",
    Standing.REMOVED: "nothing: the customer was removed (Bank 2 keeps a marker without "
    "name or phone, so that older changes cannot bring them back)",
    Standing.UNKNOWN: "nothing: Bank 2 holds nothing about this customer",
}


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "subject",
        help="print what Bank 2 holds and did about one customer (a data subject report)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("customer_id", help="the customer's id, as Bank 1 and the messages name it")
    add_url_argument(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run, failure="subject report failed")


def run(args: argparse.Namespace) -> int:
    with transaction(args, SqlSubjectReader) as unit_of_work:
        report = subject_report(unit_of_work.store, args.customer_id)
    print(as_json(report) if args.json else as_text(report))  # noqa: T201 - the report itself
    return 0


def as_json(report: SubjectReport) -> str:
    return json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2)


def as_text(report: SubjectReport) -> str:
    lines = [f"Data subject report: customer {report.customer_id}", ""]
    lines.append(f"Telesales see: {_STANDING[report.standing]}")
    if report.telesales_see is not None:
        name, phone, region = report.telesales_see
        lines.append(f"  name {name}, phone {phone}, region {region}")
    lines += ["", "What Bank 2 holds:"]
    held = report.held
    if held is None:
        lines.append("  nothing")
    elif held.removed_at is not None:
        lines.append(
            f"  a removal marker since {held.removed_at} (version {held.version}): "
            "no name, no phone, no region"
        )
    else:
        lines.append(
            f"  name {held.name}, phone {held.phone}, region {held.region} "
            f"(version {held.version}, updated {held.updated_at})"
        )
    lines += ["", "Do-not-call lists holding the phone:"]
    lines += [
        f"  {listing.list_name}: listed on {listing.listed_on}"
        + (f" (export of {listing.exported_on})" if listing.exported_on else "")
        for listing in report.listings
    ] or ["  none"]
    lines += ["", "Removal history (removal log):"]
    lines += [
        f"  {removal.applied_at}  {removal.reason:<11}  "
        + (
            f"message {removal.topic}/{removal.partition}@{removal.offset}"
            if removal.topic is not None
            else f"list {removal.list_name} (export of {removal.list_exported_on})"
        )
        + f"  version {removal.version}"
        for removal in report.removals
    ] or ["  none"]
    lines += ["", "Rejected messages about the customer (their content is never kept):"]
    lines += [
        f"  {r.topic}/{r.partition}@{r.offset}  {r.reason}  rejected {r.rejected_at}"
        for r in report.rejected
    ] or ["  none"]
    return "\n".join(lines)
