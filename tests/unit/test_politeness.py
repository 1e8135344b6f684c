"""PoliteReader and its parts: the cache, the token bucket and the circuit breaker, on a fake
clock (nothing sleeps) around the fake platform."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from tests.fakes import T0, FakeClock, FakePlatform
from tgexchange.adapters.platforms.circuit_breaker import CircuitBreaker, InMemoryBreakerStore
from tgexchange.adapters.platforms.politeness import Politeness, PoliteReader
from tgexchange.adapters.platforms.token_bucket import TokenBucket
from tgexchange.adapters.platforms.ttl_cache import TtlCache
from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable

YOUTUBE = Platform.YOUTUBE


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real connection attempt fails the test that made it."""

    def refuse(self: socket.socket, *args: object) -> None:
        raise AssertionError(f"a test tried to open a network connection to {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


class FakeSleep:
    """Sleeping moves the fake clock on; the waits are recorded."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleep(clock: FakeClock) -> FakeSleep:
    return FakeSleep(clock)


@pytest.fixture
def platform() -> FakePlatform:
    return FakePlatform()


@pytest.fixture
def video(platform: FakePlatform) -> ContentRef:
    ref = platform.publish(channel_id="UCowner")
    platform.comment(ref, author_channel_id="UCgiver", text="Nice pacing", at=T0)
    return ref


GENEROUS = Politeness(requests_per_s=dict.fromkeys(Platform, 1000.0), burst=1000, failure_threshold=3, cooldown_s=120)


def polite(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, politeness: Politeness = GENEROUS
) -> PoliteReader:
    return PoliteReader(platform, politeness=politeness, clock=clock, sleep=sleep)


def outage(retry_after_s: float | None = None) -> PlatformUnavailable:
    return PlatformUnavailable("YouTube", "test outage", retry_after_s=retry_after_s)


def test_the_network_guard_refuses_real_connections() -> None:
    with socket.socket() as sock, pytest.raises(AssertionError, match="network connection"):
        sock.connect(("127.0.0.1", 9))


# --- cache -----------------------------------------------------------------------------------


def test_a_cached_read_does_not_ask_the_platform_again(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)

    first = reader.read_content(video)
    clock.advance(seconds=599)
    second = reader.read_content(video)
    reader.read_comments(video, limit=10)
    reader.read_comments(video, limit=10)

    assert second == first
    assert platform.calls == [("read_content", video.content_id), ("read_comments", video.content_id)]


def test_cached_content_expires_after_ten_minutes(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)

    reader.read_content(video)
    clock.advance(seconds=600)
    reader.read_content(video)

    assert platform.calls.count(("read_content", video.content_id)) == 2


def test_cached_comments_expire_after_a_minute(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)

    reader.read_comments(video, limit=10)
    clock.advance(seconds=59)
    reader.read_comments(video, limit=10)
    clock.advance(seconds=1)
    later = platform.comment(video, author_channel_id="UClate", text="Late feedback", at=T0 + timedelta(minutes=1))
    comments = reader.read_comments(video, limit=10)

    assert platform.calls.count(("read_comments", video.content_id)) == 2
    assert comments[0] == later


def test_comments_are_cached_per_limit(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)

    reader.read_comments(video, limit=10)
    reader.read_comments(video, limit=100)

    assert platform.calls.count(("read_comments", video.content_id)) == 2


def test_failures_are_not_cached(platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage())

    with pytest.raises(PlatformUnavailable):
        reader.read_content(video)
    assert reader.read_content(video).channel_id == "UCowner"


def test_the_cache_forgets_the_least_recently_used_entry_when_full(clock: FakeClock) -> None:
    cache: TtlCache[str] = TtlCache(max_entries=2, clock=clock)
    cache.put("a", "A", ttl_s=60)
    cache.put("b", "B", ttl_s=60)

    cache.get("a")
    cache.put("c", "C", ttl_s=60)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    assert len(cache) == 2


# --- token bucket ----------------------------------------------------------------------------


def bucket(clock: FakeClock, sleep: FakeSleep, *, rate_per_s: float, burst: int, max_wait_s: float = 60) -> TokenBucket:
    return TokenBucket(YOUTUBE, rate_per_s=rate_per_s, burst=burst, max_wait_s=max_wait_s, clock=clock, sleep=sleep)


def test_the_token_bucket_lets_a_burst_through_then_spaces_requests_by_the_rate(
    clock: FakeClock, sleep: FakeSleep
) -> None:
    limiter = bucket(clock, sleep, rate_per_s=2.0, burst=3)

    waits = [limiter.acquire() for _ in range(5)]

    assert waits == [0.0, 0.0, 0.0, 0.5, 0.5]
    assert sleep.waits == [0.5, 0.5]


def test_the_token_bucket_refills_while_idle_but_never_beyond_the_burst(clock: FakeClock, sleep: FakeSleep) -> None:
    limiter = bucket(clock, sleep, rate_per_s=1.0, burst=2)
    limiter.acquire()
    limiter.acquire()

    clock.advance(hours=1)
    waits = [limiter.acquire() for _ in range(3)]

    assert waits == [0.0, 0.0, 1.0]


def test_the_token_bucket_refuses_a_wait_longer_than_allowed_and_takes_no_token(
    clock: FakeClock, sleep: FakeSleep
) -> None:
    limiter = bucket(clock, sleep, rate_per_s=0.1, burst=1, max_wait_s=5)
    limiter.acquire()

    with pytest.raises(PlatformUnavailable) as raised:
        limiter.acquire()

    assert raised.value.retry_after_s == pytest.approx(10.0)
    assert sleep.waits == []
    clock.advance(seconds=10)
    assert limiter.acquire() == 0.0  # the refused call did not use up the next token


def test_the_polite_reader_waits_its_turn_between_reads(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep
) -> None:
    one_a_second = Politeness(requests_per_s={YOUTUBE: 1.0}, burst=1)
    reader = polite(platform, clock, sleep, one_a_second)
    first, second = platform.publish(channel_id="UCa"), platform.publish(channel_id="UCb")

    reader.read_content(first)
    reader.read_content(second)
    reader.read_content(first)  # cached: no turn needed

    assert sleep.waits == [1.0]
    assert len(platform.calls) == 2


def test_each_platform_has_its_own_rate(platform: FakePlatform, clock: FakeClock, sleep: FakeSleep) -> None:
    rates = Politeness(requests_per_s={YOUTUBE: 1.0, Platform.TIKTOK: 1.0}, burst=1)
    reader = polite(platform, clock, sleep, rates)

    reader.read_content(platform.publish(channel_id="UCa"))
    reader.read_content(platform.publish(channel_id="tt", platform=Platform.TIKTOK))

    assert sleep.waits == []


# --- circuit breaker -------------------------------------------------------------------------


def test_the_breaker_opens_after_consecutive_failures_and_then_fails_fast(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage(), outage(), outage())
    for _ in range(3):
        with pytest.raises(PlatformUnavailable):
            reader.read_content(video)
    calls_before = len(platform.calls)

    clock.advance(seconds=20)
    with pytest.raises(PlatformUnavailable) as raised:
        reader.read_comments(video, limit=10)

    assert len(platform.calls) == calls_before  # the platform was not asked
    assert raised.value.retry_after_s == pytest.approx(100.0)  # the rest of the 120 s cool-down
    assert reader.state(YOUTUBE) == {"state": "open", "failures": 3, "opened_at": T0}


def test_the_breaker_counts_only_consecutive_failures(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage(), outage())
    for _ in range(2):
        with pytest.raises(PlatformUnavailable):
            reader.read_content(video)
    reader.read_comments(video, limit=5)
    platform.fail_next(outage(), outage())
    for _ in range(2):
        with pytest.raises(PlatformUnavailable):
            reader.read_comments(video, limit=7)

    assert reader.state(YOUTUBE)["state"] == "closed"
    assert reader.state(YOUTUBE)["failures"] == 2


def test_content_that_is_gone_counts_as_an_answer(platform: FakePlatform, clock: FakeClock, sleep: FakeSleep) -> None:
    reader = polite(platform, clock, sleep)
    gone = ContentRef(YOUTUBE, ContentKind.VIDEO, "gone0000000", "https://youtube.example/gone")
    for _ in range(5):
        with pytest.raises(ContentUnavailable):
            reader.read_content(gone)

    assert reader.state(YOUTUBE) == {"state": "closed", "failures": 0, "opened_at": None}


def test_a_breaker_lets_one_probe_through_after_the_cooldown_and_closes_on_success(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage(), outage(), outage())
    for _ in range(3):
        with pytest.raises(PlatformUnavailable):
            reader.read_content(video)

    clock.advance(seconds=120)
    assert reader.state(YOUTUBE)["state"] == "half_open"
    info = reader.read_content(video)

    assert info.channel_id == "UCowner"
    assert reader.state(YOUTUBE) == {"state": "closed", "failures": 0, "opened_at": None}


def test_a_failed_probe_opens_the_breaker_for_another_cooldown(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage(), outage(), outage(), outage())
    for _ in range(3):
        with pytest.raises(PlatformUnavailable):
            reader.read_content(video)
    clock.advance(seconds=125)

    with pytest.raises(PlatformUnavailable):
        reader.read_content(video)  # the probe, and it fails
    calls_before = len(platform.calls)
    with pytest.raises(PlatformUnavailable) as raised:
        reader.read_content(video)

    assert len(platform.calls) == calls_before
    assert raised.value.retry_after_s == pytest.approx(120.0)
    assert reader.state(YOUTUBE) == {"state": "open", "failures": 4, "opened_at": T0 + timedelta(seconds=125)}


def test_only_one_probe_goes_through_at_a_time(clock: FakeClock) -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), clock=clock, failure_threshold=1, cooldown_s=60)
    breaker.record_failure(YOUTUBE)
    clock.advance(seconds=60)

    assert breaker.before_call(YOUTUBE) is True
    with pytest.raises(PlatformUnavailable) as raised:
        breaker.before_call(YOUTUBE)
    assert raised.value.retry_after_s == 30.0
    assert breaker.state(YOUTUBE)["state"] == "half_open"


def test_a_probe_that_never_reports_is_replaced_after_a_cooldown(clock: FakeClock) -> None:
    breaker = CircuitBreaker(InMemoryBreakerStore(), clock=clock, failure_threshold=1, cooldown_s=60)
    breaker.record_failure(YOUTUBE)
    clock.advance(seconds=60)
    breaker.before_call(YOUTUBE)  # its process dies here

    clock.advance(seconds=60)

    assert breaker.before_call(YOUTUBE) is True


def test_a_probe_held_back_by_the_rate_limit_is_handed_to_the_next_call(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    slow = Politeness(requests_per_s={YOUTUBE: 0.001}, burst=1, max_wait_s=1, failure_threshold=1, cooldown_s=60)
    reader = polite(platform, clock, sleep, slow)
    platform.fail_next(outage())
    with pytest.raises(PlatformUnavailable):
        reader.read_content(video)  # uses the only token and opens the breaker
    clock.advance(seconds=60)

    with pytest.raises(PlatformUnavailable, match="not answering"):
        reader.read_content(video)  # the probe, refused by the rate limit before reaching the platform

    assert reader.breaker.before_call(YOUTUBE) is True  # the next call may probe at once


def test_a_platform_asking_for_a_long_wait_opens_the_breaker_at_once(
    platform: FakePlatform, clock: FakeClock, sleep: FakeSleep, video: ContentRef
) -> None:
    reader = polite(platform, clock, sleep)
    platform.fail_next(outage(retry_after_s=3600))

    with pytest.raises(PlatformUnavailable):
        reader.read_content(video)
    clock.advance(seconds=600)
    with pytest.raises(PlatformUnavailable) as raised:
        reader.read_content(video)

    assert raised.value.retry_after_s == pytest.approx(3000.0)
    assert len(platform.calls) == 1


def test_an_unexpected_error_counts_as_a_failure(clock: FakeClock, sleep: FakeSleep, video: ContentRef) -> None:
    class Broken(FakePlatform):
        def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:
            raise KeyError("title")

    reader = PoliteReader(Broken(), politeness=GENEROUS, clock=clock, sleep=sleep)

    with pytest.raises(KeyError):
        reader.read_content(video)

    assert reader.state(YOUTUBE)["failures"] == 1


def test_breakers_sharing_a_store_share_their_state(clock: FakeClock) -> None:
    store = InMemoryBreakerStore()
    worker_a = CircuitBreaker(store, clock=clock, failure_threshold=2, cooldown_s=60)
    worker_b = CircuitBreaker(store, clock=clock, failure_threshold=2, cooldown_s=60)

    worker_a.record_failure(YOUTUBE)
    worker_b.record_failure(YOUTUBE)

    with pytest.raises(PlatformUnavailable):
        worker_a.before_call(YOUTUBE)
    assert store.get("youtube") == {
        "state": "open",
        "failures": 2,
        "opened_at": T0.timestamp(),
        "cooldown_s": 60.0,
        "probe_at": None,
    }
    assert worker_b.before_call(Platform.TIKTOK) is False  # per platform


def test_a_breaker_reads_a_damaged_stored_state_as_closed(clock: FakeClock) -> None:
    store = InMemoryBreakerStore()
    store.put("youtube", {"state": "melted", "failures": "many"})

    breaker = CircuitBreaker(store, clock=clock)

    assert breaker.before_call(YOUTUBE) is False
    assert breaker.state(YOUTUBE) == {"state": "closed", "failures": 0, "opened_at": None}
