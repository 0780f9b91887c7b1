"""The worker's long-lived objects are frozen once, when its first composition root is built."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from adapters.stream.garbage import freeze_long_lived_objects


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    freeze_long_lived_objects.cache_clear()
    yield
    gc.unfreeze()


def test_the_first_call_freezes_what_is_alive_and_later_calls_do_nothing(unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0
    freeze_long_lived_objects()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    later: list[object] = [object() for _ in range(10)]
    freeze_long_lived_objects()
    assert gc.get_freeze_count() == frozen, later
