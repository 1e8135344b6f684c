"""The platform readers that ``PLATFORM_SOURCE`` asks for, ready for the composition root."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

import httpx

from tgexchange.adapters.platforms.circuit_breaker import BreakerStore
from tgexchange.adapters.platforms.politeness import PlatformReader, Politeness, PoliteReader
from tgexchange.adapters.platforms.recorded import RecordedReader
from tgexchange.adapters.platforms.youtube_api import TIMEOUT_S, USER_AGENT, YouTubeApiReader
from tgexchange.adapters.platforms.ytdlp import YtDlpReader
from tgexchange.domain.content import ContentInfo, ContentRef, Platform, PublicComment
from tgexchange.services.ports import Clock, CommentReader, ContentReader

LIVE: Final = "live"
RECORDED_PREFIX: Final = "recorded:"


class PlatformDispatcher:
    """ContentReader and CommentReader that hands each call to the reader for its platform."""

    def __init__(self, readers: Mapping[Platform, PlatformReader]) -> None:
        self._readers = dict(readers)

    def read_content(self, ref: ContentRef) -> ContentInfo:
        return self._reader(ref).read_content(ref)

    def read_comments(self, ref: ContentRef, *, limit: int) -> Sequence[PublicComment]:
        return self._reader(ref).read_comments(ref, limit=limit)

    def _reader(self, ref: ContentRef) -> PlatformReader:
        reader = self._readers.get(ref.platform)
        if reader is None:
            raise ValueError(f"no reader is configured for {ref.platform.label}")
        return reader


def build_platform_readers(
    source: str,
    *,
    youtube_api_key: str | None,
    client: httpx.Client | None = None,
    politeness: Politeness | None = None,
    breaker_store: BreakerStore | None = None,
    clock: Clock | None = None,
    comments_ttl_s: float | None = None,
) -> tuple[ContentReader, CommentReader]:
    """The content and comment readers for ``source`` (the ``PLATFORM_SOURCE`` setting).

    ``live``: yt-dlp for every platform, except YouTube through the Data API when
    ``youtube_api_key`` is set (exact comment times, and a quota the platform sets). ``client``
    is the HTTP client for that API; without one, a client that reads nothing from the
    environment (so never a proxy or a .netrc) is made and lives as long as the readers.
    ``recorded:<dir>``: recorded yt-dlp info dicts under ``<dir>``, never the network.
    Both come wrapped in one PoliteReader (cache, rate limit, circuit breaker), returned twice:
    one object serves both ports. Recordings are read with a rate limit that never waits, since no
    platform is asked. Raises ValueError for any other ``source``, or a recording directory that
    does not exist. ``comments_ttl_s``: at most this long a comment list is served from the cache
    (the composition root keeps it within the pacing between passes over one submission).
    """
    if comments_ttl_s is not None:
        base = politeness or (Politeness() if source == LIVE else _recorded_politeness())
        politeness = replace(base, comments_ttl_s=min(base.comments_ttl_s, comments_ttl_s))
    if source == LIVE:
        ytdlp = YtDlpReader()
        youtube: PlatformReader = ytdlp
        if youtube_api_key:
            youtube = YouTubeApiReader(youtube_api_key, client or _api_client(), clock=clock)
        inner = PlatformDispatcher({Platform.YOUTUBE: youtube, Platform.TIKTOK: ytdlp, Platform.INSTAGRAM: ytdlp})
        reader = PoliteReader(inner, politeness=politeness, clock=clock, breaker_store=breaker_store)
        return reader, reader
    if source.startswith(RECORDED_PREFIX):
        directory = Path(source.removeprefix(RECORDED_PREFIX)).expanduser()
        if not source.removeprefix(RECORDED_PREFIX) or not directory.is_dir():
            raise ValueError(f"PLATFORM_SOURCE={source!r}: {str(directory)!r} is not a directory of recordings")
        reader = PoliteReader(
            RecordedReader(directory),
            politeness=politeness or _recorded_politeness(),
            clock=clock,
            breaker_store=breaker_store,
        )
        return reader, reader
    raise ValueError(f"PLATFORM_SOURCE must be {LIVE!r} or {RECORDED_PREFIX + '<directory>'!r}, not {source!r}")


def _api_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT_S, trust_env=False, follow_redirects=False, headers={"User-Agent": USER_AGENT})


def _recorded_politeness() -> Politeness:
    # No platform is asked, so nothing needs sparing: no rate limit, and a breaker opened by a
    # simulated outage (recorded.py's OUTAGE file) probes again after seconds, not minutes.
    return Politeness(requests_per_s=dict.fromkeys(Platform, 1_000_000.0), burst=1_000_000, cooldown_s=5.0)
