"""Public YouTube metadata and comments through the YouTube Data API v3, with an API key only.

Preferred over yt-dlp for YouTube when ``YOUTUBE_API_KEY`` is set: comment times are exact
(``publishedAt``), and the API's quota is the platform's own statement of how much we may read.
An API key identifies our project, not a person: no one's account is ever used.

Two calls, both public-data reads (1 quota unit each):
videos.list (``part=snippet,statistics,contentDetails``) and commentThreads.list
(``part=snippet``, ``order=time``, ``maxResults=100``, ``textFormat=plainText``, paged with
``pageToken``). ``part=snippet`` carries top-level comments only, so ``is_reply`` is always
false here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx

from tgexchange.adapters.clock import SystemClock
from tgexchange.adapters.platforms.retry_after import retry_after_s
from tgexchange.domain.content import ContentInfo, ContentRef, Platform, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable
from tgexchange.services.ports import Clock

API_BASE: Final = "https://www.googleapis.com/youtube/v3"
TIMEOUT_S: Final = 10.0
PAGE_SIZE: Final = 100
USER_AGENT: Final = "tgexchange/0.1 (YouTube Data API reader)"
REDACTED: Final = "[redacted]"

_YOUTUBE: Final = Platform.YOUTUBE.label
# 403 reasons that mean "not now": the project's quota or rate, never the content.
_QUOTA_REASONS: Final = frozenset({"quotaExceeded", "dailyLimitExceeded"})
_RATE_REASONS: Final = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# "Daily quotas reset at midnight Pacific Time" (YouTube Data API, quota documentation).
_QUOTA_ZONE: Final = "America/Los_Angeles"
_DURATION: Final = re.compile(
    r"P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)
_SECONDS: Final = {"weeks": 604_800, "days": 86_400, "hours": 3_600, "minutes": 60, "seconds": 1}


class _CommentsDisabled(Exception):
    """commentThreads.list answered 403 commentsDisabled."""


class YouTubeApiReader:
    """ContentReader and CommentReader for YouTube over the Data API v3.

    The key travels in the ``X-Goog-Api-Key`` header (a standard Google API system parameter),
    never in a URL, and is cut out of every error message this reader raises. ``client`` is
    used as given (timeouts are set per request); the caller owns and closes it.
    """

    def __init__(
        self, api_key: str, client: httpx.Client, *, clock: Clock | None = None, timeout_s: float = TIMEOUT_S
    ) -> None:
        if not api_key.strip():
            raise ValueError("YouTubeApiReader needs a non-empty API key")
        self._api_key = api_key
        self._client = client
        self._clock = clock or SystemClock()
        self._timeout_s = timeout_s

    def read_content(self, ref: ContentRef) -> ContentInfo:
        """Raises ContentUnavailable when the video is missing, private or deleted (the API then
        returns no item, or 404), PlatformUnavailable on quota or rate limits (with the wait when
        known), timeouts, network errors and 5xx."""
        _require_youtube(ref)
        body = self._get("videos", {"part": "snippet,statistics,contentDetails", "id": ref.content_id}, ref)
        items = body.get("items")
        if not isinstance(items, list) or not items or not isinstance(items[0], dict):
            raise ContentUnavailable(ref.url, "videos.list returned no public video with that id")
        return video_info(items[0], ref)

    def read_comments(self, ref: ContentRef, *, limit: int) -> Sequence[PublicComment]:
        """Up to ``limit`` top-level comments, newest first, with exact times.

        Pages are requested only while fewer than ``limit`` comments are in hand. Comments turned
        off (403 commentsDisabled) give an empty list: there is nothing to read, and verification
        decides what that means. Raises as ``read_content`` otherwise.
        """
        _require_youtube(ref)
        comments: list[PublicComment] = []
        page_token: str | None = None
        while len(comments) < limit:
            params = {
                "part": "snippet",
                "videoId": ref.content_id,
                "order": "time",
                "maxResults": str(PAGE_SIZE),
                "textFormat": "plainText",
            }
            if page_token is not None:
                params["pageToken"] = page_token
            try:
                body = self._get("commentThreads", params, ref)
            except _CommentsDisabled:
                return []
            items = body.get("items")
            comments.extend(
                comment for item in (items if isinstance(items, list) else []) if (comment := thread_comment(item))
            )
            next_token = body.get("nextPageToken")
            if not isinstance(next_token, str) or not next_token:
                break
            page_token = next_token
        comments.sort(key=lambda comment: comment.posted_at, reverse=True)
        return comments[:limit]

    def _get(self, resource: str, params: Mapping[str, str], ref: ContentRef) -> dict[str, object]:
        try:
            response = self._client.get(
                f"{API_BASE}/{resource}",
                params=params,
                headers={"X-Goog-Api-Key": self._api_key, "Accept": "application/json", "User-Agent": USER_AGENT},
                timeout=self._timeout_s,
            )
        except httpx.HTTPError as error:  # timeouts, DNS, refused or broken connections
            raise PlatformUnavailable(_YOUTUBE, self._redact(f"{resource}: {type(error).__name__}: {error}")) from None
        if response.is_success:
            body = _json(response)
            if body is None:
                raise PlatformUnavailable(_YOUTUBE, f"{resource}: the answer was not a JSON object")
            return body
        raise self._error(resource, response, ref)

    def _error(self, resource: str, response: httpx.Response, ref: ContentRef) -> Exception:
        status = response.status_code
        reasons, message = _error_reasons(response)
        detail = self._redact(f"{resource}: HTTP {status} {','.join(sorted(reasons)) or '-'}: {message}")
        if status == 403 and "commentsDisabled" in reasons:
            return _CommentsDisabled()
        if status == 403 and reasons & _QUOTA_REASONS:
            return PlatformUnavailable(_YOUTUBE, detail, retry_after_s=_seconds_until_quota_reset(self._clock.now()))
        if status == 404:
            return ContentUnavailable(ref.url, detail)
        wait_s = retry_after_s(response.headers.get("retry-after"), now=self._clock.now())
        # 403 rate limits, 429, 5xx and everything unexpected (a bad key, the API not enabled
        # for the project): not now, and never the member's fault.
        return PlatformUnavailable(_YOUTUBE, detail, retry_after_s=wait_s)

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, REDACTED)


def video_info(item: Mapping[str, object], ref: ContentRef) -> ContentInfo:
    """ContentInfo from one ``youtube#video`` resource.

    Counts arrive as decimal strings and are absent when hidden (likes) or turned off
    (comments); those become None. ``snippet.tags`` and ``snippet.categoryId`` (a number, which the
    relevance rule maps to its name) are kept; the API has no chapters (the description's
    timestamps are read as chapters instead). Raises PlatformUnavailable when no channel is named.
    """
    snippet = _object(item, "snippet")
    statistics = _object(item, "statistics")
    details = _object(item, "contentDetails")
    channel_id = _text(snippet, "channelId")
    if channel_id is None:
        raise PlatformUnavailable(_YOUTUBE, "videos.list named no channel for this video")
    return ContentInfo(
        ref=ref,
        title=_text(snippet, "title") or "",
        channel_id=channel_id,
        channel_name=_text(snippet, "channelTitle"),
        duration_s=iso8601_duration_s(details.get("duration")),
        view_count=_count(statistics.get("viewCount")),
        like_count=_count(statistics.get("likeCount")),
        comment_count=_count(statistics.get("commentCount")),
        uploaded_at=_timestamp(snippet.get("publishedAt")),
        description=_text(snippet, "description"),
        tags=tuple(tag for tag in tags if isinstance(tag, str))
        if isinstance(tags := snippet.get("tags"), list)
        else (),
        category=_text(snippet, "categoryId"),
    )


def thread_comment(item: object) -> PublicComment | None:
    """The top-level comment of one ``youtube#commentThread``, or None when it names no author
    channel or no time (it could prove nothing)."""
    if not isinstance(item, dict):
        return None
    top = _object(_object(item, "snippet"), "topLevelComment")
    snippet = _object(top, "snippet")
    comment_id = _text(top, "id")
    author = _text(_object(snippet, "authorChannelId"), "value")
    posted_at = _timestamp(snippet.get("publishedAt"))
    if comment_id is None or author is None or posted_at is None:
        return None
    return PublicComment(
        comment_id=comment_id,
        author_channel_id=author,
        text=_text(snippet, "textDisplay") or _text(snippet, "textOriginal") or "",
        posted_at=posted_at,
        author_name=_text(snippet, "authorDisplayName"),
        posted_at_is_estimate=False,
        is_reply=False,
    )


def iso8601_duration_s(value: object) -> int | None:
    """Whole seconds of an ISO-8601 duration as YouTube writes them (``PT1H2M3S``,
    ``P1DT2H``, ``PT45.5S``). Zero (``P0D``, live streams and premieres), years, months and
    anything malformed are None: unknown rather than wrong."""
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value.strip())
    if match is None or value.strip().endswith(("P", "T")):
        return None
    total = sum(float(amount) * _SECONDS[unit] for unit, amount in match.groupdict().items() if amount)
    return round(total) if total > 0 else None


def _seconds_until_quota_reset(now: datetime) -> float | None:
    try:
        zone = ZoneInfo(_QUOTA_ZONE)
    except ZoneInfoNotFoundError:  # no time-zone data on this machine: wait as for any outage
        return None
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    # In UTC: subtracting two times of one zone would ignore a daylight-saving change between them.
    return (midnight.astimezone(UTC) - now.astimezone(UTC)).total_seconds()


def _require_youtube(ref: ContentRef) -> None:
    if ref.platform is not Platform.YOUTUBE:
        raise ValueError(f"YouTubeApiReader reads YouTube only, not {ref.platform.label}")


def _json(response: httpx.Response) -> dict[str, object] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _error_reasons(response: httpx.Response) -> tuple[set[str], str]:
    """The ``reason`` of each entry in a Google API error body, and its message."""
    error = _object(_json(response) or {}, "error")
    entries = error.get("errors")
    reasons = {
        reason
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(reason := entry.get("reason"), str)
    }
    return reasons, _text(error, "message") or response.reason_phrase


def _object(value: Mapping[str, object], key: str) -> Mapping[str, object]:
    inner = value.get(key)
    return inner if isinstance(inner, dict) else {}


def _text(value: Mapping[str, object], key: str) -> str | None:
    inner = value.get(key)
    return inner if isinstance(inner, str) and inner else None


def _count(value: object) -> int | None:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _timestamp(value: object) -> datetime | None:
    """An aware UTC datetime from an RFC 3339 time such as ``2026-10-12T08:15:00Z``."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
