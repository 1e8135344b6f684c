"""Pasted text as the parts of a web address: host, path segments, query and fragment.

Links copied out of a web page's source arrive HTML-escaped (``watch?feature=share&amp;v=…``,
sometimes twice: ``&amp;amp;``); complete character references (those that end in ``;``) are
decoded first, so the link reads as the browser would have followed it. What no honest link to
public content looks like is refused here, after decoding, before any platform looks at it:
other schemes, user names or passwords, ports, IP addresses, non-ASCII or punycode hosts, control
and invisible characters, and anything longer than ``MAX_LINK_LENGTH``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from tgexchange.domain.errors import UnsupportedLink

MAX_LINK_LENGTH = 2048

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SCHEMES_WITHOUT_SLASHES = frozenset({"javascript", "data", "vbscript", "mailto", "about", "blob", "tel", "intent"})
# Only references closed by ";": HTML itself leaves "&not=1" or "&sect=2" in an address alone, and
# so must we (``html.unescape`` alone would turn them into "¬=1" and "§=2").
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_UNESCAPE_ROUNDS = 3  # "&amp;amp;amp;" is as deep as copies of copies go


@dataclass(frozen=True, slots=True)
class LinkAddress:
    """``host`` lower-case without a trailing dot; ``segments`` the decoded, non-empty path
    segments; ``query`` as ``parse_qs`` reads it, with ``;`` also separating parameters (as
    YouTube's own old links did); ``fragment`` as written, after the ``#``."""

    host: str
    segments: tuple[str, ...]
    query: dict[str, list[str]]
    fragment: str = ""


def read_address(text: str) -> LinkAddress:
    """The address in ``text`` (one link, with or without ``https://`` or ``//``, surrounding
    whitespace ignored). Raises UnsupportedLink, and nothing else, for any input."""
    # Checked before any other work, so a huge paste costs nothing.
    if len(text) > MAX_LINK_LENGTH:
        raise UnsupportedLink("too_long", maximum=MAX_LINK_LENGTH)
    link = unescape_html(text).strip()
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
    if netloc.startswith(":"):
        raise UnsupportedLink("not_a_link")  # no host at all: ":ytfav", "https://:443/"
    if ":" in netloc:
        raise UnsupportedLink("port")
    if not netloc.isascii():
        raise UnsupportedLink("non_ascii_host")
    host = netloc.lower().removesuffix(".")  # "youtube.com." is the same host, written absolute
    if not host:
        raise UnsupportedLink("not_a_link")
    if any(label.startswith("xn--") for label in host.split(".")):
        raise UnsupportedLink("non_ascii_host")
    return LinkAddress(host, path_segments(parts.path), query_parameters(parts.query), parts.fragment)


def unescape_html(text: str) -> str:
    """``text`` with its complete HTML character references decoded, repeatedly (for text escaped
    more than once); a lone ``&`` and references without their ``;`` stay as they are. Raises
    UnsupportedLink ("not_a_link") for a reference to a character no link holds: a space, a
    control or invisible character, or none at all (``&#1;``, which HTML drops)."""
    for _ in range(_UNESCAPE_ROUNDS):
        if "&" not in text:
            break
        decoded = _CHARACTER_REFERENCE.sub(_decoded_reference, text)
        if decoded == text:
            break
        text = decoded
    return text


def _decoded_reference(reference: re.Match[str]) -> str:
    character = html.unescape(reference[0])
    if character == reference[0]:
        return character  # not a reference HTML knows ("&foo;"): left as written
    if not character or "\ufffd" in character or not character.isprintable() or character.isspace():
        raise UnsupportedLink("not_a_link")
    return character


def path_segments(path: str) -> tuple[str, ...]:
    """The decoded, non-empty segments of a path."""
    return tuple(unquote(segment) for segment in path.split("/") if segment)


def query_parameters(query: str) -> dict[str, list[str]]:
    """A query string's parameters; ``&`` and ``;`` both separate them."""
    return parse_qs(query.replace(";", "&"))


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
