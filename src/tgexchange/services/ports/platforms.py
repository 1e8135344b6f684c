"""What the use cases read from a platform: public content, public comments and where a public short
link leads, nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from tgexchange.domain.content import ContentInfo, ContentRef, PublicComment


class ContentReader(Protocol):
    def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:
        """Public metadata. ``fresh``: not from a cache (an ownership proof the member has just
        posted). Raises ContentUnavailable or PlatformUnavailable."""
        ...


class CommentReader(Protocol):
    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:
        """Up to ``limit`` public comments, newest first; ``fresh`` as for read_content. Raises
        ContentUnavailable or PlatformUnavailable."""
        ...


class ShortLinkResolver(Protocol):
    def resolve(self, url: str) -> str:
        """The address the short link ``url`` leads to (not opened), or ``url`` itself when it is
        not a short link. Raises PlatformUnavailable (cannot be asked now: offline, rate limited,
        looked up too often here) or ContentUnavailable (the platform does not know the link)."""
        ...
