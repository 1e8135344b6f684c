"""Reading a link a member pasted as the content it names. A TikTok short link (what TikTok's
share button copies) names no video until it is followed: it is looked up once, through the
ShortLinkResolver (one public request, remembered, at a bounded pace), and when that cannot be
done now the member is asked for the full address as before."""

from __future__ import annotations

import structlog

from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import PlatformUnavailable, ShortLinkNeedsLookup
from tgexchange.domain.links import parse_link
from tgexchange.services.ports import ShortLinkResolver

log = structlog.get_logger("tgexchange.links")


def read_link(link: str, short_links: ShortLinkResolver | None) -> ContentRef:
    """The content ``link`` names. Raises UnsupportedLink for a link the exchange does not take
    (also where a short link leads), ContentUnavailable for a short link the platform does not
    know, and ShortLinkNeedsLookup for a short link when ``short_links`` is None (no lookups in
    this deployment) or the lookup cannot be done now."""
    try:
        return parse_link(link)
    except ShortLinkNeedsLookup as short:
        if short_links is None:
            raise
        try:
            address = short_links.resolve(short.url)
        except PlatformUnavailable as error:
            log.info("short_link_not_looked_up", url=short.url, detail=str(error))
            raise short from error
        return parse_link(address)
