"""Pasted text as the parts of a web address: host, path segments and query.

What no honest link to public content looks like is refused here, before any platform looks at
it: other schemes, user names or passwords, ports, IP addresses, non-ASCII or punycode hosts,
control and invisible characters, and anything longer than ``MAX_LINK_LENGTH``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from tgexchange.domain.errors import UnsupportedLink

MAX_LINK_LENGTH = 2048

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_SCHEMES_WITHOUT_SLASHES = frozenset({"javascript", "data", "vbscript", "mailto", "about", "blob", "tel", "intent"})


@dataclass(frozen=True, slots=True)
class LinkAddress:
    """``host`` lower-case without a trailing dot; ``segments`` the decoded, non-empty path
    segments; ``query`` as ``parse_qs`` reads it."""

    host: str
    segments: tuple[str, ...]
    query: dict[str, list[str]]


def read_address(text: str) -> LinkAddress:
    """The address in ``text`` (one link, with or without ``https://`` or ``//``, surrounding
    whitespace ignored). Raises UnsupportedLink, and nothing else, for any input."""
    # Checked before any other work, so a huge paste costs nothing.
    if len(text) > MAX_LINK_LENGTH:
        raise UnsupportedLink("too_long", maximum=MAX_LINK_LENGTH)
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
    segments = tuple(unquote(segment) for segment in parts.path.split("/") if segment)
    return LinkAddress(host, segments, parse_qs(parts.query))


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
