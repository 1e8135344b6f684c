"""The admin dashboard: one-time login links, and what a viewer may see of the exchange.

Login: an admin sends /dashboard to the bot, which calls ``issue_login_link`` and sends the URL
(with link previews off: a preview fetch would use the link up). The web face redeems it once
with ``redeem_login_link`` and keeps the Telegram user in a signed session cookie; every request
then asks ``admin_viewer`` which communities that user runs now.

The views read the DashboardReader port (rollups, not history) and apply the domain's arithmetic.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

from tgexchange.domain.content import Platform
from tgexchange.domain.dashboard import (
    LOGIN_LINK_TTL,
    LoginLinkInvalid,
    Period,
    SessionEnded,
    Viewer,
    errors_since,
    token_digest,
)
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.domain.rollup import Counts, is_trusted, member_roi
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ports import (
    AskedInVain,
    CommunityCounts,
    DashboardReader,
    DayCount,
    FailureCount,
    FailureRow,
    MemberRow,
    PlatformCounts,
    UnitOfWork,
)

LOGIN_PATH = "/exchange/dashboard/login"
MAX_TOKEN_LENGTH = 128
# Spent and expired links are kept a day (for support questions), then purged on the next issue.
KEEP_SPENT_LINKS = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class LoginLink:
    token: str
    url: str
    expires_at: datetime
    community_ids: frozenset[int]


def login_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{LOGIN_PATH}?{urlencode({'token': token})}"


@retry_on_conflict()
def issue_login_link(uow: UnitOfWork, *, telegram_user_id: int, now: datetime, base_url: str = "") -> LoginLink:
    """A single-use dashboard login link for the user, valid for LOGIN_LINK_TTL. ``base_url`` is
    the dashboard's public address (PUBLIC_BASE_URL); without it ``url`` is a path. Raises
    NotAnAdmin unless the user is an admin (not banned) of at least one community."""
    with uow:
        memberships = uow.members.list_for_user(telegram_user_id)
        runs = frozenset(m.community_id for m in memberships if m.is_admin and not m.is_banned)
        if not runs:
            raise NotAnAdmin(memberships[0].id if memberships else 0)
        token = secrets.token_urlsafe(32)  # 256 random bits
        uow.login_links.purge(before=now - KEEP_SPENT_LINKS)
        uow.login_links.add(
            token_digest=token_digest(token),
            telegram_user_id=telegram_user_id,
            created_at=now,
            expires_at=now + LOGIN_LINK_TTL,
        )
        uow.commit()
    return LoginLink(token, login_url(base_url, token), now + LOGIN_LINK_TTL, runs)


@dataclass(frozen=True, slots=True)
class Login:
    """A redeemed link: who logged in, and the session epoch their cookie must carry."""

    telegram_user_id: int
    epoch: int


@retry_on_conflict()
def redeem_login_link(uow: UnitOfWork, *, token: str, now: datetime) -> Login:
    """Uses the link up and starts a new session epoch for its user, which ends their older
    sessions (a copied cookie among them). Raises LoginLinkInvalid when the token is unknown,
    already used or expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LoginLinkInvalid()
    with uow:
        telegram_user_id = uow.login_links.redeem(token_digest(token), now=now)
        if telegram_user_id is None:
            raise LoginLinkInvalid()
        epoch = uow.login_links.next_session_epoch(telegram_user_id)
        uow.commit()
        return Login(telegram_user_id, epoch)


@retry_on_conflict()
def end_sessions(uow: UnitOfWork, *, telegram_user_id: int) -> None:
    """Logging out: every session cookie the user holds stops working, copies included."""
    with uow:
        uow.login_links.next_session_epoch(telegram_user_id)
        uow.commit()


def admin_viewer(reader: DashboardReader, *, telegram_user_id: int, session_epoch: int) -> Viewer:
    """The viewer for a logged-in user, with the communities they run now. Raises SessionEnded
    for a cookie of an epoch that is over, NotAnAdmin when they run no community any more."""
    session = reader.admin_session(telegram_user_id)
    if session.epoch != session_epoch:
        raise SessionEnded()
    if not session.community_ids:
        raise NotAnAdmin(0)
    return Viewer(is_operator=False, community_ids=session.community_ids, telegram_user_id=telegram_user_id)


def visible_communities(reader: DashboardReader, *, viewer: Viewer) -> dict[int, str]:
    return reader.community_titles(viewer.scope(None))


# Views -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overview:
    """``verified_per_day`` runs to ``today``, which is not over yet (a partial day)."""

    period: Period
    community_id: int | None
    totals: Counts
    platforms: list[PlatformCounts]
    verified_per_day: list[DayCount]
    today: date
    asked_in_vain: AskedInVain


def overview(
    reader: DashboardReader, *, viewer: Viewer, period: Period, community_id: int | None, today: date
) -> Overview:
    """Totals over the period (UTC days, today included). For all time, the series starts at the
    first day with any task, not at a run of empty days, and covers at most SERIES_DAYS_FOR_ALL
    days. Raises NotYourCommunity."""
    scope = viewer.scope(community_id)
    by_platform = _every_platform(reader.counts_by_platform(scope, first_day=period.first_day(today)))
    asked_in_vain = reader.asked_in_vain(scope, first_day=period.first_day(today))
    totals = Counts()
    for row in by_platform:
        totals.add(row.counts)
    first = period.series_first_day(today)
    rows = reader.verified_per_day(scope, first_day=first)  # days with any task: rollup rows exist
    if period is Period.ALL and totals.assigned == sum(row.assigned for row in rows):
        # Every task of all time was handed out inside the window: start where the first was.
        first = min(rows[0].day, today) if rows else today
    per_day = {row.day: row.verified for row in rows}
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    series = [DayCount(d, per_day.get(d, 0)) for d in days]
    return Overview(period, community_id, totals, by_platform, series, today, asked_in_vain)


def _every_platform(rows: list[PlatformCounts]) -> list[PlatformCounts]:
    """One row per platform, zeros included, so charts keep their colours and order."""
    found = {row.platform: row for row in rows}
    return [found.get(p, PlatformCounts(p, Counts())) for p in Platform]


class GroupOrder(StrEnum):
    ROI_RATIO = "roi_ratio"
    INTERACTIONS = "interactions"
    EFFICIENCY = "efficiency"


def groups(
    reader: DashboardReader,
    *,
    viewer: Viewer,
    period: Period,
    sort_by: GroupOrder,
    limit: int,
    today: date,
    community_id: int | None = None,
) -> list[CommunityCounts]:
    """The viewer's communities (or the one asked for), best first by ``sort_by`` (communities
    with no value last). Raises NotYourCommunity."""
    rows = reader.counts_by_community(viewer.scope(community_id), first_day=period.first_day(today))

    def key(row: CommunityCounts) -> tuple[bool, float, int, int]:
        value = {
            GroupOrder.ROI_RATIO: row.counts.roi,
            GroupOrder.INTERACTIONS: float(row.counts.assigned),
            GroupOrder.EFFICIENCY: row.counts.efficiency,
        }[sort_by]
        return (value is None, -(value or 0.0), -row.counts.assigned, row.community_id)

    return sorted(rows, key=key)[:limit]


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member over a period: what they gave and received in it; ``reliability`` and ``trusted``
    are their standing over all time."""

    member_id: int
    community_id: int
    display_name: str
    username: str | None
    status: str
    interactions: int
    completed: int
    failed: int
    feedback_given: int
    feedback_received: int
    reliability: float
    trusted: bool
    roi: float | None
    predicted_reciprocity: float | None = None


def member_view(row: MemberRow) -> MemberView:
    s, standing = row.stats, row.standing
    given = s.verified + s.rejected
    return MemberView(
        member_id=row.member_id,
        community_id=row.community_id,
        display_name=row.display_name,
        username=row.username,
        status=row.status,
        interactions=s.tasks_taken,
        completed=s.verified,
        failed=s.rejected + s.expired,
        feedback_given=given,
        feedback_received=s.feedback_received,
        reliability=standing.reliability,
        trusted=is_trusted(decided=standing.decided, reliability=standing.reliability, banned=row.status == "banned"),
        roi=member_roi(received=s.feedback_received, given=given),
    )


def users(
    reader: DashboardReader,
    *,
    viewer: Viewer,
    community_id: int | None,
    min_interactions: int,
    limit: int,
    period: Period,
    today: date,
) -> list[MemberView]:
    """Members by verified feedback given in the period, most first. Raises NotYourCommunity."""
    first_day = period.first_day(today)
    rows = reader.members(viewer.scope(community_id), first_day=first_day, min_tasks=min_interactions, limit=limit)
    predicted = reader.predicted_reciprocity([row.member_id for row in rows])
    return [replace(member_view(row), predicted_reciprocity=predicted.get(row.member_id)) for row in rows]


def platforms(
    reader: DashboardReader, *, viewer: Viewer, community_id: int | None, period: Period, today: date
) -> list[PlatformCounts]:
    """Raises NotYourCommunity."""
    scope = viewer.scope(community_id)
    return _every_platform(reader.counts_by_platform(scope, first_day=period.first_day(today)))


@dataclass(frozen=True, slots=True)
class Errors:
    hours: int
    since: datetime
    by_type: list[FailureCount]
    recent: list[FailureRow]


def errors(
    reader: DashboardReader, *, viewer: Viewer, community_id: int | None, hours: int, limit: int, now: datetime
) -> Errors:
    """Job failures and rejections since the start of the hour ``hours`` hours ago: the counts (from
    hourly rollups) and the rows cover the same window. Raises NotYourCommunity."""
    scope = viewer.scope(community_id)
    since = errors_since(now, hours)
    return Errors(
        hours,
        since,
        reader.failure_counts(scope, since=since),
        reader.recent_failures(scope, since=since, limit=limit),
    )


# Exports -----------------------------------------------------------------------------------------
