"""Reading platforms gently: a cache, a rate limit and a circuit breaker around any reader.

Everything here exists to ask platforms less often and to stop asking when they say no. The rate
limit is a plain token bucket: waiting for a token spreads our own requests out, nothing more; it
never varies or disguises them. The circuit breaker stops all requests to a platform that keeps
failing and lets one probe through after a cool-down.

Times come from an injectable ``Clock`` (aware datetimes) and waits go through an injectable
``sleep``, so tests run without waiting. All parts are safe to share between threads.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Final, Generic, Literal, Protocol, TypeVar

from tgexchange.adapters.clock import SystemClock
from tgexchange.domain.content import ContentInfo, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable
from tgexchange.services.ports import Clock

BreakerStateName = Literal["closed", "open", "half_open"]

# While one probe checks a platform, other callers are told to come back this soon (or after
# the whole cool-down, if that is shorter): the probe normally settles it within seconds.
_PROBE_RETRY_S: Final = 30.0

V = TypeVar("V")


class PlatformReader(Protocol):
    """What reads one platform (yt-dlp, the YouTube API, recordings), uncached: PoliteReader
    wraps it into the ContentReader and CommentReader ports."""

    def read_content(self, ref: ContentRef) -> ContentInfo: ...

    def read_comments(self, ref: ContentRef, *, limit: int) -> Sequence[PublicComment]: ...


def _default_rates() -> dict[Platform, float]:
    # Instagram limits anonymous readers hardest, TikTok next; one read can be several requests.
    return {Platform.YOUTUBE: 1.0, Platform.TIKTOK: 0.5, Platform.INSTAGRAM: 0.2}


@dataclass(frozen=True, slots=True)
class Politeness:
    """How gently a PoliteReader treats the platforms.

    ``requests_per_s`` is per platform (a platform not listed gets 1.0); ``burst`` reads may go
    out at once after a quiet spell. A read that would wait longer than ``max_wait_s`` for its
    turn fails with PlatformUnavailable instead of blocking its thread. The breaker opens after
    ``failure_threshold`` consecutive PlatformUnavailable answers, or at once when the platform
    itself asks for a wait of at least ``cooldown_s``; it stays open for ``cooldown_s`` (or that
    longer wait).
    """

    content_ttl_s: float = 600.0
    comments_ttl_s: float = 60.0
    cache_entries: int = 1024
    requests_per_s: Mapping[Platform, float] = field(default_factory=_default_rates)
    burst: int = 3
    max_wait_s: float = 10.0
    failure_threshold: int = 5
    cooldown_s: float = 300.0


class TtlCache(Generic[V]):
    """A bounded map whose entries expire: least recently used entries go first when full."""

    def __init__(self, *, max_entries: int, clock: Clock) -> None:
        if max_entries < 1:
            raise ValueError("a cache holds at least one entry")
        self._max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The live value under ``key``, or None (expired entries are dropped)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if _seconds(self._clock) >= expires_at:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V, *, ttl_s: float) -> None:
        with self._lock:
            self._entries[key] = (_seconds(self._clock) + ttl_s, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


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


class BreakerStore(Protocol):
    """Where circuit breakers keep their state: one small JSON-friendly dict per platform.

    In memory for one process; a store shared by the job workers (their queue storage) makes
    every process see the same breaker. ``get`` returns None for a platform never stored.
    """

    def get(self, platform: str) -> Mapping[str, object] | None: ...

    def put(self, platform: str, state: Mapping[str, object]) -> None: ...


class InMemoryBreakerStore:
    def __init__(self) -> None:
        self._states: dict[str, dict[str, object]] = {}
        self._lock = threading.Lock()

    def get(self, platform: str) -> Mapping[str, object] | None:
        with self._lock:
            state = self._states.get(platform)
            return dict(state) if state is not None else None

    def put(self, platform: str, state: Mapping[str, object]) -> None:
        with self._lock:
            self._states[platform] = dict(state)


@dataclass(slots=True)
class _Breaker:
    """The stored state: ``opened_at`` and ``probe_at`` are epoch seconds."""

    state: BreakerStateName = "closed"
    failures: int = 0
    opened_at: float | None = None
    cooldown_s: float = 0.0
    probe_at: float | None = None

    @classmethod
    def load(cls, stored: Mapping[str, object] | None) -> _Breaker:
        if stored is None:
            return cls()
        failures = stored.get("failures")
        return cls(
            state=_state_name(stored.get("state")),
            failures=failures if isinstance(failures, int) else 0,
            opened_at=_float_or_none(stored.get("opened_at")),
            cooldown_s=_float_or_none(stored.get("cooldown_s")) or 0.0,
            probe_at=_float_or_none(stored.get("probe_at")),
        )

    def dump(self) -> dict[str, object]:
        return {
            "state": self.state,
            "failures": self.failures,
            "opened_at": self.opened_at,
            "cooldown_s": self.cooldown_s,
            "probe_at": self.probe_at,
        }


class CircuitBreaker:
    """Per-platform circuit breakers over a BreakerStore.

    closed: calls pass; consecutive PlatformUnavailable answers are counted.
    open: calls fail fast with PlatformUnavailable(retry_after_s=the rest of the cool-down).
    half_open: after the cool-down one call goes through as a probe; its success closes the
    breaker, its failure opens it for another cool-down. Other calls fail fast meanwhile. A probe
    that never reports (its process died) is replaced after one cool-down.

    Within a process the transitions are atomic. A shared store offers only get/put, so two
    processes may each send a probe at the same moment: at most one per process.
    """

    def __init__(
        self,
        store: BreakerStore,
        *,
        clock: Clock,
        failure_threshold: int = 5,
        cooldown_s: float = 300.0,
    ) -> None:
        if failure_threshold < 1 or cooldown_s <= 0:
            raise ValueError("a breaker needs a threshold of at least one failure and a positive cool-down")
        self._store = store
        self._clock = clock
        self._failure_threshold = failure_threshold
        self._cooldown_s = cooldown_s
        self._lock = threading.Lock()

    def before_call(self, platform: Platform) -> bool:
        """Lets a call through or raises PlatformUnavailable without it; True when the call is
        the half-open probe (report its outcome, or ``cancel_probe`` if it never runs)."""
        with self._lock:
            breaker = self._load(platform)
            now = _seconds(self._clock)
            if breaker.state == "closed":
                return False
            if breaker.state == "open":
                remaining_s = (breaker.opened_at or now) + breaker.cooldown_s - now
                if remaining_s > 0:
                    raise PlatformUnavailable(
                        platform.label,
                        f"paused after {breaker.failures} failed reads in a row",
                        retry_after_s=remaining_s,
                    )
            elif breaker.probe_at is not None and now - breaker.probe_at < breaker.cooldown_s:
                raise PlatformUnavailable(
                    platform.label,
                    "one read is checking whether the platform answers again",
                    retry_after_s=min(_PROBE_RETRY_S, breaker.cooldown_s),
                )
            breaker.state = "half_open"
            breaker.probe_at = now
            self._save(platform, breaker)
            return True

    def cancel_probe(self, platform: Platform) -> None:
        """The probe let through never ran: the next call may probe at once."""
        with self._lock:
            breaker = self._load(platform)
            if breaker.state == "half_open":
                breaker.state = "open"
                breaker.probe_at = None
                self._save(platform, breaker)

    def record_success(self, platform: Platform) -> None:
        """The platform answered (content, or "that content is gone"): closes the breaker."""
        with self._lock:
            breaker = self._load(platform)
            if breaker.state != "closed" or breaker.failures:
                self._save(platform, _Breaker())

    def record_failure(self, platform: Platform, *, retry_after_s: float | None = None) -> None:
        """The platform did not answer usefully; ``retry_after_s`` is its own request to wait."""
        with self._lock:
            breaker = self._load(platform)
            breaker.failures += 1
            asked_s = retry_after_s or 0.0
            if (
                breaker.state == "half_open"
                or breaker.failures >= self._failure_threshold
                or asked_s >= self._cooldown_s
            ):
                breaker.state = "open"
                breaker.opened_at = _seconds(self._clock)
                breaker.cooldown_s = max(self._cooldown_s, asked_s)
                breaker.probe_at = None
            self._save(platform, breaker)

    def state(self, platform: Platform) -> dict[str, object]:
        """For the watchdog: ``{"state": "closed" | "open" | "half_open", "failures": n,
        "opened_at": aware UTC datetime or None}``. An open breaker whose cool-down is over
        reports half_open: its next call is the probe."""
        with self._lock:
            breaker = self._load(platform)
        state = breaker.state
        cooled_down = breaker.opened_at is not None and _seconds(self._clock) >= breaker.opened_at + breaker.cooldown_s
        if state == "open" and cooled_down:
            state = "half_open"
        opened_at = datetime.fromtimestamp(breaker.opened_at, UTC) if breaker.opened_at is not None else None
        return {"state": state, "failures": breaker.failures, "opened_at": opened_at}

    def _load(self, platform: Platform) -> _Breaker:
        return _Breaker.load(self._store.get(platform.value))

    def _save(self, platform: Platform, breaker: _Breaker) -> None:
        self._store.put(platform.value, breaker.dump())


class PoliteReader:
    """ContentReader and CommentReader around any PlatformReader: cache, then breaker, then rate
    limit, then the inner reader.

    Cached: content for ``content_ttl_s``, comments for ``comments_ttl_s``, keyed by platform,
    content id (and ``limit`` for comments); only successful reads are kept. The breaker counts
    PlatformUnavailable (and any unexpected error) as a failure; ContentUnavailable counts as an
    answer, since the platform did respond. Raises what the inner reader raises, plus
    PlatformUnavailable when the breaker is open or the rate limit's queue is too long.
    """

    def __init__(
        self,
        inner: PlatformReader,
        *,
        politeness: Politeness | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        breaker_store: BreakerStore | None = None,
    ) -> None:
        self._inner = inner
        self._politeness = politeness or Politeness()
        clock = clock or SystemClock()
        self._cache: TtlCache[ContentInfo | tuple[PublicComment, ...]] = TtlCache(
            max_entries=self._politeness.cache_entries, clock=clock
        )
        self.breaker = CircuitBreaker(
            breaker_store or InMemoryBreakerStore(),
            clock=clock,
            failure_threshold=self._politeness.failure_threshold,
            cooldown_s=self._politeness.cooldown_s,
        )
        self._buckets = {
            platform: TokenBucket(
                platform,
                rate_per_s=self._politeness.requests_per_s.get(platform, 1.0),
                burst=self._politeness.burst,
                max_wait_s=self._politeness.max_wait_s,
                clock=clock,
                sleep=sleep,
            )
            for platform in Platform
        }

    def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:
        key = ("content", ref.platform, ref.content_id)
        cached = None if fresh else self._cache.get(key)
        if isinstance(cached, ContentInfo):
            return cached
        info = self._call(ref.platform, lambda: self._inner.read_content(ref))
        self._cache.put(key, info, ttl_s=self._politeness.content_ttl_s)
        return info

    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:
        if limit <= 0:
            return ()
        key = ("comments", ref.platform, ref.content_id, limit)
        cached = None if fresh else self._cache.get(key)
        if isinstance(cached, tuple):
            return cached
        comments = tuple(self._call(ref.platform, lambda: self._inner.read_comments(ref, limit=limit)))
        self._cache.put(key, comments, ttl_s=self._politeness.comments_ttl_s)
        return comments

    def state(self, platform: Platform) -> dict[str, object]:
        """The platform's circuit breaker state (see ``CircuitBreaker.state``)."""
        return self.breaker.state(platform)

    def _call(self, platform: Platform, read: Callable[[], V]) -> V:
        is_probe = self.breaker.before_call(platform)
        try:
            self._buckets[platform].acquire()
        except PlatformUnavailable:
            if is_probe:
                self.breaker.cancel_probe(platform)
            raise
        try:
            result = read()
        except ContentUnavailable:
            self.breaker.record_success(platform)
            raise
        except PlatformUnavailable as error:
            self.breaker.record_failure(platform, retry_after_s=error.retry_after_s)
            raise
        except Exception:
            # A reader that breaks its contract is treated like a failing platform: back off.
            self.breaker.record_failure(platform)
            raise
        self.breaker.record_success(platform)
        return result


def _seconds(clock: Clock) -> float:
    return clock.now().timestamp()


def _state_name(value: object) -> BreakerStateName:
    if value == "open":
        return "open"
    if value == "half_open":
        return "half_open"
    return "closed"


def _float_or_none(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
