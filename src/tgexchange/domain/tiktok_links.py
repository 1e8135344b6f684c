"""TikTok links: videos, photo posts and profiles on TikTok's own hosts, and its short links.

Every form yt-dlp's TikTok extractor reads as one video is taken (``/@user/video/<id>``, also
with an empty user or a ``secUid``, ``/share/video/<id>``, ``/embed/<id>``, on tiktok.com and
TikTok's own tiktokv.com), and a few it does not read but TikTok serves: ``/@user/photo/<id>``,
the embed player's ``/embed/v2/<id>``, the old ``m.tiktok.com/v/<id>.html``, and all of them
without ``www.``.

Item ids are 64-bit numbers; user names are lower-cased (TikTok treats them case-insensitively);
a profile's ``secUid`` (``MS4wLjABAAAA…``) keeps its case. Short links (vm./vt.tiktok.com/…,
tiktok.com/t/…) hide which video they stand for: only following their redirect tells, so they
are recognised and handed back as ShortLinkNeedsLookup, never followed here.
"""

from __future__ import annotations

import re

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.link_address import LinkAddress

# tiktokv.com is TikTok's own second domain; yt-dlp's extractor reads share links there.
HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com", "tiktokv.com", "www.tiktokv.com"})
SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})

_ITEM_ID = re.compile(r"[0-9]{10,20}")  # a 64-bit number
_USERNAME = re.compile(r"[a-z0-9_.]{2,24}")
_SEC_UID = re.compile(r"MS4wLjABAAAA[A-Za-z0-9_-]{20,100}")  # a profile's stable id, case-sensitive
_SHORT_CODE = re.compile(r"[A-Za-z0-9]{5,16}")

_PAGES = {
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


def parse_tiktok(address: LinkAddress) -> ContentRef:
    """A video, photo post or profile on ``HOSTS``. Raises ShortLinkNeedsLookup for
    ``/t/<code>`` and UnsupportedLink for any other page."""
    segments = address.segments
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0], segments[1:]
    if head.startswith("@"):
        return _profile_page(head[1:], rest)
    keyword = head.lower()
    if keyword == "v" and len(rest) == 1:  # the old mobile form, m.tiktok.com/v/<id>.html
        return _item(None, rest[0].removesuffix(".html"), ContentKind.VIDEO)
    if keyword == "embed" and rest:  # the embed player: /embed/<id>, /embed/v2/<id>
        if rest[:-1] not in {(), ("v2",)}:
            raise UnsupportedLink("unsupported_page")
        return _item(None, rest[-1], ContentKind.VIDEO)
    if keyword == "share" and len(rest) == 2 and rest[0].lower() in {"video", "live"}:
        if rest[0].lower() == "live":
            raise UnsupportedLink("live")
        return _item(None, rest[1], ContentKind.VIDEO)
    if keyword == "t":
        if len(rest) != 1:
            raise UnsupportedLink("invalid_id" if not rest else "unsupported_page")
        return _short_link("www.tiktok.com/t", rest[0])
    raise UnsupportedLink(_PAGES.get(keyword, "unsupported_page"))


def parse_tiktok_short(address: LinkAddress) -> ContentRef:
    """``vm.tiktok.com/<code>`` and ``vt.tiktok.com/<code>``: always ShortLinkNeedsLookup (or
    UnsupportedLink when the code is missing or malformed)."""
    if len(address.segments) != 1:
        raise UnsupportedLink("invalid_id" if not address.segments else "unsupported_page")
    return _short_link(address.host, address.segments[0])


def _profile_page(user: str, rest: tuple[str, ...]) -> ContentRef:
    if not rest:
        name = _user(user)
        if name is None or name == "_":
            raise UnsupportedLink("invalid_id")
        return ContentRef(Platform.TIKTOK, ContentKind.CHANNEL, "@" + name, f"https://www.tiktok.com/@{name}")
    page = rest[0].lower()
    if len(rest) == 2 and page in {"video", "photo"}:
        return _item(user, rest[1], ContentKind.VIDEO if page == "video" else ContentKind.POST)
    if page == "live":
        raise UnsupportedLink("live")
    if page in {"collection", "playlist"}:
        raise UnsupportedLink("playlist")
    raise UnsupportedLink("unsupported_page")


def _user(user: str) -> str | None:
    """The user part of a TikTok path, normalised, or None when malformed. An empty user
    (``/@/video/…``, which TikTok serves) becomes ``_``, the placeholder yt-dlp itself uses."""
    if not user or user == "_":
        return "_"
    if _SEC_UID.fullmatch(user):
        return user
    name = user.lower()
    return name if _USERNAME.fullmatch(name) else None


def _item(user: str | None, item_id: str, kind: ContentKind) -> ContentRef:
    """A video or photo post. The canonical url keeps the user (``@_`` when unknown): the same
    form yt-dlp builds, which its TikTok extractor accepts. yt-dlp refuses ``/photo/`` urls, so a
    reader fetches a photo post's metadata through the ``/video/`` form of the same id."""
    name = _user(user or "")
    if name is None or not _ITEM_ID.fullmatch(item_id):
        raise UnsupportedLink("invalid_id")
    page = "photo" if kind is ContentKind.POST else "video"
    return ContentRef(Platform.TIKTOK, kind, item_id, f"https://www.tiktok.com/@{name}/{page}/{item_id}")


def _short_link(where: str, code: str) -> ContentRef:
    if not _SHORT_CODE.fullmatch(code):
        raise UnsupportedLink("invalid_id")
    raise ShortLinkNeedsLookup(f"https://{where}/{code}/")
