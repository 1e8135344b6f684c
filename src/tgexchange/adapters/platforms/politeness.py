"""Reading platforms gently: a cache, a rate limit and a circuit breaker around any reader.

Everything here exists to ask platforms less often and to stop asking when they say no. The parts
have modules of their own: ``ttl_cache`` (the cache), ``token_bucket`` (the rate limit: a plain
token bucket that spreads our own requests out, nothing more; it never varies or disguises them)
and ``circuit_breaker`` (stops all requests to a platform that keeps failing and lets one probe
through after a cool-down). This module puts them together around a ``PlatformReader``.

Times come from an injectable ``Clock`` (aware datetimes) and waits go through an injectable
``sleep``, so tests run without waiting. All parts are safe to share between threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from tgexchange.adapters.clock import SystemClock
from tgexchange.adapters.platforms.circuit_breaker import BreakerStore, CircuitBreaker, InMemoryBreakerStore
from tgexchange.adapters.platforms.token_bucket import TokenBucket
from tgexchange.adapters.platforms.ttl_cache import TtlCache
from tgexchange.domain.content import ContentInfo, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable
from tgexchange.services.ports import Clock

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
