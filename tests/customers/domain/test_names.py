"""Customer names: what telesales read on screen, and what Bank 2 can store."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.customers.names import MAX_NAME_LENGTH, normalize_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Maria Souza", "Maria Souza"),
        ("  Maria Souza  ", "Maria Souza"),
        ("Maria    da   Silva", "Maria da Silva"),
        ("Maria\tSouza", "Maria Souza"),
        ("Maria\nSouza", "Maria Souza"),
        ("Maria\r\nSouza", "Maria Souza"),
        ("Maria\u00a0Souza", "Maria Souza"),  # no-break space from a word processor
        ("Maria\u2028Souza", "Maria Souza"),  # Unicode line separator
        ("\n\t Maria \t\n", "Maria"),
        ("A", "A"),
        ("João Conceição", "João Conceição"),
        ("D'Ávila-Müller", "D'Ávila-Müller"),
    ],
)
def test_names_are_trimmed_and_inner_whitespace_collapsed(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ma\x00ria", "Maria"),
        ("Maria\x07 Souza", "Maria Souza"),
        ("Maria\x7f", "Maria"),
        ("\x1b[31mMaria\x1b[0m", "[31mMaria[0m"),  # only the escape itself is a control
        ("Ma\u200bria", "Maria"),  # zero-width space
        ("\ufeffMaria", "Maria"),  # byte-order mark
        ("Maria \u202eazuoS", "Maria azuoS"),  # bidi override that would flip the screen
        ("Ma\u00adria", "Maria"),  # soft hyphen
        ("Maria \x00 Souza", "Maria Souza"),  # removing a control leaves no double space
    ],
)
def test_control_and_invisible_characters_are_removed(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", " ", "\t\n", "\x00\x01", "\u200b\ufeff", " \x00 \u200b "],
    ids=["empty", "space", "whitespace", "controls", "invisible", "mixed"],
)
def test_names_with_nothing_visible_are_rejected(raw: str) -> None:
    assert normalize_name(raw) is None


@pytest.mark.parametrize("raw", [None, 42, 4.2, b"Maria", ["Maria"], {"name": "Maria"}, True])
def test_non_string_names_are_rejected(raw: object) -> None:
    assert normalize_name(raw) is None


def test_a_name_of_the_maximum_length_is_kept_whole() -> None:
    name = "M" * MAX_NAME_LENGTH
    assert MAX_NAME_LENGTH == 120
    assert normalize_name(name) == name


def test_a_name_one_character_too_long_is_rejected() -> None:
    assert normalize_name("M" * (MAX_NAME_LENGTH + 1)) is None


def test_length_is_measured_after_whitespace_is_collapsed() -> None:
    words = ["Maria"] * 20  # 20 * 5 letters + 19 single spaces = 119 characters
    assert normalize_name("   ".join(words)) == " ".join(words)


def test_length_is_measured_after_controls_are_removed() -> None:
    raw = "\u200b".join("M" * MAX_NAME_LENGTH)
    assert normalize_name(raw) == "M" * MAX_NAME_LENGTH


def test_decomposed_accents_are_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "José Conceição")
    assert normalize_name(decomposed) == "José Conceição"


def test_a_decomposed_name_within_the_limit_is_accepted() -> None:
    # macOS and some JVM stacks send names decomposed: "ç" and "ã" as two code points each.
    composed = " ".join(["Conceição"] * 11)  # 109 characters, 22 of them accented
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > MAX_NAME_LENGTH
    assert normalize_name(decomposed) == composed


def test_a_stored_name_never_exceeds_the_limit() -> None:
    # U+0958 is a composition exclusion: NFC turns it into two code points.
    name = normalize_name("\u0958" * MAX_NAME_LENGTH)
    assert name is None or len(name) <= MAX_NAME_LENGTH


def test_a_stored_name_is_always_encodable() -> None:
    # json.loads accepts "\ud800"; the SQL driver would then fail the whole batch, every retry.
    name = normalize_name("Ana\ud800 Souza")
    assert name is None or name.encode("utf-8")


@given(st.text(max_size=300))
def test_any_accepted_name_is_clean(raw: str) -> None:
    name = normalize_name(raw)
    if name is None:
        return
    assert name == name.strip()
    assert "  " not in name
    assert not any(unicodedata.category(char) in {"Cc", "Cf"} for char in name)
    assert all(char == " " or not char.isspace() for char in name)


@given(st.text(max_size=300))
def test_normalising_twice_changes_nothing(raw: str) -> None:
    name = normalize_name(raw)
    if name is not None and len(name) <= MAX_NAME_LENGTH:
        assert normalize_name(name) == name


def test_a_name_garbled_by_a_wrong_encoding_is_rejected() -> None:
    # "João" sent in Latin-1 reaches us through a UTF-8 decoder as "Jo\ufffdo".
    assert normalize_name("Jo\ufffdo da Silva") is None


def test_a_name_padded_by_a_fixed_width_column_is_still_the_name() -> None:
    assert normalize_name("Maria Souza" + " " * 989) == "Maria Souza"
