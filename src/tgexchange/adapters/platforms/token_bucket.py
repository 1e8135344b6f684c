"""One platform's request budget. Waiting for a token spreads our own requests out, nothing more:
it never varies or disguises them. Safe to share between threads; time comes from an injectable
clock and waits go through an injectable ``sleep``."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import PlatformUnavailable
from tgexchange.services.ports import Clock


class TokenBucket:
    """One platform's request budget: ``rate_per_s`` tokens a second, at most ``burst`` saved."""

    def __init__(
        self,
        platform: Platform,
        *,
        rate_per_s: float,
        burst: int,
        max_wait_s: float,
        clock: Clock,
        sleep: Callable[[float], None],
    ) -> None:
        if rate_per_s <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and room for at least one token")
        self._platform = platform
        self._rate_per_s = rate_per_s
        self._burst = float(burst)
        self._max_wait_s = max_wait_s
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated_at = _seconds(clock)
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Takes one token, sleeping until it is due; returns the seconds slept.

        A caller that has to wait reserves its token first, so callers are served in turn.
        Raises PlatformUnavailable (with the wait as ``retry_after_s``) and takes nothing when
        the wait would exceed ``max_wait_s``.
        """
        with self._lock:
            now = _seconds(self._clock)
            # max(): a clock set back must not take tokens away
            elapsed = max(0.0, now - self._updated_at)
            self._updated_at = now
            self._tokens = min(self._burst, self._tokens + elapsed * self._rate_per_s)
            wait_s = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate_per_s
            if wait_s > self._max_wait_s:
                raise PlatformUnavailable(
                    self._platform.label, "too many reads queued for this platform", retry_after_s=wait_s
                )
            self._tokens -= 1
        if wait_s > 0:
            self._sleep(wait_s)
        return wait_s


def _seconds(clock: Clock) -> float:
    return clock.now().timestamp()
