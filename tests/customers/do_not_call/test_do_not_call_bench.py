"""``python -m bench.do_not_call`` runs, at a size of seconds: the capacity figures in
docs/capacity.md come from this script at 1M contacts and 3.5M listed numbers."""

from __future__ import annotations

import json

import pytest

from bench.do_not_call import Sizes, e164, main, phone_digits
from domain.customers.phones import parse_brazilian_phone


def test_the_generated_numbers_are_distinct_valid_brazilian_phones() -> None:
    numbers = [phone_digits(i) for i in range(20_000)]
    assert len(set(numbers)) == len(numbers)
    for digits in numbers[:2_000]:
        parsed = parse_brazilian_phone(digits)
        assert parsed is not None
        assert parsed.e164 == "+55" + digits
    assert sum(len(digits) == 10 for digits in numbers) == 2_000  # one in ten a landline


def test_one_contact_in_listed_every_has_a_listed_phone() -> None:
    sizes = Sizes(contacts=1_000, list_size=5_000, listed_every=10)
    listed = {e164(i) for i in range(sizes.list_size)}
    assert sum(sizes.contact_phone(j) in listed for j in range(sizes.contacts)) == 100


def test_the_benchmark_runs_at_a_small_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--contacts", "400", "--list-size", "900", "--engines", "sqlite", "--repeat", "1"])
        == 0
    )

    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    loads = report["engines"]["sqlite"]["loads"]
    first, newer, again = (loads[label]["summary"] for label in loads)
    assert (first["phones_loaded"], first["contacts_suppressed"]) == (900, 40)
    assert (newer["phones_added"], newer["phones_dropped"]) == (9, 9)
    assert again["outcome"] == "already_loaded"
    queries = report["engines"]["sqlite"]["queries"]
    assert queries["COUNT(*)"]["baseline_rows"] == 1
    assert queries["full scan, every row fetched"]["baseline_rows"] == 400
