"""The gateway demo: two merchants' traffic through the HTTP intake, the processor, the panel.

    python -m demo.gateway [--transactions N] [--seed N] [--database PATH]

Issues two accounts, then submits a realistic stream to ``submit_transaction`` exactly as the
Functions host calls it (``demo.http_host``): valid transactions of every brand, invalid card
numbers, expired cards, amounts over the limit, retried requests (the same body again, or the
same id with another amount), bodies of the wrong shape, a body too large, and requests with a
wrong secret. What the intake publishes is delivered to ``process_transactions`` in batches as
the host's Kafka trigger delivers them. Then it prints what each merchant's panel shows (its
totals and newest transactions, read through ``GET /api/transactions``), and checks every
answer and every status against the generator's own expectations, and that no card number,
holder name or secret reached the database, the logs or this output: it exits with status 1
otherwise.
"""

from __future__ import annotations

import argparse
import base64
import importlib
import io
import json
import logging
import os
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters import bootstrap
from adapters.engines.urls import open_bank2
from adapters.gateway.store import gateway_unit_of_work
from demo.cli import database_file, positive_int, recreate
from demo.functions_host import quietly_indexed
from demo.http_host import HttpFunctions, deliver
from demo.payments import APPROVED, BRASILIA, TransactionStreamGenerator, any_found
from service.gateway.accounts import AccountSecrets

BASE = "http://localhost:7071/api"
MERCHANTS = ("mercado-sol", "livraria-ipe")
SETTINGS = {
    "KAFKA_BROKER_LIST": "localhost:9092",
    "KAFKA_CUSTOMERS_TOPIC": "customers",
    "KAFKA_CONSUMER_GROUP": "telesales-demo",
    "KAFKA_TRANSACTIONS_TOPIC": "transactions",
    "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions_result",
    "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments-demo",
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
}
_ACCOUNT_ID = re.compile(rb'"account_id": "[^"]*", ')
_DELIVER_EVERY = 100  # submissions between two deliveries to the processor


@dataclass(slots=True)
class Traffic:
    """What was sent, and what the generator expects of it."""

    expected_http: Counter[int] = field(default_factory=Counter)
    answered_http: Counter[int] = field(default_factory=Counter)
    expected: dict[tuple[str, str], str] = field(default_factory=dict)  # -> status or message
    bodies: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (account, body)
    delivered: int = 0
    batches: int = 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo.gateway", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--transactions", type=positive_int, default=1000, help="requests to send")
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same run)")
    parser.add_argument(
        "--database",
        type=database_file,
        default=Path("demo-output/gateway.db"),
        help="SQLite file, recreated",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    recreate(args.database)
    url = f"sqlite:///{args.database}"
    os.environ.update(
        SETTINGS,
        PAYMENTS_DB_URL=url,
        BANK2_URL=url,
        GATEWAY_FINGERPRINT_KEY=base64.b64encode(os.urandom(32)).decode(),
        GATEWAY_RATE_LIMIT_PER_MINUTE=str(args.transactions * 2),
    )
    output = io.StringIO()
    with _captured_logs() as logs:
        functions, processor = _deployment()
        tokens = _issue_accounts(url, output)
        generator = TransactionStreamGenerator(seed=args.seed, today=datetime.now(BRASILIA).date())
        traffic = _send(functions, processor, generator, tokens, args)
        _deliver(functions, processor, traffic)
        views = {merchant: _panel(functions, tokens[merchant]) for merchant in MERCHANTS}
    problems = _report(traffic, views, output)
    secrets = [*generator.secrets, *(token.split(".", 1)[1] for token in tokens.values())]
    files = [
        p.read_bytes().decode("latin-1")
        for p in args.database.parent.glob(f"{args.database.name}*")
    ]
    if any_found(secrets, [*files, *logs, output.getvalue()]):
        problems.append(
            "a card number, holder name or secret was found in the database, logs or output"
        )
    if problems:
        output.write("\nThe run does NOT match the expected outcomes:\n")
        output.writelines(f"  {problem}\n" for problem in problems[:20])
    else:
        output.write(
            "\nEvery answer and every status matches the expected outcome; no card number, "
            "holder name or secret in the database, the logs or this output.\n"
            f"Database file: {args.database}\n"
        )
    sys.stdout.write(output.getvalue())
    bootstrap.reset()
    return 1 if problems else 0


def _deployment() -> tuple[HttpFunctions, Any]:
    """function_app indexed afresh under the settings just set, as a starting worker."""
    bootstrap.reset()
    module = (
        importlib.reload(sys.modules["function_app"])
        if "function_app" in sys.modules
        else importlib.import_module("function_app")
    )
    return HttpFunctions(module.app), quietly_indexed(module.app, "process_transactions")


def _issue_accounts(url: str, output: io.StringIO) -> dict[str, str]:
    """Two accounts, as ``python -m adapters.gateway accounts issue`` makes them; the demo keeps
    the tokens to itself (they are shown once to the merchant, never printed here)."""
    database = open_bank2(url, streams=("payments",))
    try:
        accounts = AccountSecrets(gateway_unit_of_work(database))
        issued = {merchant: accounts.issue(merchant) for merchant in MERCHANTS}
    finally:
        database.close()
    output.write("Accounts issued (each secret is shown once, to its merchant; never here):\n")
    output.writelines(f"  {name:<16}{secret.secret_id}\n" for name, secret in issued.items())
    return {merchant: secret.token for merchant, secret in issued.items()}


def _send(
    functions: HttpFunctions,
    processor: Any,
    generator: TransactionStreamGenerator,
    tokens: dict[str, str],
    args: argparse.Namespace,
) -> Traffic:
    rng = random.Random(args.seed)
    traffic = Traffic()
    for number, message in enumerate(generator.messages(args.transactions)):
        merchant = MERCHANTS[number % 2]
        transaction_id = (message.key or b"").decode()
        if message.unanswerable is not None:  # no id, no card, not JSON: the shape is wrong
            _submit(functions, traffic, tokens[merchant], message.value, expect=400)
        elif transaction_id in traffic.bodies:  # a merchant's retry of an earlier request
            merchant, sent = traffic.bodies[transaction_id]
            if rng.random() < 0.5:
                _submit(functions, traffic, tokens[merchant], sent, expect=202)
            else:
                changed = re.sub(rb'"amount": [^,}]+', b'"amount": "5000.00"', sent)
                _submit(functions, traffic, tokens[merchant], changed, expect=409)
        else:
            sent = _ACCOUNT_ID.sub(b"", message.value)  # the account is the signed-in one
            traffic.bodies[transaction_id] = (merchant, sent)
            traffic.expected[(merchant, transaction_id)] = message.expected or ""
            _submit(functions, traffic, tokens[merchant], sent, expect=202)
        if number % 97 == 13:  # now and then, a wrong secret
            wrong = tokens[merchant][:-6] + "AAAAAA"
            _submit(functions, traffic, wrong, message.value, expect=401)
        if number % _DELIVER_EVERY == _DELIVER_EVERY - 1:
            _deliver(functions, processor, traffic)
    _submit(functions, traffic, tokens[MERCHANTS[0]], b" " * 20_000, expect=413)
    return traffic


def _submit(
    functions: HttpFunctions, traffic: Traffic, token: str, body: bytes, *, expect: int
) -> None:
    response = functions.call(
        "POST", f"{BASE}/transactions", headers={"Authorization": f"Bearer {token}"}, body=body
    )
    traffic.expected_http[expect] += 1
    traffic.answered_http[response.status_code] += 1


def _deliver(functions: HttpFunctions, processor: Any, traffic: Traffic) -> None:
    delivered, _ = deliver(functions.kafka, "transactions", processor, ["results", "dead_letters"])
    if delivered:
        traffic.delivered += delivered
        traffic.batches += 1


def _panel(functions: HttpFunctions, token: str) -> dict[str, Any]:
    """What the merchant's panel reads: every change from the start, then the totals."""
    headers = {"Authorization": f"Bearer {token}"}
    rows: dict[str, dict[str, Any]] = {}
    query = "?limit=500"
    while True:
        response = functions.call("GET", f"{BASE}/transactions{query}", headers=headers)
        page = json.loads(response.get_body())
        rows.update({row["id"]: row for row in page["transactions"]})
        if not page["more"]:
            return {"rows": rows, "totals": page["totals"]}
        query = f"?since={page['cursor']}&limit=500"


_ANSWER_NAMES = {
    202: "accepted (retries answered the same)",
    400: "wrong shape",
    401: "wrong secret",
    409: "same id, another body",
    413: "body too large",
}


def _report(traffic: Traffic, views: dict[str, dict[str, Any]], output: io.StringIO) -> list[str]:
    output.write("\nRequests to POST /api/transactions, by answer:\n")
    for status in sorted(traffic.answered_http):
        name = _ANSWER_NAMES.get(status, "")
        output.write(f"  {status} {name:<40}{traffic.answered_http[status]:>8,}\n")
    output.write(
        f"\nPublished and delivered to process_transactions: {traffic.delivered:,} messages "
        f"in {traffic.batches:,} batches\n"
    )
    expected, answered = traffic.expected_http, traffic.answered_http
    problems = [
        f"HTTP {status}: expected {expected[status]}, got {answered[status]}"
        for status in sorted(expected.keys() | answered.keys())
        if expected[status] != answered[status]
    ]
    for merchant, view in views.items():
        _print_panel(merchant, view, output)
        problems += _panel_differences(merchant, view, traffic)
    return problems


def _print_panel(merchant: str, view: dict[str, Any], output: io.StringIO) -> None:
    totals = view["totals"]
    output.write(
        f"\nPanel of {merchant}: {sum(totals.values()):,} transactions, "
        f"{totals['approved']:,} approved, {totals['rejected']:,} rejected, "
        f"{totals['pending']:,} pending\n"
    )
    newest = sorted(view["rows"].values(), key=lambda r: r["submitted_at"])[-8:]
    for row in reversed(newest):
        card = row["card"]
        shown = f"{card['brand']} **** {card['last_four']}" if card else "(invalid number)"
        line = f"  {row['id']:<12}{shown:<24}{row['amount'] or '-':>10}  {row['status']:<10}"
        output.write(f"{line}{row['error_message'] or ''}".rstrip() + "\n")


def _panel_differences(merchant: str, view: dict[str, Any], traffic: Traffic) -> list[str]:
    """Each of the merchant's transactions as its panel shows it, against the generator."""
    mine = {i: outcome for (owner, i), outcome in traffic.expected.items() if owner == merchant}
    problems = []
    for transaction_id, outcome in mine.items():
        row = view["rows"].get(transaction_id)
        seen = None
        if row is not None:
            seen = APPROVED if row["status"] == APPROVED else row["error_message"]
        if seen != outcome:
            problems.append(f"{merchant} {transaction_id}: shows {seen!r}, expected {outcome!r}")
    others = sorted(set(view["rows"]) - set(mine))
    return problems + [f"{merchant} sees a transaction not its own: {i}" for i in others]


@contextmanager
def _captured_logs() -> Iterator[list[str]]:
    """Every log record of the run, with its fields, to search for card data afterwards."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(f"{record.getMessage()} {json.dumps(vars(record), default=str)}")

    root = logging.getLogger()
    handler, level = Keep(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


if __name__ == "__main__":
    sys.exit(main())
