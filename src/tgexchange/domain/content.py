"""Platforms and the pieces of content on them that the exchange talks about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Platform(StrEnum):
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    INSTAGRAM = "instagram"

    @property
    def has_public_comments(self) -> bool:
        """Whether feedback can be verified automatically from public comment listings.

        TikTok exposes only a comment count and Instagram only lists comments after a login,
        which the exchange never uses; there the submission's owner confirms instead.
        """
        return self is Platform.YOUTUBE

    @property
    def label(self) -> str:
        return {"youtube": "YouTube", "tiktok": "TikTok", "instagram": "Instagram"}[self.value]


class ContentKind(StrEnum):
    VIDEO = "video"
    SHORT = "short"
    POST = "post"
    REEL = "reel"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class ContentRef:
    """A piece of public content identified by platform and the platform's own id."""

    platform: Platform
    kind: ContentKind
    content_id: str
    url: str


@dataclass(frozen=True, slots=True)
class ContentInfo:
    """Public metadata of one piece of content. ``tags``, ``chapters`` (chapter titles) and
    ``category`` (a YouTube category name) say what it is about: the relevance rule reads them."""

    ref: ContentRef
    title: str
    channel_id: str
    channel_name: str | None = None
    duration_s: int | None = None
    view_count: int | None = None
    like_count: int | None = None
    comment_count: int | None = None
    uploaded_at: datetime | None = None
    description: str | None = None
    tags: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    category: str | None = None


@dataclass(frozen=True, slots=True)
class PublicComment:
    """One public comment as a platform shows it.

    ``posted_at_is_estimate`` is true when the time was parsed from text like "2 weeks ago"
    (yt-dlp) rather than read as an exact timestamp (YouTube Data API).
    """

    comment_id: str
    author_channel_id: str
    text: str
    posted_at: datetime
    author_name: str | None = None
    posted_at_is_estimate: bool = False
    is_reply: bool = False
