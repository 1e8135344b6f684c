"""Reading the links members paste: which platform, which kind of content, which id.

Pure string work on ``urllib.parse`` against exact host allowlists; nothing here touches the
network. yt-dlp's own ``_VALID_URL`` patterns are deliberately not reused: they also match some
130 mirror and front-end hosts (Invidious instances, hooktube, ...), any ``*.youtube.com``
subdomain and a bare 11-character id, none of which a member may submit as their content, and
importing the extractors costs most of a second.

The work is split by job: ``link_address`` turns the text into host, path and query (and refuses
hostile input), then one module per platform reads its own hosts' pages (``youtube_links``,
``tiktok_links``, ``instagram_links``). Ids are normalised so that two links to the same thing
give the same ``content_id``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tgexchange.domain import instagram_links, tiktok_links, youtube_links
from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import UnsupportedLink
from tgexchange.domain.link_address import MAX_LINK_LENGTH, LinkAddress, read_address

__all__ = ["MAX_LINK_LENGTH", "find_link", "find_links", "parse_link"]

_READERS: dict[frozenset[str], Callable[[LinkAddress], ContentRef]] = {
    youtube_links.HOSTS | youtube_links.KIDS_HOSTS: youtube_links.parse_youtube,
    youtube_links.SHORT_HOSTS: youtube_links.parse_youtu_be,
    youtube_links.EMBED_HOSTS: youtube_links.parse_youtube_embed,
    youtube_links.CONSENT_HOSTS: youtube_links.parse_youtube_consent,
    tiktok_links.HOSTS: tiktok_links.parse_tiktok,
    tiktok_links.SHORT_HOSTS: tiktok_links.parse_tiktok_short,
    instagram_links.HOSTS: instagram_links.parse_instagram,
}
_ALL_HOSTS = frozenset().union(*_READERS)
# Subdomains of these are the platforms' own (studio.youtube.com), just not pages we take.
_PLATFORM_DOMAINS = ("youtube.com", "youtu.be", "tiktok.com", "tiktokv.com", "instagram.com")
_BRANDS = ("youtu", "tiktok", "instagram")


def parse_link(text: str) -> ContentRef:
    """The public content one link points to, with its canonical url.

    ``text`` is one link, with or without ``https://`` (or ``//``), surrounding whitespace
    ignored. Raises ShortLinkNeedsLookup for TikTok short links and UnsupportedLink (with a
    ``reason``) for anything that is not one YouTube, TikTok or Instagram video, post or channel
    on the platform's own hosts. Raises nothing else, for any input.
    """
    address = read_address(text)
    for hosts, read in _READERS.items():
        if address.host in hosts:
            return read(address)
    if youtube_links.is_youtube_subdomain(address.host):
        return youtube_links.parse_youtube_subdomain(address)
    raise UnsupportedLink(_why_unknown(address.host))


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


def find_links(message: str) -> list[str]:
    """Every URL-looking token in ``message`` (as ``find_link`` reads the first), in order: the
    relevance rule looks for links to the judged content itself."""
    found = (match.group().rstrip(_TRAILING_PUNCTUATION) for match in _URL_IN_TEXT.finditer(message))
    return [link for link in found if link]
