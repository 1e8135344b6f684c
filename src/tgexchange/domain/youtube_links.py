"""YouTube links: videos, Shorts and channels on YouTube's own hosts.

Video ids and channel ids (``UC…``) keep their case; handles are lower-cased (YouTube treats them
case-insensitively). Channel ids keep the form YouTube shows: ``@handle``, ``UC…``, and the legacy
``c/name`` and ``user/name``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import UnsupportedLink
from tgexchange.domain.link_address import LinkAddress

HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
SHORT_HOSTS = frozenset({"youtu.be"})

# Explicit ASCII classes: ``\d`` would also match other scripts' digits.
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
# Handles may be in any script since 2023; ``\w`` is Unicode-aware on str patterns.
_HANDLE = re.compile(r"[\w.-]{3,30}")
_LEGACY_NAME = re.compile(r"[\w.-]{1,100}")

_VIDEO_PREFIXES = frozenset({"live", "embed", "v", "e"})
_CHANNEL_TABS = frozenset(
    {"featured", "videos", "shorts", "streams", "live", "playlists", "community", "posts", "podcasts", "releases"}
    | {"courses", "store", "about", "channels"}
)
_PAGES = {
    "playlist": "playlist",
    "results": "search",
    "search": "search",
    "hashtag": "hashtag",
    "feed": "feed",
    "trending": "feed",
    "gaming": "feed",
}


def parse_youtube(address: LinkAddress) -> ContentRef:
    """A video, Short or channel on ``HOSTS``; raises UnsupportedLink for any other page."""
    segments, query = address.segments, address.query
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0], segments[1:]
    keyword = head.lower()
    if keyword == "watch" and not rest:
        if "v" in query:
            return youtube_video(query["v"][0], ContentKind.VIDEO)
        raise UnsupportedLink("playlist" if "list" in query else "invalid_id")
    if keyword == "shorts" or keyword in _VIDEO_PREFIXES:
        return _video_page(keyword, rest)
    if head.startswith("@") or (keyword in {"channel", "c", "user"} and rest):
        return _channel_page(head, rest)
    raise UnsupportedLink(_PAGES.get(keyword, "unsupported_page"))


def parse_youtu_be(address: LinkAddress) -> ContentRef:
    """``youtu.be/<id>``: always one video."""
    if len(address.segments) != 1:
        raise UnsupportedLink("invalid_id" if not address.segments else "unsupported_page")
    return youtube_video(address.segments[0], ContentKind.VIDEO)


def youtube_video(video_id: str, kind: ContentKind) -> ContentRef:
    """The video (or Short) ``video_id``; raises UnsupportedLink when it is not 11 id characters."""
    if not _VIDEO_ID.fullmatch(video_id):
        raise UnsupportedLink("invalid_id")
    path = f"shorts/{video_id}" if kind is ContentKind.SHORT else f"watch?v={video_id}"
    return ContentRef(Platform.YOUTUBE, kind, video_id, f"https://www.youtube.com/{path}")


def _video_page(keyword: str, rest: tuple[str, ...]) -> ContentRef:
    """``/shorts/<id>``, ``/live/<id>``, ``/embed/<id>``, ``/v/<id>``, ``/e/<id>``."""
    if len(rest) != 1:
        raise UnsupportedLink("invalid_id" if not rest else "unsupported_page")
    # Embeds of a whole playlist or of a channel's current stream, not of one video; both names
    # happen to be 11 characters long, the length of a video id.
    if rest[0] == "videoseries":
        raise UnsupportedLink("playlist")
    if rest[0] == "live_stream":
        raise UnsupportedLink("live")
    return youtube_video(rest[0], ContentKind.SHORT if keyword == "shorts" else ContentKind.VIDEO)


def _channel_page(head: str, rest: tuple[str, ...]) -> ContentRef:
    """``/@handle``, ``/channel/UC…``, ``/c/name``, ``/user/name``, each optionally with a tab."""
    if head.startswith("@"):
        handle = head[1:].lower()
        _check_tab(rest)
        if not _HANDLE.fullmatch(handle):
            raise UnsupportedLink("invalid_id")
        return _channel("@" + handle, "@" + quote(handle, safe=""))
    keyword, name = head.lower(), rest[0]
    _check_tab(rest[1:])
    if keyword == "channel":
        if not _CHANNEL_ID.fullmatch(name):
            raise UnsupportedLink("invalid_id")
        return _channel(name, f"channel/{name}")
    if not _LEGACY_NAME.fullmatch(name):
        raise UnsupportedLink("invalid_id")
    return _channel(f"{keyword}/{name}", f"{keyword}/{quote(name, safe='')}")


def _check_tab(tab: tuple[str, ...]) -> None:
    """A channel link may end in one of the channel's tabs (``/@name/videos``)."""
    if not tab:
        return
    if len(tab) == 1 and tab[0].lower() in _CHANNEL_TABS:
        return
    raise UnsupportedLink("search" if tab[0].lower() == "search" else "unsupported_page")


def _channel(channel_id: str, path: str) -> ContentRef:
    return ContentRef(Platform.YOUTUBE, ContentKind.CHANNEL, channel_id, f"https://www.youtube.com/{path}")
