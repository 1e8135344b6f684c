"""Flood limits: a token bucket per sender, and at most one answer a minute per person in a group."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class FloodGate:
    """A token bucket per user: ``burst`` updates at once, then one per ``1/refill_per_s`` s. The
    first update over the limit gets a friendly note; the next ones are dropped silently until
    the bucket refills, so a flood never turns into a flood of replies."""

    def __init__(
        self, *, burst: int = 12, refill_per_s: float = 0.5, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._burst = float(burst)
        self._refill = refill_per_s
        self._clock = clock
        self._buckets: dict[int, tuple[float, float, bool]] = {}  # user → (tokens, at, warned)

    def take(self, user_id: int) -> tuple[bool, bool, int]:
        """(allowed, warn now, seconds until the next token)."""
        now = self._clock()
        tokens, at, warned = self._buckets.get(user_id, (self._burst, now, False))
        tokens = min(self._burst, tokens + (now - at) * self._refill)
        if tokens >= 1.0:
            self._buckets[user_id] = (tokens - 1.0, now, False)
            return True, False, 0
        wait = max(1, round((1.0 - tokens) / self._refill))
        self._buckets[user_id] = (tokens, now, True)
        if len(self._buckets) > 100_000:
            self._buckets = {u: b for u, b in self._buckets.items() if b[0] < self._burst}
        return False, not warned, wait


POINTER_EVERY_S = 60.0


def may_answer_in_group(chat_data: dict[Any, Any] | None, user_id: int) -> bool:
    """At most one answer a minute per person in a group, so the bot never floods it."""
    last = chat_data.setdefault("answered", {}) if chat_data is not None else {}
    now = time.monotonic()
    if now - last.get(user_id, -POINTER_EVERY_S) < POINTER_EVERY_S:
        return False
    last[user_id] = now
    return True
