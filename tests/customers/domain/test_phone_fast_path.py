"""The phone fast path gives the phonenumbers library's answer on every input it meets.

``parse_brazilian_phone`` reads plainly typed numbers itself and leaves everything else to the
library; ``parse_brazilian_phone_with_library`` asks the library every time. They must agree on
every realistic and adversarial input: what people type, what the demo's generator types, and
strings built to sit on every edge of the fast path (prefixes, lengths, area codes, the first
digits that decide landline, mobile, toll-free or nothing).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demo import messages
from demo.people import DDDS, People
from domain.customers.phones import (
    BrazilianPhone,
    _diallable,
    _plain_national_number,
    parse_brazilian_phone,
    parse_brazilian_phone_with_library,
)

# Every way of writing what comes before the area code that the library treats specially:
# country code with and without "+", trunk prefix "0", international prefix "00", carrier codes,
# "90" (collect call), the "0xx" placeholder, a "tel:" label, and stray punctuation.
_PREFIXES = (
    "",
    "+",
    "+55",
    "+55 ",
    "+ 55 ",
    "55",
    "55 ",
    "0",
    "0 ",
    "00",
    "0055",
    "+550",
    "550",
    "90",
    "015",
    "015 ",
    "021",
    "041 ",
    "0xx",
    "(0xx",
    "tel:",
    "Tel: +55 ",
    "+5555",
    "5555",
    "(",
    "+(55)",
    "++55",
    "-",
    ".",
    "\u00a0",
    "\uff0b55",
)
_STYLES = (
    "{p}{ddd}{sub}",
    "{p}({ddd}) {head}-{tail}",
    "{p}({ddd}){head}-{tail}",
    "{p} {ddd} {head} {tail}",
    "{p}{ddd}.{head}.{tail}",
    "{p}{ddd}-{sub}",
    "{p}{ddd} {head}\u2011{tail}",
    "{p}{ddd}\t{head}-{tail}",
    "{p}{ddd} {head}-{tail} ",
    "{p}{ddd} {head}-{tail}-",
    "{p}{ddd} {head}-{tail} ramal 12",
    "{p}{ddd} {head}-{tail}#",
)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _edge_corpus(seed: int) -> list[str]:
    """Every area code from 00 to 99, every first two subscriber digits, lengths 7 to 10."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    corpus = []
    for ddd in range(100):
        for lead in range(100):
            for length in (7, 8, 9, 10):
                subscriber = f"{lead:02d}{_digits(rng, length - 2)}"
                corpus.append(
                    rng.choice(_STYLES).format(
                        p=rng.choice(_PREFIXES),
                        ddd=f"{ddd:02d}",
                        sub=subscriber,
                        head=subscriber[:-4],
                        tail=subscriber[-4:],
                    )
                )
    return corpus


def _generated_phones(seed: int, count: int) -> list[str]:
    """Valid numbers as the demo's generator types them, in every one of its styles."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    return [
        messages.type_phone(rng, rng.choice(DDDS), People.subscriber(rng)) for _ in range(count)
    ]


def _digit_strings(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    return [
        rng.choice(("", "+", " ", "(", "0", "55")) + _digits(rng, rng.randint(0, 16))
        for _ in range(count)
    ]


def _agree(corpus: list[str]) -> list[str]:
    """The inputs on which the fast path and the library disagree (none, hopefully)."""
    return [
        raw
        for raw in corpus
        if parse_brazilian_phone(raw) != parse_brazilian_phone_with_library(raw)
    ]


def test_the_fast_path_agrees_with_the_library_on_every_edge() -> None:
    corpus = _edge_corpus(seed=1)
    assert len(corpus) == 40_000
    assert _agree(corpus) == []


def test_the_fast_path_agrees_with_the_library_on_the_generators_phones() -> None:
    corpus = [*_generated_phones(seed=2, count=10_000), *messages.BAD_PHONES]
    assert _agree(corpus) == []


def test_the_fast_path_agrees_with_the_library_on_digit_strings_of_every_length() -> None:
    assert _agree(_digit_strings(seed=3, count=5_000)) == []


@settings(max_examples=1_000)
@given(st.text(alphabet="0123456789 +()-.x\t", max_size=24))
def test_the_fast_path_agrees_with_the_library_on_typed_text(raw: str) -> None:
    assert parse_brazilian_phone(raw) == parse_brazilian_phone_with_library(raw)


def test_every_style_the_generator_types_takes_the_fast_path() -> None:
    # Otherwise the agreement above would hold by leaving everything to the library.
    for raw in _generated_phones(seed=4, count=2_000):
        national = _plain_national_number(raw.strip())
        assert national is not None, raw
        assert _diallable(national), raw


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("(11) 98765-4321", BrazilianPhone("+5511987654321", 11)),
        ("+55 (21) 3456-7890", BrazilianPhone("+552134567890", 21)),
        ("011 3456-7890", BrazilianPhone("+551134567890", 11)),
        ("55 55 99876-5432", BrazilianPhone("+5555998765432", 55)),
        ("(55) 3456-7890", BrazilianPhone("+555534567890", 55)),
    ],
)
def test_the_fast_path_reads_the_plain_forms(raw: str, phone: BrazilianPhone) -> None:
    assert _plain_national_number(raw) == phone.e164.removeprefix("+55")
    assert parse_brazilian_phone(raw) == phone == parse_brazilian_phone_with_library(raw)


@pytest.mark.parametrize(
    "raw",
    ["0800 123 4567", "+55 800 123 4567", "(20) 98765-4321", "11 8765-4321", "4004-1234"],
)
def test_numbers_the_library_refuses_are_refused(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None
    assert parse_brazilian_phone_with_library(raw) is None
