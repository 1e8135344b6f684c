"""YouTube links: videos, Shorts and channels on YouTube's own hosts.

Every form yt-dlp's YouTube extractor reads as one video is taken on these hosts (its
``_VALID_URL`` and ``_TESTS``; ``tests/fixtures/platforms/link-forms.json`` lists them): watch
pages in all their spellings (``watch``, ``watch_popup``, ``movie``, ``watch.php``, ``/?v=``, the
id after ``#!`` or in a ``#/watch?v=`` fragment), ``/watch/<id>``, ``/shorts/``, ``/live/``,
``/embed/``, ``/v/``, ``/e/``, ``youtu.be/<id>``, the privacy-enhanced embed host, YouTube Kids,
and two of YouTube's own redirects, ``attribution_link?u=/watch?v=…`` and the consent page's
``continue=``; on any other one-label subdomain of youtube.com (``gaming.youtube.com``), video
pages only. Mirror and front-end hosts and bare ids are not taken.

Video ids and channel ids (``UC…``) keep their case; handles are lower-cased (YouTube treats them
case-insensitively). Channel ids keep the form YouTube shows: ``@handle``, ``UC…``, and the legacy
``c/name`` and ``user/name``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import UnsupportedLink
from tgexchange.domain.link_address import LinkAddress, path_segments, query_parameters, read_address

HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
KIDS_HOSTS = frozenset({"youtubekids.com", "www.youtubekids.com"})
SHORT_HOSTS = frozenset({"youtu.be"})
# Hosts that serve only embedded players: the privacy-enhanced one and the old API host.
EMBED_HOSTS = frozenset({"youtube-nocookie.com", "www.youtube-nocookie.com", "youtube.googleapis.com"})
CONSENT_HOSTS = frozenset({"consent.youtube.com"})
_SUBDOMAIN = re.compile(r"[a-z0-9-]{1,63}\.youtube\.com")

# Explicit ASCII classes: ``\d`` would also match other scripts' digits.
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
# Handles may be in any script since 2023; ``\w`` is Unicode-aware on str patterns.
_HANDLE = re.compile(r"[\w.-]{3,30}")
_LEGACY_NAME = re.compile(r"[\w.-]{1,100}")

# The page names before "?v=<id>" (the last two are yt-dlp's "watch.php" and "movie" spellings).
_WATCH_PAGES = frozenset({"watch", "watch_popup", "watch.php", "movie", "movie.php", "movie_popup"})
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
    "clip": "clip",
    "source": "sound",  # /source/<id>/shorts: the Shorts that use one video's sound
}


def parse_youtube(address: LinkAddress) -> ContentRef:
    """A video, Short or channel on ``HOSTS`` or ``KIDS_HOSTS``; raises UnsupportedLink for any
    other page."""
    segments, query = address.segments, address.query
    if not segments or (len(segments) == 1 and segments[0].lower() in _WATCH_PAGES):
        return _watch_page(address)
    head, rest = segments[0], segments[1:]
    keyword = head.lower()
    if keyword == "watch" and len(rest) == 1:  # /watch/<id>, which YouTube redirects to ?v=<id>
        return youtube_video(rest[0], ContentKind.VIDEO)
    if keyword == "shorts" or keyword in _VIDEO_PREFIXES:
        return _video_page(keyword, rest)
    if head.startswith("@") or (keyword in {"channel", "c", "user"} and rest):
        return _channel_page(head, rest)
    if keyword == "attribution_link" and not rest:
        return _attribution_link(query)
    raise UnsupportedLink(_PAGES.get(keyword, "unsupported_page"))


def parse_youtu_be(address: LinkAddress) -> ContentRef:
    """``youtu.be/<id>``: always one video."""
    if len(address.segments) != 1:
        raise UnsupportedLink("invalid_id" if not address.segments else "unsupported_page")
    return youtube_video(address.segments[0], ContentKind.VIDEO)


def parse_youtube_embed(address: LinkAddress) -> ContentRef:
    """``/embed/<id>`` (and ``/v/<id>``, ``/e/<id>``) on ``EMBED_HOSTS``; nothing else is served
    there."""
    segments = address.segments
    if not segments or segments[0].lower() not in _VIDEO_PREFIXES - {"live"}:
        raise UnsupportedLink("unsupported_page")
    return _video_page(segments[0].lower(), segments[1:])


def parse_youtube_consent(address: LinkAddress) -> ContentRef:
    """YouTube's cookie-consent page (``consent.youtube.com/m?continue=<link>``), shown before the
    page a visitor asked for: that page is read instead, when it is one on ``HOSTS``."""
    target = address.query.get("continue", [""])[0] if address.segments == ("m",) else ""
    if not target:
        raise UnsupportedLink("unsupported_page")
    inner = read_address(target)
    if inner.host not in HOSTS:
        raise UnsupportedLink("unsupported_page")
    return parse_youtube(inner)


def is_youtube_subdomain(host: str) -> bool:
    """Whether ``host`` is a one-label subdomain of youtube.com (all of them are YouTube's)."""
    return _SUBDOMAIN.fullmatch(host) is not None


def parse_youtube_subdomain(address: LinkAddress) -> ContentRef:
    """A video or Short on another subdomain of youtube.com (``gaming.youtube.com/watch?v=…``);
    its other pages (``studio.youtube.com/…``) are refused."""
    try:
        ref = parse_youtube(address)
    except UnsupportedLink:
        raise UnsupportedLink("unsupported_page") from None
    if ref.kind is ContentKind.CHANNEL:
        raise UnsupportedLink("unsupported_page")
    return ref


def youtube_video(video_id: str, kind: ContentKind) -> ContentRef:
    """The video (or Short) ``video_id``; raises UnsupportedLink when it is not 11 id characters."""
    if not _VIDEO_ID.fullmatch(video_id):
        raise UnsupportedLink("invalid_id")
    path = f"shorts/{video_id}" if kind is ContentKind.SHORT else f"watch?v={video_id}"
    return ContentRef(Platform.YOUTUBE, kind, video_id, f"https://www.youtube.com/{path}")


def _watch_page(address: LinkAddress) -> ContentRef:
    """``/watch?v=<id>`` in its spellings, the home page with ``?v=<id>`` included; old links put
    the parameters after ``#!`` (``watch#!v=<id>``) or a whole page in the fragment
    (``/#/watch?v=<id>``)."""
    query = address.query
    if "v" not in query and address.fragment:
        query = _query_in_fragment(address.fragment)
    if "v" in query:
        return youtube_video(query["v"][0], ContentKind.VIDEO)
    if "list" in query:
        raise UnsupportedLink("playlist")
    raise UnsupportedLink("invalid_id" if address.segments else "unsupported_page")


def _query_in_fragment(fragment: str) -> dict[str, list[str]]:
    if not fragment.startswith("/"):
        return query_parameters(fragment.removeprefix("!"))
    try:
        page = urlsplit(fragment)
    except ValueError:  # "#//]x" reads as an unclosed IPv6 host (found by atheris, bench/fuzz.py)
        return {}
    segments = path_segments(page.path)
    if len(segments) > 1 or (segments and segments[0].lower() not in _WATCH_PAGES):
        return {}
    return query_parameters(page.query)


def _attribution_link(query: dict[str, list[str]]) -> ContentRef:
    """``attribution_link?a=…&u=/watch?v=<id>``: YouTube's own redirect to the page in ``u``, a
    path on YouTube (never another host: ``//elsewhere`` is refused)."""
    target = query.get("u", [""])[0]
    if not target.startswith("/") or target.startswith("//"):
        raise UnsupportedLink("unsupported_page")
    inner = read_address("https://www.youtube.com" + target)
    if inner.segments and inner.segments[0].lower() == "attribution_link":
        raise UnsupportedLink("unsupported_page")  # one redirect is all we follow
    return parse_youtube(inner)


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
