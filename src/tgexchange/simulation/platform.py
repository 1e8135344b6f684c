"""An in-memory platform holding the simulated members' channels, videos and comments."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable


@dataclass
class _Video:
    ref: ContentRef
    channel_id: str
    title: str
    uploaded_at: datetime
    description: str | None = None
    comments: list[PublicComment] = field(default_factory=list)


class SimulatedPlatform:
    """Implements the ContentReader and CommentReader ports over simulated content."""

    def __init__(self) -> None:
        self._videos: dict[tuple[Platform, str], _Video] = {}
        self._comment_seq = 0
        self.reads = 0

    def publish(
        self,
        *,
        platform: Platform,
        content_id: str,
        channel_id: str,
        title: str,
        now: datetime,
        description: str | None = None,
    ) -> ContentRef:
        kind = ContentKind.VIDEO if platform is Platform.YOUTUBE else ContentKind.POST
        url = {
            Platform.YOUTUBE: f"https://www.youtube.com/watch?v={content_id}",
            Platform.TIKTOK: f"https://www.tiktok.com/@sim/video/{content_id}",
            Platform.INSTAGRAM: f"https://www.instagram.com/p/{content_id}/",
        }[platform]
        ref = ContentRef(platform, kind, content_id, url)
        self._videos[(platform, content_id)] = _Video(ref, channel_id, title, now, description)
        return ref

    def comment(self, ref: ContentRef, *, author_channel_id: str, text: str, now: datetime) -> PublicComment:
        self._comment_seq += 1
        comment = PublicComment(
            comment_id=f"c{self._comment_seq}", author_channel_id=author_channel_id, text=text, posted_at=now
        )
        self._video(ref).comments.append(comment)
        return comment

    def _video(self, ref: ContentRef) -> _Video:
        video = self._videos.get((ref.platform, ref.content_id))
        if video is None:
            raise ContentUnavailable(ref.url, "not published in the simulation")
        return video

    def read_content(self, ref: ContentRef, *, fresh: bool = False) -> ContentInfo:  # noqa: ARG002 - no cache to skip
        self.reads += 1
        video = self._video(ref)
        return ContentInfo(
            ref=video.ref,
            title=video.title,
            channel_id=video.channel_id,
            uploaded_at=video.uploaded_at,
            comment_count=len(video.comments),
            description=video.description,
        )

    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:  # noqa: ARG002 - no cache to skip
        self.reads += 1
        return list(reversed(self._video(ref).comments[-limit:]))


class FlakyComments:
    """The simulated platform's comments, except that a share of reads on platforms with public
    comments fail as outages do (the verification records them and retries)."""

    def __init__(self, platform: SimulatedPlatform, rng: random.Random, outage_rate: float) -> None:
        self._platform = platform
        self._rng = rng
        self._outage_rate = outage_rate

    def read_comments(self, ref: ContentRef, *, limit: int, fresh: bool = False) -> Sequence[PublicComment]:
        if self._rng.random() < self._outage_rate:
            raise PlatformUnavailable(ref.platform.label, "simulated outage (synthetic)")
        return self._platform.read_comments(ref, limit=limit, fresh=fresh)
