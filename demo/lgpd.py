"""The demo's LGPD part: a do-not-call list loaded before the stream, the removal log after it,
and one customer's data subject report to end with.

The list is built from the run's own customers (one in forty of the contacts the stream will
leave, as a state list would hold some of them) and a few numbers no customer has, written as a
CSV export, and loaded with the real command (``python -m adapters.bank2 do-not-call load``).
The contacts it holds are expected to be kept out of ``telesales_contacts``: the oracle takes
them out of the generator's expectations, independently of the code under test.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

from adapters.bank2.__main__ import main as bank2_cli
from demo.generator import CustomerEventGenerator

LIST_NAME = "procon-sp"
EXPORTED_ON = "2026-11-01"
_ONE_IN = 40
# Numbers no demo customer has (the generator's subscribers start with 9 or 2-5), as an export
# holds many numbers the retailer never had, and one line that is no phone number at all.
_STRANGERS = ("11 98000-0001", "(21) 98000-0002", "+55 31 98000-0003")
_NOT_A_PHONE = "ligar depois"


def write_list(
    folder: Path, events: int, *, seed: int, customers: int, partitions: int
) -> tuple[Path, set[str]]:
    """The list's CSV export and the E.164 phones of the contacts it holds.

    A second generator with the same seed replays the run, so the list can name the phones the
    contacts will have at the end of it.
    """
    replay = CustomerEventGenerator(seed=seed, customers=customers, partitions=partitions)
    for _ in replay.messages(events):
        pass
    contacts = replay.expected_contacts()
    chosen = sorted(contacts, key=int)[::_ONE_IN]
    listed = {contacts[customer_id][1] for customer_id in chosen}
    path = folder / f"{LIST_NAME}-{EXPORTED_ON}.csv"
    lines = ["telefone;data_cadastro"]
    # As exports write them: digits only, area code first, with the date each was listed.
    lines += [f"{phone.removeprefix('+55')};2026-10-15" for phone in sorted(listed)]
    lines += [f"{phone};2026-10-20" for phone in _STRANGERS]
    lines.append(f"{_NOT_A_PHONE};2026-10-20")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, listed


def load_list(url: str, path: Path) -> None:
    """Load the export with the privacy officer's command, as an operator would."""
    print(f"\nLoading the do-not-call list {LIST_NAME} (export of {EXPORTED_ON}):")
    arguments = ["do-not-call", "load", "--list", LIST_NAME, "--exported-on", EXPORTED_ON]
    status = bank2_cli([*arguments, str(path), "--url", url])
    if status != 0:
        raise SystemExit(status)


def removal_log(bank2: Path) -> Counter[str]:
    with closing(sqlite3.connect(bank2)) as db:
        return Counter(dict(db.execute("SELECT reason, count(*) FROM removal_log GROUP BY 1")))


def report_one_subject(url: str, bank2: Path) -> None:
    """Print the data subject report of the first customer the stream deleted."""
    with closing(sqlite3.connect(bank2)) as db:
        row = db.execute(
            "SELECT customer_id FROM removal_log WHERE reason = 'deleted'"
            " ORDER BY CAST(customer_id AS INTEGER) LIMIT 1"
        ).fetchone()
    if row is None:
        return
    print(f"\npython -m adapters.bank2 subject {row[0]}:\n")
    bank2_cli(["subject", str(row[0]), "--url", url])
