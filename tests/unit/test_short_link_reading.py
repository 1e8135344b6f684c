"""Reading a pasted TikTok short link: looked up through a recorded HTTP layer (no network),
remembered, at a bounded pace, and handed back to the member when it cannot be looked up now."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.fakes import FakePlatform
from tests.settings import settings_of
from tests.unit.test_short_links import SHORT, VIDEO, Recorder, redirect
from tgexchange.adapters.platforms.short_links import HttpShortLinkResolver, PoliteShortLinks
from tgexchange.bootstrap import bootstrap
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable, ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.services.link_reading import read_link


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def polite(recorder: Recorder, clock: Clock, **kwargs: int) -> PoliteShortLinks:
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    return PoliteShortLinks(HttpShortLinkResolver(client), clock=clock, **kwargs)


def test_a_short_link_is_read_as_the_video_it_leads_to_and_asked_once() -> None:
    recorder, clock = Recorder(lambda _r: redirect(VIDEO)), Clock()
    links = polite(recorder, clock)

    first = read_link(SHORT, links)
    again = read_link("vm.tiktok.com/ZTR45GpSF", links)  # the same link, pasted another way

    assert (first.platform, first.kind, first.content_id) == (Platform.TIKTOK, ContentKind.VIDEO, "6718335390845095173")
    assert again == first
    assert len(recorder.requests) == 1
    clock.now += 24 * 3600  # a day later it is asked again: a link may be reused
    read_link(SHORT, links)
    assert len(recorder.requests) == 2


def test_a_full_link_is_never_looked_up() -> None:
    recorder = Recorder(lambda _r: redirect(VIDEO))
    ref = read_link("https://www.tiktok.com/@scout2015/video/6718335390845095173", polite(recorder, Clock()))
    assert ref.content_id == "6718335390845095173"
    assert recorder.requests == []
    assert polite(recorder, Clock()).resolve(VIDEO) == VIDEO
    assert recorder.requests == []


def test_without_lookups_the_member_is_asked_for_the_full_address() -> None:
    with pytest.raises(ShortLinkNeedsLookup) as raised:
        read_link(SHORT, None)
    assert raised.value.url == SHORT


def test_more_lookups_than_the_pace_allows_are_handed_back_without_a_request() -> None:
    recorder, clock = Recorder(lambda request: redirect(f"{VIDEO}&n={request.url.path}")), Clock()
    links = polite(recorder, clock, per_minute=2)
    read_link("https://vm.tiktok.com/AAAAAAA1/", links)
    read_link("https://vm.tiktok.com/AAAAAAA2/", links)

    with pytest.raises(ShortLinkNeedsLookup):
        read_link("https://vm.tiktok.com/AAAAAAA3/", links)
    assert len(recorder.requests) == 2
    read_link("https://vm.tiktok.com/AAAAAAA1/", links)  # remembered: no request, no turn used
    clock.now += 60
    read_link("https://vm.tiktok.com/AAAAAAA3/", links)
    assert len(recorder.requests) == 3


def test_a_failed_lookup_is_not_remembered_and_asks_for_the_full_address() -> None:
    answers = iter([httpx.Response(503), httpx.Response(503), redirect(VIDEO)])  # HEAD, then GET, fail
    recorder, clock = Recorder(lambda _r: next(answers)), Clock()
    links = polite(recorder, clock)

    with pytest.raises(ShortLinkNeedsLookup):
        read_link(SHORT, links)
    assert read_link(SHORT, links).content_id == "6718335390845095173"


def test_a_short_link_tiktok_does_not_know_is_unavailable() -> None:
    links = polite(Recorder(lambda _r: httpx.Response(404)), Clock())
    with pytest.raises(ContentUnavailable):
        read_link(SHORT, links)


def test_a_short_link_leading_elsewhere_is_refused_as_that_address_would_be() -> None:
    links = polite(Recorder(lambda _r: redirect("https://example.com/win-a-prize")), Clock())
    with pytest.raises(UnsupportedLink):
        read_link(SHORT, links)


def test_the_memory_is_bounded() -> None:
    recorder, clock = Recorder(lambda request: redirect(f"{VIDEO}&n={request.url.path}")), Clock()
    links = polite(recorder, clock, remember_most=2)
    for code in ("AAAAAAA1", "AAAAAAA2", "AAAAAAA3"):
        links.resolve(f"https://vm.tiktok.com/{code}/")
    links.resolve("https://vm.tiktok.com/AAAAAAA3/")
    assert len(recorder.requests) == 3
    links.resolve("https://vm.tiktok.com/AAAAAAA1/")  # the oldest was forgotten
    assert len(recorder.requests) == 4


def test_lookups_from_many_threads_keep_the_pace() -> None:
    recorder = Recorder(lambda request: redirect(f"{VIDEO}&n={request.url.path}"))
    links = polite(recorder, Clock(), per_minute=5)
    outcomes: list[str] = []

    def paste(n: int) -> None:
        try:
            links.resolve(f"https://vm.tiktok.com/BBBBBB{n:02d}/")
            outcomes.append("read")
        except PlatformUnavailable:
            outcomes.append("later")

    threads = [threading.Thread(target=paste, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["later"] * 15 + ["read"] * 5
    assert len(recorder.requests) == 5


@pytest.mark.parametrize(
    ("source", "given_readers", "looks_up"),
    [("live", False, True), ("live", True, False), ("recorded:/tmp", False, False)],
)
def test_short_links_are_looked_up_only_when_the_platforms_are_read_live(
    tmp_path: Path, source: str, given_readers: bool, looks_up: bool
) -> None:
    settings = settings_of(DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}", PLATFORM_SOURCE=source)
    platform = FakePlatform()
    readers = (platform, platform) if given_readers else None
    container = bootstrap(settings, readers=readers, migrate=False)
    try:
        assert isinstance(container.short_links, PoliteShortLinks) is looks_up
        assert (container.short_links is None) is not looks_up
    finally:
        container.storage.dispose()
