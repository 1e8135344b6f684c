"""Public metadata and comments through yt-dlp, read-only.

What each platform gives (the matrix in DESIGN.md):

- YouTube: content metadata and public comments (``read_comments``).
- TikTok, Instagram: content metadata only. ``read_comments`` returns an empty list without any
  request: TikTok shows no public comment listing and Instagram lists comments only after a login,
  which tgexchange never does. Callers check ``Platform.has_public_comments`` first; there the
  submission's owner confirms feedback instead, so an empty answer is never evidence.

yt-dlp is always called with downloads off, through ``ReadOnlyYoutubeDL`` and the parameters of
``build_ytdlp_params``: no account, no stored session, no faked origin, direct connections only.
yt-dlp is untyped; its values stay ``Any`` inside this module and cross into the domain only
through the mapping functions, which check every field's type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, NoReturn

import structlog
from yt_dlp import YoutubeDL
from yt_dlp.extractor.tiktok import TikTokIE
from yt_dlp.networking import Request
from yt_dlp.utils import ExtractorError, YoutubeDLError

from tgexchange.adapters.platforms.read_errors import ytdlp_error
from tgexchange.domain.content import ContentInfo, ContentKind, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable

SOCKET_TIMEOUT_S: Final = 20.0
# yt-dlp's YouTube comment fields, in order: max-comments, max-parents, max-replies,
# max-replies-per-thread. Five replies per thread keep long threads from using up the budget
# that the newest top-level comments (where feedback is posted) need.
_REPLIES_PER_THREAD: Final = "5"

_log = structlog.get_logger(__name__)

# Which extractor reads which platform: naming it keeps yt-dlp from trying any other extractor
# (and from expanding a channel or playlist link into many requests).
_EXTRACTOR_KEYS: Final = {Platform.YOUTUBE: "Youtube", Platform.TIKTOK: "TikTok", Platform.INSTAGRAM: "Instagram"}

CHALLENGE_REFUSED: Final = (
    "TikTok answered with a proof-of-work challenge page instead of the post; tgexchange never solves such "
    "challenges and tries again later"
)


def build_ytdlp_params(*, comments_limit: int | None = None, allow_missing_formats: bool = False) -> dict[str, Any]:
    """The one set of YoutubeDL parameters every read uses.

    Downloads are off and formats are never probed: only metadata is read. ``comments_limit``
    turns comment extraction on (YouTube, newest first, at most that many); without it no comment
    page is requested. ``allow_missing_formats`` is for recordings, whose media list may be
    trimmed: it lets yt-dlp process an info dict without formats, and also turns some "not
    available" errors into warnings, so live reads never set it.

    The result never holds an account, a stored browser session or a faked origin. yt-dlp's
    default request headers (a browser-like User-Agent) are left as they are.
    """
    params: dict[str, Any] = {
        "skip_download": True,
        "simulate": True,
        "noplaylist": True,
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "socket_timeout": SOCKET_TIMEOUT_S,
        # Selecting every format never fails and never looks for ffmpeg; nothing is downloaded.
        "format": "all",
        # Checking formats would request media URLs; we only want metadata.
        "check_formats": False,
        # yt-dlp otherwise fakes an X-Forwarded-For address to get around region locks.
        "geo_bypass": False,
        "proxy": "",  # never a proxy: "" forces direct connections even when HTTP(S)_PROXY is set
        "logger": _YtDlpLog(),
    }
    if comments_limit is not None:
        params["getcomments"] = True
        params["extractor_args"] = {
            "youtube": {
                "max_comments": [str(comments_limit), "all", "all", _REPLIES_PER_THREAD],
                "comment_sort": ["new"],
            }
        }
    if allow_missing_formats:
        params["ignore_no_formats_error"] = True
    return params


class _YtDlpLog:
    """Takes yt-dlp's console output so that nothing is printed; warnings reach our logs."""

    def debug(self, message: str) -> None:
        """Progress chatter ("Extracting URL ..."): dropped."""

    def info(self, message: str) -> None:
        """Dropped, like debug."""

    def warning(self, message: str) -> None:
        _log.info("ytdlp_warning", message=message)

    def error(self, message: str) -> None:
        # Errors also come back as exceptions, which the reader maps and the caller logs.
        _log.debug("ytdlp_error", message=message)


class _PlainTikTokIE(TikTokIE):  # type: ignore[misc]  # yt-dlp is untyped
    """yt-dlp's TikTok extractor with two of its tricks taken out.

    On its own it sends randomly named junk headers to dodge blocks and solves TikTok's
    proof-of-work challenge page; we never do either. A challenge page becomes an error that maps
    to PlatformUnavailable: we wait and try again.
    """

    IE_NAME = "TikTok"

    @classmethod
    def ie_key(cls) -> str:
        return "TikTok"  # replaces yt-dlp's own extractor under the same key

    @staticmethod
    def _generate_blockbuster_headers(*, min_headers: int = 2, max_headers: int = 8) -> dict[str, str]:  # noqa: ARG004 - yt-dlp's signature
        return {}  # never randomise our header fingerprint

    def _solve_challenge_and_set_cookies(self, webpage: str) -> NoReturn:  # noqa: ARG002 - never solved, never set
        raise ExtractorError(CHALLENGE_REFUSED, expected=True)


class ReadOnlyYoutubeDL(YoutubeDL):  # type: ignore[misc]  # yt-dlp is untyped
    """YoutubeDL for reading public metadata.

    Some extractors ask to look like a browser on their own. Here they never impersonate one:
    no target is ever available (even if curl_cffi gets installed), so they fall back to plain
    requests and say so in a warning. TikTok is read through ``_PlainTikTokIE``.
    Build a new one per read: its jar of server-set session values then starts empty and dies
    with it, so nothing carries over between reads.
    """

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.add_info_extractor(_PlainTikTokIE())

    def _impersonate_target_available(self, target: object) -> bool:  # noqa: ARG002 - never impersonate a browser
        return False

    def urlopen(self, req: object) -> Any:
        if isinstance(req, Request):
            req.extensions.pop("impersonate", None)  # never impersonate, whoever asked
        return super().urlopen(req)


class YtDlpReader:
    """ContentReader and CommentReader over yt-dlp (see the module docstring for the matrix).

    Every call builds a fresh ``ReadOnlyYoutubeDL`` and makes the requests of one yt-dlp
    extraction: politeness (cache, rate limit, circuit breaker) is ``PoliteReader``'s job.
    """

    def read_content(self, ref: ContentRef) -> ContentInfo:
        """Raises ContentUnavailable (private, removed, region-locked, not a single item) or
        PlatformUnavailable (rate limit, timeout, network, 5xx, or anything unrecognised)."""
        return content_info_from_ytdlp(self._extract(ref, build_ytdlp_params()), ref)

    def read_comments(self, ref: ContentRef, *, limit: int) -> Sequence[PublicComment]:
        """Up to ``limit`` public comments, newest first, with estimated times (see
        ``comments_from_ytdlp``); an empty list when comments are turned off. Raises as
        ``read_content``."""
        if limit <= 0:
            return []
        if not ref.platform.has_public_comments:
            _log.warning("comments_not_listed", platform=ref.platform.value, content_id=ref.content_id)
            return []
        return comments_from_ytdlp(self._extract(ref, build_ytdlp_params(comments_limit=limit)), limit=limit)

    @staticmethod
    def _extract(ref: ContentRef, params: dict[str, Any]) -> Mapping[str, object]:
        if ref.kind is ContentKind.CHANNEL:  # a whole channel would be many requests, and is no content
            raise ContentUnavailable(ref.url, "a channel is not one video or post")
        url = extraction_url(ref)
        try:
            with ReadOnlyYoutubeDL(params) as ydl:
                info = ydl.sanitize_info(ydl.extract_info(url, download=False, ie_key=_EXTRACTOR_KEYS[ref.platform]))
        except (YoutubeDLError, OSError) as error:
            raise ytdlp_error(error, ref) from error
        # An Instagram carousel comes back as a playlist whose own fields describe the post.
        if not isinstance(info, dict) or info.get("_type", "video") not in {"video", "playlist"}:
            raise ContentUnavailable(ref.url, "yt-dlp did not find one video or post there")
        return info


def extraction_url(ref: ContentRef) -> str:
    """The address yt-dlp reads for ``ref``.

    YouTube: the watch page of the id (Shorts included). TikTok: photo posts through the video
    address, the only one yt-dlp's extractor accepts; the page behind it is the same.
    """
    if ref.platform is Platform.YOUTUBE:
        return f"https://www.youtube.com/watch?v={ref.content_id}"
    if ref.platform is Platform.TIKTOK:
        return ref.url.replace("/photo/", "/video/", 1)
    return ref.url


# --- info dict -> domain -----------------------------------------------------------------------


def content_info_from_ytdlp(info: Mapping[str, object], ref: ContentRef) -> ContentInfo:
    """ContentInfo from a yt-dlp info dict (live or recorded), for ``ref``.

    Fields read: ``title``; ``channel_id`` (YouTube ``UC…``, TikTok ``secUid``), else
    ``uploader_id`` (Instagram gives only the account's numeric id); ``channel``, else ``uploader``
    as the name; ``duration`` (seconds, rounded; zero or less is unknown); ``view_count``,
    ``like_count``, ``comment_count``; ``timestamp``, else ``upload_date`` (midnight UTC) as the
    upload time; ``description``; ``tags`` (strings), ``chapters`` (their ``title``s; YouTube's
    extractor reads them from the description's timestamps too) and the first of ``categories``.
    Raises PlatformUnavailable when no channel is named: without it
    nothing can be verified, and an extractor that loses it is broken, not the content gone.
    """
    channel_id = _text(info, "channel_id") or _text(info, "uploader_id")
    if channel_id is None:
        raise PlatformUnavailable(ref.platform.label, "yt-dlp named no channel for this content")
    return ContentInfo(
        ref=ref,
        title=_text(info, "title") or "",
        channel_id=channel_id,
        channel_name=_text(info, "channel") or _text(info, "uploader"),
        duration_s=_duration_s(info.get("duration")),
        view_count=_count(info.get("view_count")),
        like_count=_count(info.get("like_count")),
        comment_count=_count(info.get("comment_count")),
        uploaded_at=_uploaded_at(info),
        description=_text(info, "description"),
        tags=_strings(info.get("tags")),
        chapters=_chapter_titles(info.get("chapters")),
        category=next(iter(_strings(info.get("categories"))), None),
    )


def _strings(value: object) -> tuple[str, ...]:
    """The non-empty strings of a list (yt-dlp's ``tags``, ``categories``); none for anything else."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str) and item)


def _chapter_titles(value: object) -> tuple[str, ...]:
    """The titles of yt-dlp's ``chapters`` (dicts with ``start_time``, ``end_time``, ``title``)."""
    if not isinstance(value, list):
        return ()
    return _strings([chapter.get("title") for chapter in value if isinstance(chapter, dict)])


def comments_from_ytdlp(info: Mapping[str, object], *, limit: int) -> list[PublicComment]:
    """The info dict's ``comments``, newest first, at most ``limit``.

    Each comment's ``id``, ``author_id`` (the author's channel id), ``author``, ``text``,
    ``timestamp`` and ``parent`` (``"root"`` for a top-level comment) are read. yt-dlp parses
    ``timestamp`` from text like "2 weeks ago", so every time is marked an estimate. Sorting is
    stable: yt-dlp's own order (YouTube's "newest first") breaks ties between equal estimates.
    Comments without an author channel or a parsable time are left out: they can prove nothing.
    No ``comments`` (turned off, or not requested) gives an empty list.
    """
    raw = info.get("comments")
    if not isinstance(raw, list) or limit <= 0:
        return []
    comments = [comment for item in raw if (comment := _comment(item)) is not None]
    if len(comments) < len(raw):
        _log.debug("ytdlp_comments_skipped", skipped=len(raw) - len(comments))
    comments.sort(key=lambda comment: comment.posted_at, reverse=True)
    return comments[:limit]


def _comment(item: object) -> PublicComment | None:
    if not isinstance(item, dict):
        return None
    comment_id = _text(item, "id")
    author = _text(item, "author_id")
    timestamp = _number(item.get("timestamp"))
    if comment_id is None or author is None or timestamp is None:
        return None
    text = item.get("text")
    return PublicComment(
        comment_id=comment_id,
        author_channel_id=author,
        text=text if isinstance(text, str) else "",
        posted_at=datetime.fromtimestamp(timestamp, UTC),
        author_name=_text(item, "author"),
        posted_at_is_estimate=True,
        is_reply=item.get("parent", "root") != "root",
    )


def _text(info: Mapping[str, object], key: str) -> str | None:
    value = info.get(key)
    return value if isinstance(value, str) and value else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _count(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None and number >= 0 else None


def _duration_s(value: object) -> int | None:
    number = _number(value)
    return round(number) if number is not None and number > 0 else None


def _uploaded_at(info: Mapping[str, object]) -> datetime | None:
    timestamp = _number(info.get("timestamp"))
    if timestamp is not None:
        return datetime.fromtimestamp(timestamp, UTC)
    upload_date = _text(info, "upload_date")
    if upload_date is None:
        return None
    try:
        return datetime.strptime(upload_date, "%Y%m%d").replace(tzinfo=UTC)
    except ValueError:
        return None
