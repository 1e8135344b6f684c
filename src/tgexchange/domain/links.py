"""Reading the links members paste: which platform, which kind of content, which id.

Pure string work on ``urllib.parse`` against exact host allowlists; nothing here touches the
network. yt-dlp's own ``_VALID_URL`` patterns are deliberately not reused: they also match some
130 mirror and front-end hosts (Invidious instances, hooktube, ...), any ``*.youtube.com``
subdomain and a bare 11-character id, none of which a member may submit as their content, and
importing the extractors costs most of a second.

Ids are normalised so that two links to the same thing give the same ``content_id``: handles and
user names are lower-cased (all three platforms treat them case-insensitively); video ids,
shortcodes and YouTube channel ids keep their case. Channel ids keep the form the platform shows:
``@handle``, ``UC…`` (YouTube channel id), ``c/name`` and ``user/name`` (YouTube's legacy names).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink

MAX_LINK_LENGTH = 2048

_YOUTUBE_HOSTS = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com"})
_YOUTU_BE_HOSTS = frozenset({"youtu.be"})
_TIKTOK_HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
_TIKTOK_SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})
_INSTAGRAM_HOSTS = frozenset({"instagram.com", "www.instagram.com"})
_ALL_HOSTS = _YOUTUBE_HOSTS | _YOUTU_BE_HOSTS | _TIKTOK_HOSTS | _TIKTOK_SHORT_HOSTS | _INSTAGRAM_HOSTS
# Subdomains of these are the platforms' own (studio.youtube.com), just not pages we take.
_PLATFORM_DOMAINS = ("youtube.com", "youtu.be", "tiktok.com", "instagram.com")
_BRANDS = ("youtu", "tiktok", "instagram")

# Explicit ASCII classes: ``\d`` would also match other scripts' digits.
_YOUTUBE_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
# Handles may be in any script since 2023; ``\w`` is Unicode-aware on str patterns.
_YOUTUBE_HANDLE = re.compile(r"[\w.-]{3,30}")
_YOUTUBE_LEGACY_NAME = re.compile(r"[\w.-]{1,100}")
_TIKTOK_ITEM_ID = re.compile(r"[0-9]{10,20}")  # a 64-bit number
_TIKTOK_USERNAME = re.compile(r"[a-z0-9_.]{2,24}")
_TIKTOK_SEC_UID = re.compile(r"MS4wLjABAAAA[A-Za-z0-9_-]{20,100}")  # a profile's stable id, case-sensitive
_TIKTOK_SHORT_CODE = re.compile(r"[A-Za-z0-9]{5,16}")
_INSTAGRAM_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_INSTAGRAM_USERNAME = re.compile(r"[a-z0-9_.]{1,30}")

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SCHEMES_WITHOUT_SLASHES = frozenset({"javascript", "data", "vbscript", "mailto", "about", "blob", "tel", "intent"})

_YOUTUBE_VIDEO_PREFIXES = frozenset({"live", "embed", "v", "e"})
_YOUTUBE_CHANNEL_TABS = frozenset(
    {"featured", "videos", "shorts", "streams", "live", "playlists", "community", "posts", "podcasts", "releases"}
    | {"courses", "store", "about", "channels"}
)
_YOUTUBE_PAGES = {
    "playlist": "playlist",
    "results": "search",
    "search": "search",
    "hashtag": "hashtag",
    "feed": "feed",
    "trending": "feed",
    "gaming": "feed",
}
_TIKTOK_PAGES = {
    "tag": "hashtag",
    "music": "sound",
    "discover": "explore",
    "explore": "explore",
    "foryou": "feed",
    "following": "feed",
    "friends": "feed",
    "search": "search",
    "live": "live",
}
_INSTAGRAM_MEDIA = {"p": ContentKind.POST, "reel": ContentKind.REEL, "reels": ContentKind.REEL, "tv": ContentKind.VIDEO}
_INSTAGRAM_CANONICAL_MEDIA = {ContentKind.POST: "p", ContentKind.REEL: "reel", ContentKind.VIDEO: "tv"}
# Instagram's own top-level pages; any other first segment is a user name.
_INSTAGRAM_OTHER_PAGES = [
    "accounts",
    "direct",
    "about",
    "developer",
    "legal",
    "web",
    "challenge",
    "emails",
    "session",
    "oauth",
    "graphql",
    "api",
    "static",
    "privacy",
    "terms",
    "directory",
    "lite",
    "create",
    "ar",
    "nametag",
    "topics",
    "your_activity",
    "locations",
    "audio",
]
_INSTAGRAM_PAGES = {
    "explore": "explore",
    "stories": "story",
    "s": "story",  # highlights
    "share": "share_link",
    **dict.fromkeys(_INSTAGRAM_OTHER_PAGES, "unsupported_page"),
}
_INSTAGRAM_PROFILE_TABS = frozenset({"reels", "tagged"})


def parse_link(text: str) -> ContentRef:
    """The public content one link points to, with its canonical url.

    ``text`` is one link, with or without ``https://`` (or ``//``), surrounding whitespace
    ignored. Raises ShortLinkNeedsLookup for TikTok short links and UnsupportedLink (with a
    ``reason``) for anything that is not one YouTube, TikTok or Instagram video, post or channel
    on the platform's own hosts. Raises nothing else, for any input.
    """
    host, segments, query = _split(text)
    if host in _YOUTUBE_HOSTS:
        return _youtube(segments, query)
    if host in _YOUTU_BE_HOSTS:
        if len(segments) != 1:
            raise UnsupportedLink("invalid_id" if not segments else "unsupported_page")
        return _youtube_video(segments[0], ContentKind.VIDEO)
    if host in _TIKTOK_HOSTS:
        return _tiktok(segments)
    if host in _TIKTOK_SHORT_HOSTS:
        if len(segments) != 1:
            raise UnsupportedLink("invalid_id" if not segments else "unsupported_page")
        return _tiktok_short(host, segments[0])
    if host in _INSTAGRAM_HOSTS:
        return _instagram(segments)
    raise UnsupportedLink(_why_unknown(host))


# Every repetition is bounded or anchored by a lookbehind, so the search stays linear even on
# a message like "a.a.a.a…" (an unbounded scheme part made that quadratic).
_URL_IN_TEXT = re.compile(
    r"""
    \b[A-Za-z][A-Za-z0-9+.-]{0,31}://\S+                 # with a scheme (any: parse_link says which it takes)
    | (?<![\w/])//[\w-]+\.\S+                           # protocol-relative
    | (?<![\w@.\-/:])(?:[\w-]+\.)+[^\W\d_]{2,24}[/?#]\S*  # a host name, then a path: youtu.be/xyz
    """,
    re.VERBOSE,
)
_TRAILING_PUNCTUATION = ".,;:!?)]}>'\"»”’…"


def find_link(message: str) -> str | None:
    """The first URL-looking token in a pasted message, or None.

    A token looks like a URL when it has a scheme (``https://``, also ``ftp://``: parse_link then
    says why not), starts with ``//``, or is a dotted host name followed by a path, query or
    fragment (``youtu.be/abc``). A bare host (``youtube.com``) or a sentence like "hi.all" is not a
    link. Punctuation that closes a sentence or a bracket is not part of the link.
    """
    match = _URL_IN_TEXT.search(message)
    if match is None:
        return None
    return match.group().rstrip(_TRAILING_PUNCTUATION) or None


# --- splitting ------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, list[str], dict[str, list[str]]]:
    """Host (lower-case), decoded non-empty path segments and query of an http(s) link."""
    # Checked before any other work, so a huge paste costs nothing.
    if len(text) > MAX_LINK_LENGTH:
        raise UnsupportedLink("too_long")
    link = text.strip()
    if not link:
        raise UnsupportedLink("empty")
    # Browsers read "\" as "/", which would let "youtube.com\@evil.example" mean two hosts.
    if "\\" in link or any(char.isspace() or not char.isprintable() for char in link):
        raise UnsupportedLink("not_a_link")
    link = _with_scheme(link)
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. an unclosed "[" or a host that NFKC-normalises into "/"
        raise UnsupportedLink("not_a_link" if link.isascii() else "non_ascii_host") from None
    netloc = parts.netloc
    if "@" in netloc:
        raise UnsupportedLink("credentials")
    if netloc.startswith("["):
        raise UnsupportedLink("unknown_site")  # an IP address
    if ":" in netloc:
        raise UnsupportedLink("port")
    if not netloc.isascii():
        raise UnsupportedLink("non_ascii_host")
    host = netloc.lower().removesuffix(".")  # "youtube.com." is the same host, written absolute
    if not host:
        raise UnsupportedLink("not_a_link")
    if any(label.startswith("xn--") for label in host.split(".")):
        raise UnsupportedLink("non_ascii_host")
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    return host, segments, parse_qs(parts.query)


def _with_scheme(link: str) -> str:
    """``link`` with ``https://`` in front when it has no scheme; refuses other schemes."""
    if link.startswith("//"):
        return "https:" + link
    match = _SCHEME.match(link)
    # A dot means a host with a port ("youtube.com:8080/..."); the port is refused later.
    if match is None or "." in match[1]:
        return "https://" + link
    scheme = match[1].lower()
    has_slashes = link[match.end() :].startswith("//")
    if scheme in {"http", "https"}:
        if has_slashes:
            return link
        raise UnsupportedLink("not_a_link")  # "https:youtube.com", "http:/youtube.com"
    if not has_slashes and scheme not in _SCHEMES_WITHOUT_SLASHES and "@" in link.split("/", 1)[0]:
        raise UnsupportedLink("credentials")  # "user:pass@youtube.com/..." without a scheme
    raise UnsupportedLink("scheme")


def _why_unknown(host: str) -> str:
    if host.endswith(tuple("." + domain for domain in _PLATFORM_DOMAINS)):
        return "unsupported_page"
    letters = re.sub(r"[^a-z0-9]", "", host)
    if any(brand in letters for brand in _BRANDS):
        return "lookalike_host"
    if any(_is_within_two_edits(host, known) for known in _ALL_HOSTS):
        return "lookalike_host"  # yotube.com, tiktok.co, instagam.com
    return "unknown_site"


def _is_within_two_edits(left: str, right: str) -> bool:
    """Whether the Levenshtein distance between the strings is at most 2."""
    if abs(len(left) - len(right)) > 2:
        return False
    previous = list(range(len(right) + 1))
    for i, left_char in enumerate(left, start=1):
        current = [i]
        for j, right_char in enumerate(right, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left_char != right_char)))
        if min(current) > 2:
            return False
        previous = current
    return previous[-1] <= 2


# --- YouTube --------------------------------------------------------------------------------


def _youtube(segments: list[str], query: dict[str, list[str]]) -> ContentRef:
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0], segments[1:]
    keyword = head.lower()
    if keyword == "watch" and not rest:
        if "v" in query:
            return _youtube_video(query["v"][0], ContentKind.VIDEO)
        raise UnsupportedLink("playlist" if "list" in query else "invalid_id")
    if keyword == "shorts" or keyword in _YOUTUBE_VIDEO_PREFIXES:
        return _youtube_video_page(keyword, rest)
    if head.startswith("@") or (keyword in {"channel", "c", "user"} and rest):
        return _youtube_channel_page(head, rest)
    raise UnsupportedLink(_YOUTUBE_PAGES.get(keyword, "unsupported_page"))


def _youtube_video_page(keyword: str, rest: list[str]) -> ContentRef:
    """``/shorts/<id>``, ``/live/<id>``, ``/embed/<id>``, ``/v/<id>``, ``/e/<id>``."""
    if len(rest) != 1:
        raise UnsupportedLink("invalid_id" if not rest else "unsupported_page")
    # Embeds of a whole playlist or of a channel's current stream, not of one video; both names
    # happen to be 11 characters long, the length of a video id.
    if rest[0] == "videoseries":
        raise UnsupportedLink("playlist")
    if rest[0] == "live_stream":
        raise UnsupportedLink("live")
    return _youtube_video(rest[0], ContentKind.SHORT if keyword == "shorts" else ContentKind.VIDEO)


def _youtube_channel_page(head: str, rest: list[str]) -> ContentRef:
    """``/@handle``, ``/channel/UC…``, ``/c/name``, ``/user/name``, each optionally with a tab."""
    if head.startswith("@"):
        handle = head[1:].lower()
        _check_youtube_tab(rest)
        if not _YOUTUBE_HANDLE.fullmatch(handle):
            raise UnsupportedLink("invalid_id")
        return _youtube_channel("@" + handle, "@" + quote(handle, safe=""))
    keyword, name = head.lower(), rest[0]
    _check_youtube_tab(rest[1:])
    if keyword == "channel":
        if not _YOUTUBE_CHANNEL_ID.fullmatch(name):
            raise UnsupportedLink("invalid_id")
        return _youtube_channel(name, f"channel/{name}")
    if not _YOUTUBE_LEGACY_NAME.fullmatch(name):
        raise UnsupportedLink("invalid_id")
    return _youtube_channel(f"{keyword}/{name}", f"{keyword}/{quote(name, safe='')}")


def _check_youtube_tab(tab: list[str]) -> None:
    """A channel link may end in one of the channel's tabs (``/@name/videos``)."""
    if not tab:
        return
    if len(tab) == 1 and tab[0].lower() in _YOUTUBE_CHANNEL_TABS:
        return
    raise UnsupportedLink("search" if tab[0].lower() == "search" else "unsupported_page")


def _youtube_video(video_id: str, kind: ContentKind) -> ContentRef:
    if not _YOUTUBE_VIDEO_ID.fullmatch(video_id):
        raise UnsupportedLink("invalid_id")
    path = f"shorts/{video_id}" if kind is ContentKind.SHORT else f"watch?v={video_id}"
    return ContentRef(Platform.YOUTUBE, kind, video_id, f"https://www.youtube.com/{path}")


def _youtube_channel(channel_id: str, path: str) -> ContentRef:
    return ContentRef(Platform.YOUTUBE, ContentKind.CHANNEL, channel_id, f"https://www.youtube.com/{path}")


# --- TikTok ---------------------------------------------------------------------------------


def _tiktok(segments: list[str]) -> ContentRef:
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0], segments[1:]
    if head.startswith("@"):
        return _tiktok_profile_page(head[1:], rest)
    keyword = head.lower()
    if keyword == "v" and len(rest) == 1:  # the old mobile form, m.tiktok.com/v/<id>.html
        return _tiktok_item(None, rest[0].removesuffix(".html"), ContentKind.VIDEO)
    if keyword == "t":
        if len(rest) != 1:
            raise UnsupportedLink("invalid_id" if not rest else "unsupported_page")
        return _tiktok_short("www.tiktok.com/t", rest[0])
    raise UnsupportedLink(_TIKTOK_PAGES.get(keyword, "unsupported_page"))


def _tiktok_profile_page(user: str, rest: list[str]) -> ContentRef:
    if not rest:
        name = _tiktok_user(user)
        if name is None or name == "_":
            raise UnsupportedLink("invalid_id")
        return ContentRef(Platform.TIKTOK, ContentKind.CHANNEL, "@" + name, f"https://www.tiktok.com/@{name}")
    page = rest[0].lower()
    if len(rest) == 2 and page in {"video", "photo"}:
        return _tiktok_item(user, rest[1], ContentKind.VIDEO if page == "video" else ContentKind.POST)
    if page == "live":
        raise UnsupportedLink("live")
    if page in {"collection", "playlist"}:
        raise UnsupportedLink("playlist")
    raise UnsupportedLink("unsupported_page")


def _tiktok_user(user: str) -> str | None:
    """The user part of a TikTok path, normalised, or None when malformed. An empty user
    (``/@/video/…``, which TikTok serves) becomes ``_``, the placeholder yt-dlp itself uses."""
    if not user or user == "_":
        return "_"
    if _TIKTOK_SEC_UID.fullmatch(user):
        return user
    name = user.lower()
    return name if _TIKTOK_USERNAME.fullmatch(name) else None


def _tiktok_item(user: str | None, item_id: str, kind: ContentKind) -> ContentRef:
    """A video or photo post. The canonical url keeps the user (``@_`` when unknown): the same
    form yt-dlp builds, which its TikTok extractor accepts. yt-dlp refuses ``/photo/`` urls, so a
    reader fetches a photo post's metadata through the ``/video/`` form of the same id."""
    name = _tiktok_user(user or "")
    if name is None or not _TIKTOK_ITEM_ID.fullmatch(item_id):
        raise UnsupportedLink("invalid_id")
    page = "photo" if kind is ContentKind.POST else "video"
    return ContentRef(Platform.TIKTOK, kind, item_id, f"https://www.tiktok.com/@{name}/{page}/{item_id}")


def _tiktok_short(where: str, code: str) -> ContentRef:
    if not _TIKTOK_SHORT_CODE.fullmatch(code):
        raise UnsupportedLink("invalid_id")
    raise ShortLinkNeedsLookup(f"https://{where}/{code}/")


# --- Instagram ------------------------------------------------------------------------------


def _instagram(segments: list[str]) -> ContentRef:
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0].lower(), segments[1:]
    if head in _INSTAGRAM_MEDIA:
        return _instagram_media(head, rest)
    if head in _INSTAGRAM_PAGES:
        hashtag = head == "explore" and bool(rest) and rest[0].lower() == "tags"
        raise UnsupportedLink("hashtag" if hashtag else _INSTAGRAM_PAGES[head])
    if not _INSTAGRAM_USERNAME.fullmatch(head):
        raise UnsupportedLink("unsupported_page")
    if not rest or (len(rest) == 1 and rest[0].lower() in _INSTAGRAM_PROFILE_TABS):
        return ContentRef(Platform.INSTAGRAM, ContentKind.CHANNEL, "@" + head, f"https://www.instagram.com/{head}/")
    if rest[0].lower() in _INSTAGRAM_MEDIA:  # instagram.com/<user>/p/<code>/
        return _instagram_media(rest[0].lower(), rest[1:])
    raise UnsupportedLink("unsupported_page")


def _instagram_media(page: str, rest: list[str]) -> ContentRef:
    if page == "reels" and not rest:
        raise UnsupportedLink("feed")
    if page == "reels" and rest[0].lower() == "audio":
        raise UnsupportedLink("sound")
    if len(rest) != 1:
        raise UnsupportedLink("invalid_id" if not rest else "unsupported_page")
    code = rest[0]
    if not _INSTAGRAM_SHORTCODE.fullmatch(code):
        raise UnsupportedLink("invalid_id")
    kind = _INSTAGRAM_MEDIA[page]
    url = f"https://www.instagram.com/{_INSTAGRAM_CANONICAL_MEDIA[kind]}/{code}/"
    return ContentRef(Platform.INSTAGRAM, kind, code, url)
