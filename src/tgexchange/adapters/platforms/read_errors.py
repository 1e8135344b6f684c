"""What a failed yt-dlp read means for the exchange: the content is gone, or the platform is not
answering now.

The difference matters: ``ContentUnavailable`` lets verification end a task without blaming the
member once its deadline passes, ``PlatformUnavailable`` only postpones (and feeds the circuit
breaker). When in doubt the answer is "not now": a change on a platform must never reject a
member's work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Final

from yt_dlp.networking.exceptions import HTTPError, TransportError
from yt_dlp.utils import GeoRestrictedError, UnsupportedError

from tgexchange.adapters.platforms.retry_after import retry_after_s
from tgexchange.domain.content import ContentRef
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable

# Checked first: these mean "not now", whatever else the message says. A platform that puts up a
# bot check, a puzzle or a wall for anonymous readers is refusing us for now; we wait (the circuit
# breaker backs off), we never work around it.
_TRANSIENT: Final = (
    "not a bot",
    "rate-limit",
    "rate limit",
    "too many requests",
    "try again later",
    "captcha",  # never solved: YouTube asks for one when it limits us; we wait instead
    "proof-of-work challenge",
    "ip address is blocked",
    "ip is likely being blocked",
    "requiring login for access",  # TikTok's wall for anonymous readers, not a private post
    "timed out",
    "temporarily unavailable",
    "no video formats found",  # a change on the platform, not the content's fault
    "requested format is not available",
)
# The content itself is not publicly readable: gone, private, members-only, age-gated (that needs
# a login, which we never do), region-locked, not live yet, or not a single video or post.
_GONE: Final = (
    "private video",
    "video unavailable",
    "video is unavailable",
    "has been removed",
    "no longer available",
    "does not exist",
    "has been terminated",
    "members-only",
    "available to this channel's members",
    "confirm your age",
    "age-restricted",
    "inappropriate for some users",
    "not available in your country",
    "not available from your location",
    "live event will begin",
    "premieres in",
    "no suitable extractor",
    "unsupported url",
    "video not available",
    "you do not have permission to view this post",
    "only available for registered users",
    "restricted video",
    "there is no video in this post",
    "not be comfortable for some audiences",
)
# "rate-limited by YouTube for up to an hour"
_HOUR_HINT: Final = re.compile(r"for up to an hour")
_GONE_STATUSES: Final = frozenset({404, 410})


def ytdlp_error(error: BaseException, ref: ContentRef) -> ContentUnavailable | PlatformUnavailable:
    """The domain error for a failed yt-dlp read of ``ref``.

    Network causes decide first: HTTP 404/410 → ContentUnavailable; any other HTTP status (429,
    5xx, 403 blocks) → PlatformUnavailable with the ``Retry-After`` delay when given; timeouts and
    connection failures → PlatformUnavailable; a region lock or an unsupported address →
    ContentUnavailable. Otherwise yt-dlp's message is matched, "not now" phrases before "gone"
    phrases. Anything unrecognised is PlatformUnavailable: a platform change must never reject a
    member's work.
    """
    detail = _detail(error)
    by_cause = _error_from_causes(error, ref, detail)
    if by_cause is not None:
        return by_cause
    text = str(error).lower()
    if any(phrase in text for phrase in _TRANSIENT):
        wait_s = 3600.0 if _HOUR_HINT.search(text) else None
        return PlatformUnavailable(ref.platform.label, detail, retry_after_s=wait_s)
    if any(phrase in text for phrase in _GONE):
        return ContentUnavailable(ref.url, detail)
    return PlatformUnavailable(ref.platform.label, detail)


def _error_from_causes(
    error: BaseException, ref: ContentRef, detail: str
) -> ContentUnavailable | PlatformUnavailable | None:
    for cause in _causes(error):
        if isinstance(cause, HTTPError):
            if cause.status in _GONE_STATUSES:
                return ContentUnavailable(ref.url, detail)
            return PlatformUnavailable(ref.platform.label, detail, retry_after_s=_http_retry_after_s(cause))
        if isinstance(cause, TransportError | TimeoutError | ConnectionError):
            return PlatformUnavailable(ref.platform.label, detail)
        if isinstance(cause, GeoRestrictedError | UnsupportedError):
            return ContentUnavailable(ref.url, detail)
    return None


def _causes(error: BaseException) -> Iterator[BaseException]:
    """``error`` and everything behind it: yt-dlp keeps causes in ``exc_info`` and ``cause``."""
    seen: set[int] = set()
    pending: list[object] = [error]
    while pending:
        current = pending.pop(0)
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        exc_info = getattr(current, "exc_info", None)
        if isinstance(exc_info, tuple) and len(exc_info) == 3:
            pending.append(exc_info[1])
        pending.extend((getattr(current, "cause", None), current.__cause__, current.__context__))


def _http_retry_after_s(error: HTTPError) -> float | None:
    headers = getattr(error.response, "headers", None)
    value = headers.get("Retry-After") if headers is not None else None
    return retry_after_s(value if isinstance(value, str) else None, now=datetime.now(UTC))


def _detail(error: BaseException) -> str:
    """yt-dlp's message without its "ERROR:" prefix and its command-line advice (which options
    to pass, which wiki page to read): a short fact for the logs."""
    message = " ".join(str(error).split())
    message = message.removeprefix("ERROR: ")
    for advice in (" Use --", " See https://", " Also see ", "; please report this issue"):
        message = message.split(advice, 1)[0]
    return message[:300]
