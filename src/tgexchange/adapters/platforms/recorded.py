"""Content and comments replayed from recorded yt-dlp info dicts (``PLATFORM_SOURCE=recorded:<dir>``).

A recording is what ``yt-dlp --skip-download --write-info-json --write-comments`` writes:
``<dir>/<platform>/<content id>.info.json``. It is passed through yt-dlp's own processing (as
``yt-dlp --load-info-json`` does) and then through the same mapping as live reads, so demos and
tests exercise the code that production runs. Nothing here ever opens a network connection.

An outage is simulated by a file named ``OUTAGE`` in a platform's folder: while it is there every
read of that platform fails as a live platform that does not answer would (PlatformUnavailable),
and removing it ends the outage.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

from yt_dlp.utils import YoutubeDLError

from tgexchange.adapters.platforms.ytdlp import (
    ReadOnlyYoutubeDL,
    build_ytdlp_params,
    comments_from_ytdlp,
    content_info_from_ytdlp,
)
from tgexchange.domain.content import ContentInfo, ContentRef, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable

# Content ids become file names: nothing that could climb out of the directory.
_SAFE_ID: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
OUTAGE_FILE: Final = "OUTAGE"


class OfflineError(RuntimeError):
    """Something tried to reach the network while replaying a recording: a bug, never data."""


class _OfflineYoutubeDL(ReadOnlyYoutubeDL):
    """ReadOnlyYoutubeDL that refuses every request and every extraction."""

    def urlopen(self, req: object) -> NoReturn:
        raise OfflineError(f"a recording tried to open {getattr(req, 'url', req)!r}")

    def extract_info(self, url: str, *args: object, **kwargs: object) -> NoReturn:  # noqa: ARG002 - yt-dlp's signature
        raise OfflineError(f"a recording tried to extract {url!r}")


class RecordedReader:
    """ContentReader and CommentReader over a directory of recorded ``.info.json`` files.

    Comments follow the platform matrix like ``YtDlpReader``: only YouTube's are read; TikTok and
    Instagram give an empty list even when a recording holds some.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def read_content(self, ref: ContentRef) -> ContentInfo:
        """Raises ContentUnavailable when there is no recording for ``ref``."""
        return content_info_from_ytdlp(self._load(ref), ref)

    def read_comments(self, ref: ContentRef, *, limit: int) -> Sequence[PublicComment]:
        """Up to ``limit`` comments, newest first, times marked as estimates. Raises
        ContentUnavailable when there is no recording for ``ref``, PlatformUnavailable during a
        simulated outage."""
        if limit <= 0 or not ref.platform.has_public_comments:
            return []
        return comments_from_ytdlp(self._load(ref), limit=limit)

    def _load(self, ref: ContentRef) -> Mapping[str, object]:
        if (self._directory / ref.platform.value / OUTAGE_FILE).exists():
            raise PlatformUnavailable(ref.platform.label, "simulated outage (an OUTAGE file in the recordings)")
        if not _SAFE_ID.fullmatch(ref.content_id):
            raise ContentUnavailable(ref.url, "no recording can have that id")
        path = self._directory / ref.platform.value / f"{ref.content_id}.info.json"
        try:
            recorded: Any = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ContentUnavailable(ref.url, f"no recording at {path}") from None
        except json.JSONDecodeError as error:
            raise ContentUnavailable(ref.url, f"{path} is not JSON: {error}") from error
        # Anything but one video would make yt-dlp resolve links or entries: that is extraction,
        # which a recording must never need.
        if not isinstance(recorded, dict) or recorded.get("_type", "video") != "video":
            raise ContentUnavailable(ref.url, f"{path} is not a recording of one video or post")
        recorded.pop("additional_urls", None)
        try:
            with _OfflineYoutubeDL(build_ytdlp_params(allow_missing_formats=True)) as ydl:
                info = ydl.sanitize_info(ydl.process_ie_result(recorded, download=False))
        except YoutubeDLError as error:
            raise ContentUnavailable(ref.url, f"{path} could not be processed: {error}") from error
        if not isinstance(info, dict):
            raise ContentUnavailable(ref.url, f"{path} could not be processed")
        return info
