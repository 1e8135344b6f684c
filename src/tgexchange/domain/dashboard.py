"""Who may see which communities on the dashboard, and the rules of its login links."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tgexchange.domain.errors import DomainError

LOGIN_LINK_TTL = timedelta(minutes=10)
# The line chart's window when the period is "all": a readable chart, and a bounded query.
SERIES_DAYS_FOR_ALL = 90


class Period(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ALL = "all"

    def first_day(self, today: date) -> date | None:
        """The first UTC day the period covers (today included); None for all time."""
        days = {Period.DAILY: 1, Period.WEEKLY: 7, Period.MONTHLY: 30}.get(self)
        return None if days is None else today - timedelta(days=days - 1)

    def series_first_day(self, today: date) -> date:
        return self.first_day(today) or today - timedelta(days=SERIES_DAYS_FOR_ALL - 1)


def errors_since(now: datetime, hours: int) -> datetime:
    """Where the errors view's window starts: the start of the hour ``hours`` hours ago. Rejections
    are counted from hourly rollups, so the table, the counts and the heading all use this one
    whole-hour window (between ``hours`` and ``hours`` + 1 long)."""
    return (now - timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)


class LoginLinkInvalid(DomainError):
    code = "login_link_invalid"

    def __init__(self) -> None:
        super().__init__("This login link is invalid, expired or already used. Send /dashboard to the bot again.")


class SessionEnded(DomainError):
    """A session cookie from an epoch that is over: its user logged out, or redeemed a newer link."""

    code = "session_ended"

    def __init__(self) -> None:
        super().__init__("This session has ended. Log in again.")


class NotYourCommunity(DomainError):
    code = "not_your_community"

    def __init__(self, community_id: int) -> None:
        super().__init__("You are not an admin of that community.", community_id=community_id)


def token_digest(token: str) -> str:
    """What storage keeps of a login token: a leaked table holds no usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    """Someone looking at the dashboard: the operator (everything) or an admin (their
    communities, looked up again on every request so that a demoted admin loses access)."""

    is_operator: bool
    community_ids: frozenset[int] = frozenset()
    telegram_user_id: int | None = None

    @classmethod
    def operator(cls) -> Viewer:
        return cls(is_operator=True)

    def scope(self, community_id: int | None) -> frozenset[int] | None:
        """The communities one request may read: None means every community (the operator, no
        filter). Raises NotYourCommunity for a community the admin does not run."""
        if community_id is not None:
            if not self.is_operator and community_id not in self.community_ids:
                raise NotYourCommunity(community_id)
            return frozenset({community_id})
        return None if self.is_operator else self.community_ids
