"""Retrying a unit of work through transient store failures, within a time budget."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from service.stream.errors import TransientStoreError

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff, bounded in attempts and in total time.

    The budget must stay well inside the Kafka consumer's ``max.poll.interval.ms`` (5 minutes by
    default): past it the broker reassigns the partitions and the batch is redelivered elsewhere
    anyway. When the budget runs out the last error propagates, the invocation fails, and the
    Functions host retries the batch; its offsets are not committed meanwhile.
    """

    attempts: int = 4
    first_delay_s: float = 1.0
    max_delay_s: float = 15.0
    budget_s: float = 60.0

    def run(
        self,
        work: Callable[[], T],
        *,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> T:
        started = monotonic()
        delay = self.first_delay_s
        for attempt in range(1, self.attempts + 1):
            try:
                return work()
            except TransientStoreError as error:
                elapsed = monotonic() - started
                if attempt == self.attempts or elapsed + delay > self.budget_s:
                    raise
                logger.warning(
                    "transient Bank 2 failure, retrying on a fresh connection",
                    extra={"attempt": attempt, "delay_s": delay, "error": str(error)},
                )
                sleep(delay)
                delay = min(delay * 2, self.max_delay_s)
        msg = "unreachable: the last attempt returns or raises"
        raise AssertionError(msg)
