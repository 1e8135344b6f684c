"""How long a platform asked us to wait, from an HTTP ``Retry-After`` value."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_s(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait before asking again, never negative.

    ``value`` is a ``Retry-After`` header: delay-seconds (``"120"``) or an HTTP-date (RFC 9110,
    section 10.2.3); ``now`` is an aware datetime. Returns None when the value is absent or
    malformed, so callers fall back to their own back-off.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are in GMT; "-0000" parses as naive
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
