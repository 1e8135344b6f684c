"""Following TikTok short links (vm.tiktok.com/…, vt.tiktok.com/…, tiktok.com/t/…) to the address
they stand for: one plain request per hop, an honest User-Agent and a short timeout.
It never stores or sends a cookie. Only short links are ever requested; where they lead is
returned unopened.
"""

from __future__ import annotations

import http.cookiejar  # never stores one: the jar policy below refuses them all
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from urllib.parse import urljoin

import httpx

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable, ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.links import parse_link
from tgexchange.services.ports import ShortLinkResolver

TIMEOUT_S = 5.0
MAX_HOPS = 5
# The bot's own pace for lookups, well under what a person clicking links does: a short link
# pasted twice (a retry, a second member) is asked once a day at most.
LOOKUPS_PER_MINUTE = 20
REMEMBER_S = 24 * 3600.0
REMEMBER_MOST = 10_000
USER_AGENT = "tgexchange/0.1 (short link lookup)"

_REFUSE_ALL = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])  # never store or send any
_GONE = frozenset({404, 410})
_TIKTOK = Platform.TIKTOK.label


def build_client(*, timeout_s: float = TIMEOUT_S) -> httpx.Client:
    """A client for HttpShortLinkResolver: short timeout, redirects not followed on its own.

    ``trust_env=False``: nothing is read from the environment, so it never goes through a proxy.
    """
    return httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False, headers={"User-Agent": USER_AGENT})


class HttpShortLinkResolver:
    """Finds the address a TikTok short link redirects to, without opening that address."""

    def __init__(self, client: httpx.Client, *, timeout_s: float = TIMEOUT_S, max_hops: int = MAX_HOPS) -> None:
        """Takes ``client`` over for its own use: its jar is emptied and set to refuse everything,
        so the resolver never sends or stores a cookie, even on a client that had some."""
        jar = client.cookies.jar  # never used to send or store: cleared and locked just below
        jar.clear()
        jar.set_policy(_REFUSE_ALL)
        self._client = client
        self._timeout_s = timeout_s
        self._max_hops = max_hops

    def resolve(self, url: str) -> str:
        """The first address in ``url``'s redirect chain that is not a short link.

        ``url`` itself comes back unchanged when it is not a short link (nothing is requested);
        the caller parses the result with ``parse_link`` either way. Raises PlatformUnavailable
        when TikTok cannot be reached, limits the rate, or answers without a redirect (retry
        later), and ContentUnavailable when TikTok does not know the short link (404 or 410).
        """
        current = url
        for _ in range(self._max_hops):
            short_link = _as_short_link(current)
            if short_link is None:
                return current
            current = self._follow(short_link)
        if _as_short_link(current) is None:
            return current
        raise PlatformUnavailable(_TIKTOK, f"more than {self._max_hops} short-link redirects")

    def _follow(self, short_link: str) -> str:
        """Where one short link redirects to, as an absolute address."""
        response = self._request("HEAD", short_link)
        # Some servers refuse HEAD or answer it without the redirect they give a GET; a rate
        # limit or "not found" would be the same for a GET, so those are not asked twice.
        if not response.has_redirect_location and response.status_code not in _GONE | {429}:
            response = self._request("GET", short_link)
        if response.has_redirect_location:
            return urljoin(short_link, response.headers["location"])
        status = response.status_code
        if status in _GONE:
            raise ContentUnavailable(short_link, f"the short link answered HTTP {status}")
        raise PlatformUnavailable(
            _TIKTOK, f"the short link answered HTTP {status} without a redirect", retry_after_s=_retry_after_s(response)
        )

    def _request(self, method: str, url: str) -> httpx.Response:
        request = self._client.build_request(
            method, url, headers={"User-Agent": USER_AGENT}, timeout=httpx.Timeout(self._timeout_s)
        )
        try:
            response = self._client.send(request, follow_redirects=False, stream=True)
        except httpx.HTTPError as error:  # offline, DNS failure, timeout, refused or broken reply
            raise PlatformUnavailable(_TIKTOK, f"{type(error).__name__}: {error}") from error
        response.close()  # the status and headers are all we need; never download a page
        return response


def _as_short_link(url: str) -> str | None:
    """The normal form of ``url`` if it is a short link, else None."""
    try:
        parse_link(url)
    except ShortLinkNeedsLookup as short:
        return short.url
    except UnsupportedLink:
        return None
    return None


def _retry_after_s(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


class PoliteShortLinks:
    """A ShortLinkResolver that remembers answers for ``remember_s`` and asks ``inner`` for at most
    ``per_minute`` new links a minute (more raise PlatformUnavailable at once, without a request:
    the member is asked for the full address instead). Failures are not remembered. Thread-safe:
    the bot looks links up from worker threads."""

    def __init__(
        self,
        inner: ShortLinkResolver,
        *,
        per_minute: int = LOOKUPS_PER_MINUTE,
        remember_s: float = REMEMBER_S,
        remember_most: int = REMEMBER_MOST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._per_minute = per_minute
        self._remember_s = remember_s
        self._remember_most = remember_most
        self._clock = clock
        self._known: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._asked: deque[float] = deque()
        self._lock = threading.Lock()

    def resolve(self, url: str) -> str:
        key = _as_short_link(url)
        if key is None:
            return url
        with self._lock:
            now = self._clock()
            known = self._known.get(key)
            if known is not None and now - known[0] < self._remember_s:
                return known[1]
            while self._asked and now - self._asked[0] >= 60.0:
                self._asked.popleft()
            if len(self._asked) >= self._per_minute:
                raise PlatformUnavailable(_TIKTOK, "short-link lookups paused for a minute", retry_after_s=60.0)
            self._asked.append(now)
        address = self._inner.resolve(key)  # outside the lock: seconds of network at worst
        with self._lock:
            self._known[key] = (self._clock(), address)
            self._known.move_to_end(key)
            while len(self._known) > self._remember_most:
                self._known.popitem(last=False)
        return address
