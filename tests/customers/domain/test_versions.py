"""Versions: one total order, the same in Python and as text keys compared inside SQL."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.customers.versions import VERSION_KEY_LENGTH, Version, VersionScheme

MAX_PART = 2**80 - 1  # an 80-bit SQL Server LSN must fit in one part

# Small values make equal and adjacent versions likely; large ones exercise every hex digit.
_part = st.one_of(st.integers(0, 3), st.integers(0, MAX_PART))
versions = st.builds(
    Version, st.sampled_from(VersionScheme), st.lists(_part, min_size=1, max_size=3).map(tuple)
)


@given(versions, versions)
def test_key_order_is_version_order(a: Version, b: Version) -> None:
    assert (a < b) is (a.key < b.key)
    assert (a == b) is (a.key == b.key)
    assert (a > b) is (a.key > b.key)


@given(versions)
def test_keys_have_a_fixed_width_of_plain_ascii(version: Version) -> None:
    assert len(version.key) == VERSION_KEY_LENGTH
    assert version.key.isascii()
    assert version.key == version.key.lower()  # case-insensitive SQL collations order it alike


@given(versions, versions)
def test_equal_versions_hash_alike(a: Version, b: Version) -> None:
    if a == b:
        assert hash(a) == hash(b)


@pytest.mark.parametrize("scheme", list(VersionScheme))
def test_missing_parts_count_as_zero(scheme: VersionScheme) -> None:
    short, medium, full = Version(scheme, (5,)), Version(scheme, (5, 0)), Version(scheme, (5, 0, 0))
    assert short == medium == full
    assert short.key == medium.key == full.key
    assert len({short, medium, full}) == 1
    assert short.parts == (5, 0, 0)


def test_later_parts_break_ties_of_earlier_ones() -> None:
    scheme = VersionScheme.PRODUCER_COUNTER
    assert Version(scheme, (5,)) < Version(scheme, (5, 1)) < Version(scheme, (6,))
    assert Version(scheme, (5, MAX_PART, MAX_PART)) < Version(scheme, (6,))


def test_numbers_compare_as_numbers_not_as_text() -> None:
    scheme = VersionScheme.KAFKA_OFFSET
    assert Version(scheme, (9,)) < Version(scheme, (10,))
    assert Version(scheme, (9,)).key < Version(scheme, (10,)).key
    assert Version(scheme, (255,)).key < Version(scheme, (256,)).key


def test_a_newer_producer_generation_wins_whatever_its_numbers() -> None:
    legacy = Version(VersionScheme.KAFKA_OFFSET, (MAX_PART, MAX_PART, MAX_PART))
    counter = Version(VersionScheme.PRODUCER_COUNTER, (0,))
    timestamp = Version(VersionScheme.SOURCE_TIMESTAMP, (0,))
    log_position = Version(VersionScheme.SOURCE_LOG_POSITION, (0,))
    assert legacy < counter < timestamp < log_position
    assert legacy.key < counter.key < timestamp.key < log_position.key


@pytest.mark.parametrize("part", [0, 1, MAX_PART])
def test_parts_from_zero_to_80_bits_are_accepted(part: int) -> None:
    assert Version(VersionScheme.SOURCE_LOG_POSITION, (part, part, part)).parts == (part,) * 3


@pytest.mark.parametrize(
    "parts",
    [(), (1, 2, 3, 4), (-1,), (1, -1), (MAX_PART + 1,), (0, 0, MAX_PART + 1)],
    ids=["none", "four", "negative", "negative-later", "81-bits", "81-bits-later"],
)
def test_out_of_bounds_versions_are_refused(parts: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="version"):
        Version(VersionScheme.PRODUCER_COUNTER, parts)


def test_the_largest_version_key_is_all_f() -> None:
    key = Version(VersionScheme.SOURCE_LOG_POSITION, (MAX_PART,) * 3).key
    assert key == "4" + "f" * (VERSION_KEY_LENGTH - 1)


def test_the_smallest_version_key_is_all_zero() -> None:
    key = Version(VersionScheme.KAFKA_OFFSET, (0,)).key
    assert key == "1" + "0" * (VERSION_KEY_LENGTH - 1)
