"""Sorting a delivered batch against the applied offsets, checked against its plain definition.

``sort_by_offsets`` takes shortcuts (a partition's offsets usually arrive in increasing order);
whatever the order, repeats and partitions, it must say what the definition says.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from service.stream.delivery import sort_by_offsets
from service.stream.records import Partition


@dataclass(frozen=True)
class Item:
    topic: str
    partition: int
    offset: int
    label: int  # tells repeats of one position apart


def defined(items: list[Item], applied: dict[Partition, int]) -> tuple[object, ...]:
    """What the sorting means, written the plain way."""
    fresh: list[Item] = []
    seen: set[tuple[str, int, int]] = set()
    replayed: set[tuple[str, int, int]] = set()
    for item in items:
        position = (item.topic, item.partition, item.offset)
        if item.offset <= applied.get(Partition(item.topic, item.partition), -1):
            replayed.add(position)
        elif position not in seen:
            seen.add(position)
            fresh.append(item)

    def spans(positions: list[tuple[str, int, int]]) -> dict[Partition, tuple[int, int]]:
        offsets: dict[Partition, list[int]] = {}
        for topic, partition, offset in positions:
            offsets.setdefault(Partition(topic, partition), []).append(offset)
        return {p: (min(o), max(o)) for p, o in offsets.items()}

    advanced = {
        p: last for p, (_, last) in spans([(i.topic, i.partition, i.offset) for i in fresh]).items()
    }
    return (
        fresh,
        spans([(i.topic, i.partition, i.offset) for i in items]),
        advanced,
        replayed,
        spans(list(replayed)),
    )


_items = st.lists(
    st.builds(
        Item, st.sampled_from(["a", "b"]), st.integers(0, 2), st.integers(0, 30), st.integers()
    ),
    max_size=60,
)
_applied = st.dictionaries(
    st.builds(Partition, st.sampled_from(["a", "b"]), st.integers(0, 2)), st.integers(-1, 20)
)


@settings(max_examples=500)
@given(_items, _applied)
def test_any_batch_is_sorted_as_defined(items: list[Item], applied: dict[Partition, int]) -> None:
    delivery = sort_by_offsets(items, applied)

    assert (
        delivery.fresh,
        delivery.spans,
        delivery.advanced,
        delivery.replayed,
        delivery.replayed_spans,
    ) == defined(items, applied)


@given(st.lists(st.integers(0, 1000), unique=True, max_size=60), _applied)
def test_offsets_in_order_then_repeated_keep_the_first_of_each(
    offsets: list[int], applied: dict[Partition, int]
) -> None:
    ordered = sorted(offsets)
    items = [Item("a", 0, o, 1) for o in ordered] + [Item("a", 0, o, 2) for o in ordered]
    delivery = sort_by_offsets(items, applied)

    assert delivery.fresh == defined(items, applied)[0]
    assert all(item.label == 1 for item in delivery.fresh)
