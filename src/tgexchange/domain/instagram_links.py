"""Instagram links: posts, reels, IGTV videos and profiles on Instagram's own hosts.

Every form yt-dlp's Instagram extractor reads as one post is taken: ``/p/``, ``/reel/``,
``/reels/`` and ``/tv/`` with a shortcode, also after a user name (``/<user>/reel/<code>``),
followed by nothing, by the embed page (``/embed/``, ``/embed/captioned/``) or by one comment's
address (``/c/<comment id>``); also on instagr.am, Instagram's own short domain. Mirrors such as
ddinstagram are not Instagram's hosts.

Shortcodes keep their case; user names are lower-cased (Instagram treats them
case-insensitively).
"""

from __future__ import annotations

import re

from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import UnsupportedLink
from tgexchange.domain.link_address import LinkAddress

HOSTS = frozenset({"instagram.com", "www.instagram.com", "instagr.am", "www.instagr.am"})

_SHORTCODE = re.compile(r"[A-Za-z0-9_-]{5,64}")
_COMMENT_ID = re.compile(r"[0-9]{1,25}")
_USERNAME = re.compile(r"[a-z0-9_.]{1,30}")

_MEDIA = {"p": ContentKind.POST, "reel": ContentKind.REEL, "reels": ContentKind.REEL, "tv": ContentKind.VIDEO}
_CANONICAL_MEDIA = {ContentKind.POST: "p", ContentKind.REEL: "reel", ContentKind.VIDEO: "tv"}
# Instagram's own top-level pages; any other first segment is a user name.
_OTHER_PAGES = [
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
_PAGES = {
    "explore": "explore",
    "stories": "story",
    "s": "story",  # highlights
    "share": "share_link",
    **dict.fromkeys(_OTHER_PAGES, "unsupported_page"),
}
_PROFILE_TABS = frozenset({"reels", "tagged"})


def parse_instagram(address: LinkAddress) -> ContentRef:
    """A post, reel, IGTV video or profile on ``HOSTS``; raises UnsupportedLink for any other
    page."""
    segments = address.segments
    if not segments:
        raise UnsupportedLink("unsupported_page")
    head, rest = segments[0].lower(), segments[1:]
    if head in _MEDIA:
        return _media(head, rest)
    if head in _PAGES:
        hashtag = head == "explore" and bool(rest) and rest[0].lower() == "tags"
        raise UnsupportedLink("hashtag" if hashtag else _PAGES[head])
    if not _USERNAME.fullmatch(head):
        raise UnsupportedLink("unsupported_page")
    if not rest or (len(rest) == 1 and rest[0].lower() in _PROFILE_TABS):
        return ContentRef(Platform.INSTAGRAM, ContentKind.CHANNEL, "@" + head, f"https://www.instagram.com/{head}/")
    if rest[0].lower() in _MEDIA:  # instagram.com/<user>/p/<code>/
        return _media(rest[0].lower(), rest[1:])
    raise UnsupportedLink("unsupported_page")


def _media(page: str, rest: tuple[str, ...]) -> ContentRef:
    if page == "reels" and not rest:
        raise UnsupportedLink("feed")
    if page == "reels" and rest[0].lower() == "audio":
        raise UnsupportedLink("sound")
    if not rest:
        raise UnsupportedLink("invalid_id")
    code, after = rest[0], rest[1:]
    if not _is_the_post_itself(after):
        raise UnsupportedLink("unsupported_page")
    if not _SHORTCODE.fullmatch(code):
        raise UnsupportedLink("invalid_id")
    kind = _MEDIA[page]
    url = f"https://www.instagram.com/{_CANONICAL_MEDIA[kind]}/{code}/"
    return ContentRef(Platform.INSTAGRAM, kind, code, url)


def _is_the_post_itself(after: tuple[str, ...]) -> bool:
    """Whether what follows the shortcode still shows that one post: its embed page, or one of its
    comments (``/c/<id>``, a reply ``/c/<id>/r/<id>``)."""
    pages = tuple(segment.lower() for segment in after)
    if pages in {(), ("embed",), ("embed", "captioned")}:
        return True
    comment_ids = after[1::2]
    return (
        len(after) in {2, 4}
        and pages[::2] == ("c", "r")[: len(after) // 2]
        and all(_COMMENT_ID.fullmatch(comment) for comment in comment_ids)
    )
