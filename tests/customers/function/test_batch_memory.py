"""The function keeps no message bytes once they are decoded: a batch's memory is the host's.

A batch of large rejected messages goes through the real function as the host delivers it, and
the memory the function allocates on top of the batch the worker already holds is measured with
tracemalloc (deterministic, unlike RSS): it must stay a small fraction of the bytes delivered.
"""

from __future__ import annotations

import importlib
import json
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import azure.functions as func
import pytest

import function_app
from adapters import bootstrap
from demo.functions_host import KafkaMessage, indexed_functions, kafka_batch

SIZE = 1_000_000  # just under the 1 MiB limit: each one is parsed, then rejected
WHEN = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def peak_allocated(run: Callable[[list[func.KafkaEvent]], None], first: int, count: int) -> int:
    """The most the function allocates while it runs a batch of ``count`` large messages."""
    messages = [
        KafkaMessage(
            "customers",
            0,
            offset,
            None,
            json.dumps({"customer_id": str(offset), "version": 1, "name": "a" * SIZE}).encode(),
            WHEN,
        )
        for offset in range(first, first + count)
    ]
    batch = kafka_batch(messages)
    del messages
    tracemalloc.start()
    try:
        run(batch)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Out:
    def set(self, value: str) -> None:
        self.value = value


@pytest.mark.parametrize("dead_letters", [False, True], ids=["no-dead-letters", "pointers"])
def test_the_function_s_memory_does_not_grow_with_the_batch_s_bytes(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, dead_letters: bool
) -> None:
    monkeypatch.setenv("BANK2_URL", sqlite_url)
    monkeypatch.setenv("KAFKA_CONSUMER_GROUP", "telesales")
    if dead_letters:
        # Every message here is rejected: a pointer each, built without its bytes.
        monkeypatch.setenv("KAFKA_DEAD_LETTER_TOPIC", "customers-dead-letters")
    module = importlib.reload(function_app)
    bootstrap.reset()
    (function,) = indexed_functions(module.app)
    user_function = function.get_user_function()

    def run(batch: list[func.KafkaEvent]) -> None:
        if dead_letters:
            user_function(batch, _Out())
        else:
            user_function(batch)

    try:
        warm_up = b'{"customer_id": "1", "version": 1, "name": "Ana", "phone": "(11) 98765-4321"}'
        run(kafka_batch([KafkaMessage("customers", 0, 0, None, warm_up, WHEN)]))
        small = peak_allocated(run, 1, 4)
        large = peak_allocated(run, 100, 28)
    finally:
        monkeypatch.undo()
        importlib.reload(function_app)
        bootstrap.reset()

    # Holding each record's bytes until the batch ended cost about 1.1 MB per message here;
    # released once decoded, 24 more messages cost next to nothing.
    per_message = (large - small) / 24
    assert per_message < SIZE / 10, f"{per_message / SIZE:.2f}x a message's size per message"
