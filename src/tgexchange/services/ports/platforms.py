"""What the use cases read from a platform: public content and public comments, nothing else."""

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
