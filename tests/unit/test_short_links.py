"""Following TikTok short links through a recorded HTTP layer (httpx.MockTransport): no network."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tgexchange.adapters.platforms.short_links import USER_AGENT, HttpShortLinkResolver, build_client
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable, UnsupportedLink
from tgexchange.domain.links import parse_link

SHORT = "https://vm.tiktok.com/ZTR45GpSF/"
VIDEO = "https://www.tiktok.com/@scout2015/video/6718335390845095173?_t=8abc&_r=1"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """An httpx transport that answers from a handler and keeps every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []
        self._handler = handler

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._handler(request)

    @property
    def calls(self) -> list[tuple[str, str]]:
        return [(request.method, str(request.url)) for request in self.requests]


def resolver_for(handler: Handler, **kwargs: int) -> tuple[HttpShortLinkResolver, Recorder]:
    recorder = Recorder(handler)
    client = httpx.Client(transport=httpx.MockTransport(recorder))
    return HttpShortLinkResolver(client, **kwargs), recorder


def redirect(location: str, status: int = 301) -> httpx.Response:
    return httpx.Response(status, headers={"Location": location})


def test_a_short_link_resolves_to_the_address_it_redirects_to() -> None:
    resolver, recorder = resolver_for(lambda _request: redirect(VIDEO))

    assert resolver.resolve(SHORT) == VIDEO
    assert recorder.calls == [("HEAD", SHORT)]
    resolved = parse_link(resolver.resolve(SHORT))
    assert (resolved.platform, resolved.kind, resolved.content_id) == (
        Platform.TIKTOK,
        ContentKind.VIDEO,
        "6718335390845095173",
    )


def test_a_short_link_as_pasted_is_requested_in_its_normal_form() -> None:
    resolver, recorder = resolver_for(lambda _request: redirect(VIDEO))

    resolver.resolve("VM.TIKTOK.COM/ZTR45GpSF?utm_source=copy")

    assert recorder.calls == [("HEAD", SHORT)]


def test_a_refused_head_falls_back_to_a_get() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(405) if request.method == "HEAD" else redirect(VIDEO, 302)

    resolver, recorder = resolver_for(handler)

    assert resolver.resolve(SHORT) == VIDEO
    assert recorder.calls == [("HEAD", SHORT), ("GET", SHORT)]


def test_a_relative_location_is_made_absolute() -> None:
    resolver, _ = resolver_for(lambda _request: redirect("/@scout2015/video/6718335390845095173"))

    assert resolver.resolve("https://www.tiktok.com/t/ZTRC5xgJp/") == (
        "https://www.tiktok.com/@scout2015/video/6718335390845095173"
    )


def test_a_short_link_leading_to_another_short_link_is_followed_to_the_end() -> None:
    second = "https://vt.tiktok.com/ZSe4FqkKd/"

    def handler(request: httpx.Request) -> httpx.Response:
        return redirect(second) if str(request.url) == SHORT else redirect(VIDEO)

    resolver, recorder = resolver_for(handler)

    assert resolver.resolve(SHORT) == VIDEO
    assert recorder.calls == [("HEAD", SHORT), ("HEAD", second)]


def test_the_address_a_short_link_leads_to_is_returned_unopened_even_on_another_site() -> None:
    resolver, recorder = resolver_for(lambda _request: redirect("https://evil.example/landing"))

    assert resolver.resolve(SHORT) == "https://evil.example/landing"
    assert recorder.calls == [("HEAD", SHORT)]
    with pytest.raises(UnsupportedLink):
        parse_link("https://evil.example/landing")


def test_a_link_that_is_not_short_comes_back_unchanged_without_a_request() -> None:
    resolver, recorder = resolver_for(lambda _request: pytest.fail("no request expected"))

    assert resolver.resolve(VIDEO) == VIDEO
    assert resolver.resolve("https://evil.example/x") == "https://evil.example/x"
    assert recorder.requests == []


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("no route to host"), httpx.ReadTimeout("timed out"), httpx.RemoteProtocolError("garbage")],
)
def test_an_unreachable_tiktok_is_a_platform_outage(failure: httpx.HTTPError) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        raise failure

    resolver, _ = resolver_for(handler)

    with pytest.raises(PlatformUnavailable) as outage:
        resolver.resolve(SHORT)
    assert outage.value.params["platform"] == "TikTok"
    assert type(failure).__name__ in str(outage.value.params["detail"])


@pytest.mark.parametrize("status", [404, 410])
def test_an_unknown_short_link_is_unavailable_content_asked_once(status: int) -> None:
    resolver, recorder = resolver_for(lambda _request: httpx.Response(status))

    with pytest.raises(ContentUnavailable) as unavailable:
        resolver.resolve(SHORT)
    assert unavailable.value.params["url"] == SHORT
    assert recorder.calls == [("HEAD", SHORT)]


def test_a_rate_limit_is_an_outage_with_its_retry_time_and_is_not_asked_twice() -> None:
    resolver, recorder = resolver_for(lambda _request: httpx.Response(429, headers={"Retry-After": "30"}))

    with pytest.raises(PlatformUnavailable) as outage:
        resolver.resolve(SHORT)
    assert outage.value.retry_after_s == 30.0
    assert recorder.calls == [("HEAD", SHORT)]


def test_an_answer_without_a_redirect_is_an_outage_not_a_refusal() -> None:
    resolver, recorder = resolver_for(lambda _request: httpx.Response(200, text="<html>please wait</html>"))

    with pytest.raises(PlatformUnavailable) as outage:
        resolver.resolve(SHORT)
    assert "200" in str(outage.value.params["detail"])
    assert outage.value.retry_after_s is None
    assert recorder.calls == [("HEAD", SHORT), ("GET", SHORT)]


def test_a_loop_of_short_links_stops_after_the_hop_limit() -> None:
    other = "https://vt.tiktok.com/ZSe4FqkKd/"

    def handler(request: httpx.Request) -> httpx.Response:
        return redirect(other if str(request.url) == SHORT else SHORT)

    resolver, recorder = resolver_for(handler, max_hops=4)

    with pytest.raises(PlatformUnavailable):
        resolver.resolve(SHORT)
    assert len(recorder.requests) == 4


def test_cookies_are_never_stored_nor_sent() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers=[("Location", VIDEO), ("Set-Cookie", "tt_webid=123; Domain=.tiktok.com")])

    recorder = Recorder(handler)
    client = httpx.Client(transport=httpx.MockTransport(recorder), cookies={"left": "over"})
    resolver = HttpShortLinkResolver(client)

    resolver.resolve(SHORT)
    resolver.resolve(SHORT)

    assert [request.headers.get("cookie") for request in recorder.requests] == [None, None]
    assert list(client.cookies.jar) == []


def test_requests_say_who_is_asking_and_use_a_short_timeout() -> None:
    resolver, recorder = resolver_for(lambda _request: redirect(VIDEO))

    resolver.resolve(SHORT)

    request = recorder.requests[0]
    assert request.headers["user-agent"] == USER_AGENT
    assert "tgexchange" in USER_AGENT
    assert request.extensions["timeout"] == {"connect": 5.0, "read": 5.0, "write": 5.0, "pool": 5.0}


def test_the_default_client_follows_nothing_by_itself_and_ignores_the_environment() -> None:
    with build_client(timeout_s=2.5) as client:
        assert client.follow_redirects is False
        assert client.trust_env is False
        assert client.timeout == httpx.Timeout(2.5)
        assert client.headers["user-agent"] == USER_AGENT
