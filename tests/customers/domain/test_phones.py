"""Brazilian phones as people type them, to E.164, and everything that is not one."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.customers.phones import BrazilianPhone, parse_brazilian_phone

MOBILE_SP = BrazilianPhone(e164="+5511987654321", area_code=11)
LANDLINE_SP = BrazilianPhone(e164="+551134567890", area_code=11)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("(11) 98765-4321", MOBILE_SP),
        ("11987654321", MOBILE_SP),
        ("+55 11 98765-4321", MOBILE_SP),
        ("011 98765-4321", MOBILE_SP),
        ("55 11 3456-7890", LANDLINE_SP),
    ],
)
def test_the_examples_from_the_issue_are_accepted(raw: str, expected: BrazilianPhone) -> None:
    assert parse_brazilian_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "+5511987654321",
        "5511987654321",
        "55 11 98765-4321",
        "5511 98765-4321",
        "(011) 98765-4321",
        "(0xx11) 98765-4321",
        "0xx11 98765-4321",
        "015 11 98765-4321",  # long-distance carrier code, as dialled between cities
        "021 11 98765-4321",
        "11 9 8765 4321",
        "11.98765.4321",
        "  11 98765-4321\n",
        "\t11987654321",
        "tel:+55-11-98765-4321",
        "Tel: (11) 98765-4321",
        "11\u00a098765\u20114321",  # no-break space and non-breaking hyphen from a word processor
        "11 98765\u22124321",  # minus sign
        "\uff15\uff15 \uff11\uff11 \uff19\uff18\uff17\uff16\uff15-\uff14\uff13\uff12\uff11",
        "\uff0811\uff0998765-4321",  # full-width parentheses
    ],
)
def test_common_ways_of_typing_a_mobile_are_accepted(raw: str) -> None:
    assert parse_brazilian_phone(raw) == MOBILE_SP


@pytest.mark.parametrize(
    "raw",
    ["(11) 3456-7890", "1134567890", "+55 11 3456-7890", "011 3456-7890", "0 11 3456-7890"],
)
def test_common_ways_of_typing_a_landline_are_accepted(raw: str) -> None:
    assert parse_brazilian_phone(raw) == LANDLINE_SP


@pytest.mark.parametrize(
    ("raw", "e164", "area_code"),
    [
        ("(21) 2345-6789", "+552123456789", 21),  # landline, Rio de Janeiro
        ("(21) 99876-5432", "+5521998765432", 21),  # mobile, Rio de Janeiro
        ("(61) 3456-7890", "+556134567890", 61),  # landline, Brasília
        ("(51) 3456-7890", "+555134567890", 51),  # landline, Porto Alegre
        ("(71) 98765-4321", "+5571987654321", 71),  # mobile, Salvador
        ("(92) 98765-4321", "+5592987654321", 92),  # mobile, Manaus
        ("(99) 98765-4321", "+5599987654321", 99),  # mobile, the highest DDD
        ("(55) 3456-7890", "+555534567890", 55),  # DDD 55 (Santa Maria) equals the country code
        ("55 55 3456-7890", "+555534567890", 55),
        ("+55 55 99876-5432", "+5555998765432", 55),
    ],
)
def test_landlines_and_mobiles_across_the_country(raw: str, e164: str, area_code: int) -> None:
    assert parse_brazilian_phone(raw) == BrazilianPhone(e164=e164, area_code=area_code)


@pytest.mark.parametrize(
    "raw",
    [
        "0800 123 4567",
        "08001234567",
        "0800-773-7700",
        "+55 800 123 4567",
        "0300 123 4567",  # shared cost
        "0500 123 4567",  # donations
        "0900 123 4567",  # premium rate
        "4004-1234",  # nationwide "capital" number, dialled without a DDD
        "3003 1234",
    ],
)
def test_toll_free_premium_and_shared_cost_numbers_are_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "+1 650 253 0000",
        "+351 912 345 678",
        "+54 9 11 1234-5678",
        "+44 20 7946 0958",
        "+598 94 123 456",
        "0055 11 98765-4321",  # "00 55" reads as a carrier code, then country code 11
    ],
)
def test_foreign_numbers_are_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize("raw", ["98765-4321", "987654321", "3456-7890", "34567890"])
def test_numbers_without_an_area_code_are_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "11 8765-4321",  # mobiles have had nine digits since 2016
        "11 1234-5678",  # no subscriber number starts with 1
        "11 98765-432",
        "11 987654-32100",
        "+551198765432100",
        "20 98765-4321",  # unassigned DDD
        "+55 23 3456-7890",
        "+55 10 98765-4321",
        "00 11 98765-4321",
        "1-800-FLOWERS",
        "0",
        "00",
    ],
)
def test_impossible_numbers_are_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "+",
        "-",
        "abc",
        "Maria Souza",
        "não tem",
        "11 98765-4321, 21 98765-4321",  # two numbers in one field
        "11 98765-4321 / 11 3456-7890",
    ],
)
def test_text_that_is_not_one_phone_is_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    ["1" * 41, "9" * 10_000, "+55 11 98765-4321 " + "0" * 40, "(11) 98765-4321" * 3],
)
def test_overlong_input_is_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


@pytest.mark.parametrize(
    "raw", ["+55 11 98765-4321 ext 12", "+55 11 98765-4321 x12", "+55 11 98765-4321;ext=12"]
)
def test_a_number_with_an_extension_is_rejected(raw: str) -> None:
    # Telesales dial numbers, not extensions; silently dropping one would call a switchboard.
    assert parse_brazilian_phone(raw) is None


def test_a_portuguese_extension_is_treated_like_an_english_one() -> None:
    english = parse_brazilian_phone("+55 (11) 98765-4321 ext 12")
    assert parse_brazilian_phone("+55 (11) 98765-4321 ramal 12") == english is None


@pytest.mark.parametrize(
    "raw",
    ["(11) 98765-XXXX", "(11) XXXXX-4321", "+55 11 FLOWERS1", "+55 11 9ABCD-4321"],
    ids=["masked-end", "masked-start", "vanity", "letters"],
)
def test_letters_in_place_of_digits_are_rejected(raw: str) -> None:
    assert parse_brazilian_phone(raw) is None


def test_a_phone_padded_by_a_fixed_width_column_is_accepted() -> None:
    assert parse_brazilian_phone("(11) 98765-4321".ljust(50)) == MOBILE_SP


_TYPED = st.text(alphabet="0123456789 +()-.x", max_size=30)


@given(_TYPED)
def test_every_accepted_phone_is_brazilian_e164_with_its_area_code(raw: str) -> None:
    phone = parse_brazilian_phone(raw)
    if phone is None:
        return
    assert re.fullmatch(r"\+55[1-9][1-9]\d{8,9}", phone.e164)
    assert phone.area_code == int(phone.e164[3:5])


@given(_TYPED)
def test_parsing_a_stored_phone_gives_it_back(raw: str) -> None:
    phone = parse_brazilian_phone(raw)
    if phone is not None:
        assert parse_brazilian_phone(phone.e164) == phone
