"""Reducing a batch to what Bank 2 must hold: newest per customer, then newer than stored."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from domain.customers.batches import newer_than_stored, newest_per_customer
from domain.customers.changes import Contact, ContactChange, Removal
from domain.customers.regions import Region
from domain.customers.versions import Version, VersionScheme


def version(*parts: int, scheme: VersionScheme = VersionScheme.PRODUCER_COUNTER) -> Version:
    return Version(scheme, parts)


def contact(customer_id: str, ver: Version, name: str = "Maria") -> Contact:
    return Contact(customer_id, ver, name, "+5511987654321", Region.SUDESTE)


# Few customers and few versions, so that repeats and ties are the common case.
_versions = st.builds(
    Version,
    st.sampled_from([VersionScheme.KAFKA_OFFSET, VersionScheme.PRODUCER_COUNTER]),
    st.tuples(st.integers(0, 3)),
)


@st.composite
def _change(draw: st.DrawFn) -> ContactChange:
    customer_id = draw(st.sampled_from(["c-1", "c-2", "c-3", "c-4"]))
    ver = draw(_versions)
    if draw(st.booleans()):
        return Removal(customer_id, ver)
    return contact(customer_id, ver)


histories = st.lists(_change(), max_size=30)


def _expected_newest(changes: list[ContactChange]) -> dict[str, ContactChange]:
    """Each customer's change with the highest version; the earliest of equal ones."""
    expected: dict[str, ContactChange] = {}
    for customer_id in {change.customer_id for change in changes}:
        own = [change for change in changes if change.customer_id == customer_id]
        top = max(change.version for change in own)
        expected[customer_id] = next(change for change in own if change.version == top)
    return expected


@given(histories)
def test_newest_per_customer_keeps_exactly_the_newest_change_of_each(
    changes: list[ContactChange],
) -> None:
    kept, superseded = newest_per_customer(changes)
    expected = _expected_newest(changes)
    assert sorted(change.customer_id for change in kept) == sorted(expected)
    for change in kept:
        assert change is expected[change.customer_id]
    assert superseded == len(changes) - len(kept)


def test_on_equal_versions_the_first_delivered_stays() -> None:
    first, second = contact("c-1", version(5), "First"), contact("c-1", version(5), "Second")
    assert newest_per_customer([first, second]) == ([first], 1)


def test_a_newer_removal_supersedes_an_older_contact_and_vice_versa() -> None:
    older: ContactChange = contact("c-1", version(1))
    removal: ContactChange = Removal("c-1", version(2))
    newer: ContactChange = contact("c-1", version(3))
    assert newest_per_customer([older, removal]) == ([removal], 1)
    assert newest_per_customer([removal, newer]) == ([newer], 1)


def test_an_older_change_delivered_late_does_not_win() -> None:
    newer, older = contact("c-1", version(9), "New"), contact("c-1", version(2), "Old")
    assert newest_per_customer([newer, older]) == ([newer], 1)


def test_an_empty_batch_keeps_nothing() -> None:
    assert newest_per_customer([]) == ([], 0)


def test_customers_do_not_supersede_each_other() -> None:
    changes: list[ContactChange] = [
        contact("c-1", version(5)),
        contact("c-2", version(1)),
        Removal("c-3", version(0)),
    ]
    assert newest_per_customer(changes) == (changes, 0)


@given(histories, st.dictionaries(st.sampled_from(["c-1", "c-2", "c-5"]), _versions))
def test_newer_than_stored_keeps_strictly_newer_changes_in_order(
    changes: list[ContactChange], stored: dict[str, Version]
) -> None:
    stored_keys = {customer_id: ver.key for customer_id, ver in stored.items()}
    fresh, stale = newer_than_stored(changes, stored_keys)
    expected = [
        change
        for change in changes
        if change.customer_id not in stored or change.version > stored[change.customer_id]
    ]
    assert fresh == expected
    assert all(a is b for a, b in zip(fresh, expected, strict=True))
    assert stale == len(changes) - len(fresh)


def test_a_redelivered_version_is_stale() -> None:
    change = contact("c-1", version(4))
    assert newer_than_stored([change], {"c-1": change.version.key}) == ([], 1)


def test_an_unknown_customer_is_always_fresh() -> None:
    change = Removal("c-9", version(0, scheme=VersionScheme.KAFKA_OFFSET))
    assert newer_than_stored([change], {"c-1": version(99).key}) == ([change], 0)


def test_a_newer_producer_generation_replaces_a_higher_legacy_offset() -> None:
    change = contact("c-1", version(1, scheme=VersionScheme.SOURCE_LOG_POSITION))
    stored = {"c-1": version(10**12, scheme=VersionScheme.KAFKA_OFFSET).key}
    assert newer_than_stored([change], stored) == ([change], 0)


def _apply(held: dict[str, ContactChange], batch: list[ContactChange]) -> None:
    """What Bank 2 ends up holding after one batch, as the projection service writes it."""
    newest, _ = newest_per_customer(batch)
    stored = {customer_id: change.version.key for customer_id, change in held.items()}
    fresh, _ = newer_than_stored(newest, stored)
    held.update((change.customer_id, change) for change in fresh)


@given(histories, st.lists(st.integers(0, 30), max_size=4))
def test_the_outcome_does_not_depend_on_how_the_history_is_cut_into_batches(
    changes: list[ContactChange], cuts: list[int]
) -> None:
    whole: dict[str, ContactChange] = {}
    _apply(whole, changes)

    piecewise: dict[str, ContactChange] = {}
    bounds = [0, *sorted(cut for cut in cuts if cut <= len(changes)), len(changes)]
    for start, end in pairwise(bounds):
        _apply(piecewise, changes[start:end])

    assert whole.keys() == piecewise.keys()
    assert all(whole[customer_id] is piecewise[customer_id] for customer_id in whole)
