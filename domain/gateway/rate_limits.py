"""How many requests an account may make: a token bucket per account, on the time passed in.

Each account's bucket holds up to ``per_minute`` tokens and refills continuously at
``per_minute`` per minute; a request takes one, or is refused with the seconds until one is
back. A burst of a whole minute's allowance is allowed, then the steady rate.

The buckets live in one process: in a deployment each instance enforces its own, so an account
gets at most ``per_minute`` times the number of instances. The exact, global limit belongs in
front of the app (API Management's ``rate-limit-by-key``, docs/gateway.md).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

_SECONDS_PER_MINUTE = 60.0
# Buckets kept at most: the least recently used is forgotten (it was full, or nearly).
_MAX_ACCOUNTS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by account; ``take`` returns 0 when allowed, else the seconds to wait."""

    def __init__(self, per_minute: int) -> None:
        if per_minute <= 0:
            raise ValueError("the rate limit must be positive")
        self.per_minute = per_minute
        self._per_second = per_minute / _SECONDS_PER_MINUTE
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, account_id: str, now: float) -> int:
        """Take a token for a request at ``now`` (monotonic seconds); 0 if allowed, else the
        whole seconds after which one will be there (an HTTP ``Retry-After``)."""
        with self._lock:
            bucket = self._buckets.pop(account_id, None)
            if bucket is None:
                bucket = _Bucket(float(self.per_minute), now)
            elapsed = max(now - bucket.updated, 0.0)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + elapsed * self._per_second)
            bucket.updated = now
            self._buckets[account_id] = bucket
            if len(self._buckets) > _MAX_ACCOUNTS:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / self._per_second))
