"""Writing yt-dlp info JSON recordings (for PLATFORM_SOURCE=recorded:<dir>) for test content,
shaped exactly like the committed fixture they are copied from (see tests/fixtures/platforms)."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

TEMPLATE = Path(__file__).parent / "fixtures" / "platforms" / "youtube" / "Xk3mRv9TqLw.info.json"


@dataclass(frozen=True)
class RecordedComment:
    author_channel_id: str
    text: str
    at: datetime


def write_youtube_recording(
    directory: Path, *, video_id: str, channel_id: str, comments: list[RecordedComment], filler: int = 0
) -> Path:
    """A recording of ``video_id`` owned by ``channel_id`` with ``comments`` (newest first as
    yt-dlp lists them with comment_sort=new) plus ``filler`` comments by other viewers."""
    info: dict[str, Any] = json.loads(TEMPLATE.read_text())
    template_comment = info["comments"][0]
    recorded = []
    for index, comment in enumerate(comments + _filler(filler, comments)):
        item = copy.deepcopy(template_comment)
        item.update(
            id=f"Ugx{video_id}{index:06d}",
            parent="root",
            text=comment.text,
            author_id=comment.author_channel_id,
            author=f"@viewer{index}",
            author_url=f"https://www.youtube.com/channel/{comment.author_channel_id}",
            author_is_uploader=comment.author_channel_id == channel_id,
            is_pinned=False,
            timestamp=int(comment.at.timestamp()),
            _time_text="just now",
        )
        recorded.append(item)
    info.update(
        id=video_id,
        display_id=video_id,
        channel_id=channel_id,
        uploader_id=channel_id,
        webpage_url=f"https://www.youtube.com/watch?v={video_id}",
        webpage_url_basename="watch",
        comments=recorded,
        comment_count=len(recorded),
    )
    path = directory / "youtube" / f"{video_id}.info.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info))
    return path


def _filler(count: int, comments: list[RecordedComment]) -> list[RecordedComment]:
    if not comments or count <= 0:
        return []
    at = min(c.at for c in comments)
    return [
        RecordedComment(f"UCfiller{i:016d}", f"Filler viewer comment number {i} about the video", at)
        for i in range(count)
    ]
