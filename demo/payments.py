"""The payments demo: a card transaction stream through the real function into a SQLite database.

    python -m demo.payments [--transactions N] [--batch-size N] [--seed N] [--database PATH]

Transactions of every brand, with card numbers typed with spaces or dashes, numbers sent as text,
amounts at the limits, every kind of rejection, producer retries (the same transaction sent
twice), a few unanswerable messages and every tenth batch delivered twice (as after a rebalance),
are delivered exactly as the Functions host delivers them (``KafkaTriggerConverter`` on the
host's payload) to ``function_app``'s ``process_transactions``, with stand-ins for its two Kafka
output bindings. At the end the demo prints approved and rejected counts and checks the answers
published and the rows stored against the generator's own expectations, computed without the
code under test: it exits with status 1 if one of them differs.
"""

from __future__ import annotations

import argparse
import bisect
import importlib
import json
import os
import random
import re
import sqlite3
import sys
import time
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

from faker import Faker
from tqdm import tqdm

from adapters import bootstrap
from demo.cli import add_run_arguments, positive_int, recreate
from demo.functions_host import (
    BatchTotals,
    CapturedOut,
    batch_totals,
    deliveries,
    kafka_batch,
    quietly_indexed,
)

TOPIC = "transactions"
SETTINGS = {
    "KAFKA_BROKER_LIST": "localhost:9092",
    "KAFKA_TRANSACTIONS_TOPIC": TOPIC,
    "KAFKA_TRANSACTION_RESULTS_TOPIC": "transactions_result",
    "KAFKA_PAYMENTS_CONSUMER_GROUP": "payments-demo",
    "KAFKA_PAYMENTS_DEAD_LETTER_TOPIC": "transactions-dead-letters",
}
# The processor judges expiry on the date in Brasília (UTC-3, no daylight saving time).
BRASILIA = timezone(timedelta(hours=-3))

# Issuer prefixes and lengths the generator draws card numbers from (independent of domain/).
_CARDS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("visa", ("4",), 16),
    ("mastercard", ("51", "55", "2221", "2720"), 16),
    ("amex", ("34", "37"), 15),
    ("diners", ("36", "300"), 14),
    ("discover", ("6011", "65"), 16),
    ("jcb", ("3528", "3589"), 16),
    ("elo", ("636368", "401178", "506707", "6504"), 16),
    ("hipercard", ("606282",), 16),
)
_REJECTIONS = (
    "invalid credit card number",
    "invalid expiration month",
    "invalid expiration year",
    "card expired",
    "invalid cvv",
    "invalid card holder name",
    "invalid amount",
    "the amount must be greater than 1",
    "you dont have limit for this transaction",
)
_UNANSWERABLE = ("malformed_json", "invalid_transaction_id", "invalid_account_id")
APPROVED = "approved"


@dataclass(frozen=True, slots=True)
class GeneratedTransaction:
    partition: int
    key: bytes | None
    value: bytes
    # What the processor must answer for this message's id: "approved", a rejection message,
    # or None for an unanswerable message (see ``unanswerable``).
    expected: str | None
    unanswerable: str | None = None
    secrets: tuple[str, ...] = ()  # the card number, CVV and holder name the message carries


class TransactionStreamGenerator:
    """A deterministic stream of transaction messages, and what each must be answered.

    ``today`` is the date in Brasília the processor will judge card expiry on; no valid card
    expires in the current month, so a run crossing midnight at a month's end stays right.
    """

    def __init__(self, *, seed: int, today: date, partitions: int = 4) -> None:
        self._rng = random.Random(seed)
        self._faker = Faker("pt_BR")
        self._faker.seed_instance(seed)
        self._today = today
        self._partitions = partitions
        self._sent: list[GeneratedTransaction] = []
        self.expected: dict[str, str] = {}  # transaction id -> its answer: status or message
        self.unanswerable: Counter[str] = Counter()
        self.secrets: set[str] = set()  # card numbers and holder names, to look for later

    def messages(self, count: int) -> Iterator[GeneratedTransaction]:
        for number in range(count):
            roll = self._rng.random()
            if roll < 0.01:
                message = self._unanswerable(number)
            elif roll < 0.03 and self._sent:
                message = self._producer_retry()
            else:
                message = self._transaction(f"tx-{number:07d}", self._outcome())
                self._sent.append(message)
            yield message

    def _outcome(self) -> str:
        if self._rng.random() < 0.7:
            return APPROVED
        outcome = self._rng.choice(_REJECTIONS)
        if outcome == "card expired" and self._today.month == 1:
            return "invalid expiration year"  # in January no earlier month of this year exists
        return outcome

    def _transaction(self, transaction_id: str, outcome: str) -> GeneratedTransaction:
        brand, number = self._card_number(valid=outcome != "invalid credit card number")
        month, year = self._expiry(outcome)
        holder = "   " if outcome == "invalid card holder name" else self._faker.name()
        message: dict[str, object] = {
            "id": transaction_id,
            "account_id": f"acc-{self._rng.randrange(1, 500)}",
            "credit_card_number": self._typed(number),
            "credit_card_name": holder,
            "credit_card_expiration_month": self._maybe_text(month),
            "credit_card_expiration_year": self._maybe_text(year),
            "credit_card_cvv": self._cvv(brand, valid=outcome != "invalid cvv"),
        }
        # The amount is written as JSON text directly: a float would not keep it exact.
        raw = json.dumps(message)[:-1] + f', "amount": {self._amount(outcome)}}}'
        self.expected[transaction_id] = outcome
        self.secrets.add(number)
        if holder.strip():
            self.secrets.add(holder)
        return GeneratedTransaction(
            self._rng.randrange(self._partitions), transaction_id.encode(), raw.encode(), outcome
        )

    def _producer_retry(self) -> GeneratedTransaction:
        """The same transaction sent again: its first outcome stands, whatever the copy says."""
        earlier = self._rng.choice(self._sent)
        value = earlier.value
        if self._rng.random() < 0.5:
            value = value.replace(b'"amount": ', b'"amount": 5000.00, "first_amount": ')
        return GeneratedTransaction(earlier.partition, earlier.key, value, earlier.expected)

    def _unanswerable(self, number: int) -> GeneratedTransaction:
        reason = self._rng.choice(_UNANSWERABLE)
        self.unanswerable[reason] += 1
        key = f"tx-{number:07d}"
        if reason == "malformed_json":
            value = b'{"id": "' + key.encode() + b'", "account_id": "acc-1", "amount": 10.0'
        elif reason == "invalid_transaction_id":
            value = json.dumps({"account_id": "acc-1", "amount": "10.00"}).encode()
        else:
            value = json.dumps({"id": key, "amount": "10.00"}).encode()
        partition = self._rng.randrange(self._partitions)
        return GeneratedTransaction(partition, key.encode(), value, None, unanswerable=reason)

    def _card_number(self, *, valid: bool) -> tuple[str, str]:
        brand, prefixes, length = self._rng.choice(_CARDS)
        prefix = self._rng.choice(prefixes)
        middle = "".join(str(self._rng.randrange(10)) for _ in range(length - len(prefix) - 1))
        body = prefix + middle
        check = _luhn_check_digit(body)
        if not valid:
            check = (check + self._rng.randrange(1, 10)) % 10  # any other digit fails Luhn
        return brand, body + str(check)

    def _typed(self, number: str) -> str:
        style = self._rng.random()
        groups = [number[i : i + 4] for i in range(0, len(number), 4)]
        if style < 0.2:
            return " ".join(groups)
        if style < 0.3:
            return "-".join(groups)
        return number

    def _maybe_text(self, value: int) -> object:
        return str(value) if self._rng.random() < 0.3 else value

    def _expiry(self, outcome: str) -> tuple[int, int]:
        today = self._today
        if outcome == "invalid expiration month":
            return self._rng.choice((0, 13)), today.year + 1
        if outcome == "invalid expiration year":
            return self._rng.randrange(1, 13), today.year - self._rng.randrange(1, 5)
        if outcome == "card expired":
            return self._rng.randrange(1, today.month), today.year
        return self._rng.randrange(1, 13), today.year + self._rng.randrange(1, 6)

    def _cvv(self, brand: str, *, valid: bool) -> object:
        digits = 4 if brand == "amex" else 3
        if not valid:
            digits += self._rng.choice((-1, 1))
        cvv = "".join(str(self._rng.randrange(10)) for _ in range(digits))
        if valid and self._rng.random() < 0.5:
            return int(cvv)  # the gateway's own producer types the CVV as a number
        return cvv

    def _amount(self, outcome: str) -> str:
        if outcome == "invalid amount":  # JSON as it is sent: text or a number in exponent form
            return self._rng.choice(('"ten"', '"1,000.00"', '"10,50"', "1e3", '"10.005"'))
        if outcome == "the amount must be greater than 1":
            text = self._rng.choice(("0.99", "0.50", "0", "-10.00"))
        elif outcome == "you dont have limit for this transaction":
            text = self._rng.choice(("1000.01", "1500.00", "99999.99"))
        elif self._rng.random() < 0.1:
            text = self._rng.choice(("1.00", "1000.00", "1000", "1"))
        else:
            text = f"{self._rng.randrange(100, 100_000) // 100}.{self._rng.randrange(100):02d}"
        return text if self._rng.random() < 0.7 else json.dumps(text)


def _luhn_check_digit(body: str) -> int:
    """The digit that makes ``body`` followed by it pass the Luhn check."""
    total = 0
    for position, character in enumerate(reversed(body)):
        digit = int(character)
        if position % 2 == 0:  # doubled once the check digit is appended
            digit = sum(divmod(digit * 2, 10))
        total += digit
    return (10 - total % 10) % 10


@dataclass(slots=True)
class _Published:
    """What the function handed its two output bindings over the run."""

    answers: dict[str, list[str]]  # transaction id -> every answer published for it, in order
    answer_messages: int = 0
    dead_letters: int = 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m demo.payments", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--transactions", type=positive_int, default=10_000, help="messages to publish"
    )
    add_run_arguments(
        parser, batch_size=250, database="--database", default=Path("demo-output/payments.db")
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    recreate(args.database)
    os.environ.update(SETTINGS, PAYMENTS_DB_URL=f"sqlite:///{args.database}")
    generator = TransactionStreamGenerator(
        seed=args.seed, today=datetime.now(BRASILIA).date(), partitions=args.partitions
    )
    published = _Published(answers={})
    with batch_totals("telesales.payments", "payments_") as totals:
        process_transactions = _indexed_function()
        started = time.perf_counter()
        delivered = 0
        total = args.transactions
        with tqdm(total=total, unit="tx", disable=args.quiet, file=sys.stderr) as progress:
            for batch, redelivery in deliveries(generator.messages(total), TOPIC, args.batch_size):
                results, dead_letters = CapturedOut(), CapturedOut()
                process_transactions(
                    events=kafka_batch(batch), results=results, dead_letters=dead_letters
                )
                _collect(published, results, dead_letters)
                delivered += len(batch)
                if not redelivery:
                    progress.update(len(batch))
        elapsed = time.perf_counter() - started
    return _report(
        args.database,
        generator=generator,
        totals=totals,
        published=published,
        delivered=delivered,
        elapsed=elapsed,
    )


def _indexed_function() -> Callable[..., None]:
    """``process_transactions`` indexed as the worker does, with a fresh composition root.

    The function is registered only when KAFKA_TRANSACTIONS_TOPIC is set at import, as in the
    host: ``function_app`` is (re-)imported once the settings are in place.
    """
    function_app = _function_app()
    function = quietly_indexed(function_app.app, "process_transactions")
    bootstrap.reset()
    return typing.cast("Callable[..., None]", function)


def _function_app() -> ModuleType:
    # Indexed afresh under the settings just set, as a worker starting on this deployment.
    if "function_app" in sys.modules:
        return importlib.reload(sys.modules["function_app"])
    return importlib.import_module("function_app")


def _collect(published: _Published, results: CapturedOut, dead_letters: CapturedOut) -> None:
    for message in json.loads(results.value or "[]"):
        value = json.loads(message["Value"])
        answer = value["status"] if value["status"] == APPROVED else value["error_message"]
        published.answers.setdefault(message["Key"], []).append(answer)
        published.answer_messages += 1
    published.dead_letters += len(json.loads(dead_letters.value or "[]"))


def _report(  # noqa: PLR0913 - everything the run measured
    database: Path,
    *,
    generator: TransactionStreamGenerator,
    totals: BatchTotals,
    published: _Published,
    delivered: int,
    elapsed: float,
) -> int:
    counts = totals.totals
    with closing(sqlite3.connect(database)) as db:
        stored = dict(
            db.execute(
                "SELECT id, CASE status WHEN 'approved' THEN status ELSE error_message END"
                " FROM transactions"
            ).fetchall()
        )
        rejects = Counter(
            dict(db.execute("SELECT reason, count(*) FROM rejected_messages GROUP BY reason"))
        )
        everything_stored = "\n".join(db.iterdump())

    print(
        f"\nDelivered {delivered:,} messages ({counts['messages']:,} counted by the function) "
        f"in {elapsed:.1f} s: {delivered / elapsed:,.0f} messages/s"
    )
    print(f"  {'approved':<44}{counts['approved']:>8,}")
    print(f"  {'rejected':<44}{counts['rejected']:>8,}")
    rejected = Counter(answer for answer in stored.values() if answer != APPROVED)
    for message in _REJECTIONS:
        print(f"    {message:<42}{rejected[message]:>8,}")
    print(f"  {'answered again (redelivered or resent)':<44}{counts['republished']:>8,}")
    print(f"  {'unanswerable (recorded and dead-lettered)':<44}{rejects.total():>8,}")
    for reason, count in sorted(rejects.items()):
        print(f"    {reason:<42}{count:>8,}")
    print(
        f"\nPublished {published.answer_messages:,} answers to transactions_result and "
        f"{published.dead_letters:,} dead letters."
    )

    problems = _differences(generator, stored, published, rejects)
    if any_found(generator.secrets, [everything_stored, *totals.lines]):
        problems.append("card data found in the database or the logs")
    if problems:
        print("\nThe run does NOT match the expected outcomes:")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    print(
        f"\nEvery answer matches the expected outcome: {len(stored):,} transactions, each "
        "stored once and answered the same way every time; no card data stored or logged."
    )
    print(f"Database file: {database}")
    return 0


# Character classes a secret can be made of. An occurrence of a secret made only of one class's
# characters lies inside one maximal run of that class in the text.
_RUNS = (re.compile(r"[0-9]+"), re.compile(r"(?:[^\W\d_]|[ .'\-])+"))


def any_found(secrets: Iterable[str], texts: Sequence[str]) -> bool:
    """Whether any of ``secrets`` occurs in any of ``texts``, as ``secret in text`` would tell.

    Searching every text for each of ~20,000 secrets one by one took ~10 s after the summary of
    a default run. A secret made of one class's characters (card numbers: digits; holder names:
    letters, spaces, dots, apostrophes, hyphens) can only lie inside a run of that class at least
    as long as itself, so it is searched in those distinct runs only, which are far fewer than the
    texts' characters; any other secret is searched in the texts whole.
    """
    whole = "\n".join(texts)
    runs = [sorted(set(run.findall(whole)), key=len) for run in _RUNS]
    haystacks: dict[tuple[int, int], str] = {}
    for secret in secrets:
        classes = [i for i, run in enumerate(_RUNS) if run.fullmatch(secret)]
        if not classes:
            haystack = whole
        else:
            key = (classes[0], len(secret))
            if key not in haystacks:
                candidates = runs[classes[0]]
                first = bisect.bisect_left(candidates, len(secret), key=len)
                haystacks[key] = "\n".join(candidates[first:])
            haystack = haystacks[key]
        if secret in haystack:
            return True
    return False


def _differences(
    generator: TransactionStreamGenerator,
    stored: dict[str, str],
    published: _Published,
    rejects: Counter[str],
) -> list[str]:
    expected = generator.expected
    problems = [f"missing transaction {t}" for t in sorted(expected.keys() - stored.keys())]
    problems += [f"unexpected transaction {t}" for t in sorted(stored.keys() - expected.keys())]
    problems += [
        f"transaction {t}: stored {stored[t]!r}, expected {expected[t]!r}"
        for t in sorted(expected.keys() & stored.keys())
        if stored[t] != expected[t]
    ]
    problems += [
        f"transaction {t}: answered {answers!r}, stored {stored.get(t)!r}"
        for t, answers in sorted(published.answers.items())
        if set(answers) != {stored.get(t)}
    ]
    problems += [
        f"transaction {t} never answered" for t in sorted(stored - published.answers.keys())
    ]
    problems += [
        f"unanswerable {reason}: expected {generator.unanswerable[reason]}, found {rejects[reason]}"
        for reason in sorted(generator.unanswerable.keys() | rejects.keys())
        if generator.unanswerable[reason] != rejects[reason]
    ]
    return problems


if __name__ == "__main__":
    sys.exit(main())
