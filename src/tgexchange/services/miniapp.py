"""The Mini App: a member's own summary and, for the communities they run, the dashboard's
numbers and the community's settings. The caller has proven who the Telegram user is (the web
face checks Telegram's signed init data); every call looks up again what that user is now, so a
demoted admin or a member who left sees the change on their next request.

Roles and scope are the dashboard's: an admin (not banned) of a community sees and changes that
community, checked through ``Viewer.scope`` (NotYourCommunity otherwise). The Mini App has no
session of its own: Telegram's init data is its session, so the dashboard's session epochs (its
logout) do not apply here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.dashboard import Period, Viewer
from tgexchange.domain.errors import CommunityNotFound
from tgexchange.domain.member import MemberStatus
from tgexchange.services import community as community_service
from tgexchange.services import dashboard as dashboard_service
from tgexchange.services import stats as stats_service
from tgexchange.services.dashboard import MemberView, Overview
from tgexchange.services.ports import (
    AppMembership,
    DashboardReader,
    MemberActivity,
    MemberReader,
    MemberReport,
    MiniAppReader,
    UnitOfWork,
)

# What the page lists: the latest tasks taken (the first five are /me's history) and the latest
# submissions with their feedback.
GIVEN_SHOWN = 10
SUBMISSIONS_SHOWN = 5
TOP_MEMBERS_SHOWN = 5

# The settings an admin changes, and how far one tap of − or + moves each: the choices of the
# bot's settings menu (bot/handlers/settings.py; a test keeps the two equal). Platforms switch on
# and off; the group's language is one of the languages, or each person's own.
SETTING_STEPS: dict[str, int] = {
    "credits_per_feedback": 1,
    "min_words": 1,
    "max_open_tasks_per_member": 1,
    "task_deadline": 6,  # hours
    "welcome_credits": 10,
    "max_feedback_per_submission": 1,
    "default_feedback_per_submission": 1,
    "penalty_cooldown_hours": 6,
    "warning_expiry_days": 5,
    "health_threshold_pct": 5,
    "admission_cap_per_day": 10,
}


class NotAMember(Exception):
    """The Telegram user is no member of any community, or not of the one asked for."""

    def __init__(self, telegram_user_id: int, community_id: int | None = None) -> None:
        super().__init__(f"user {telegram_user_id} is no member" + (f" of {community_id}" if community_id else ""))
        self.telegram_user_id = telegram_user_id
        self.community_id = community_id


def runs(memberships: list[AppMembership]) -> dict[int, str]:
    """The communities the user runs: admin and not banned (the dashboard's rule)."""
    return {m.community_id: m.community_title for m in memberships if m.is_admin and m.status != MemberStatus.BANNED}


def viewer_of(telegram_user_id: int, memberships: list[AppMembership]) -> Viewer:
    return Viewer(is_operator=False, community_ids=frozenset(runs(memberships)), telegram_user_id=telegram_user_id)


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """What the member's page shows. ``report`` is what the bot's /balance and /me read (the same
    use case), ``activity`` the rest.

    Extension point (fair play): ratings received, penalties with their reasons and the one
    appeal each allows belong here, read by their own use cases once they exist, and on the
    page in app.js (``MEMBER_SECTIONS``)."""

    membership: AppMembership
    memberships: list[AppMembership]
    runs: dict[int, str]
    report: MemberReport
    activity: MemberActivity


def member_summary(
    member_reader: MemberReader,
    app_reader: MiniAppReader,
    *,
    telegram_user_id: int,
    community_id: int | None = None,
) -> MemberSummary:
    """The member in ``community_id``, or in the community they joined last. Raises NotAMember."""
    memberships = app_reader.memberships(telegram_user_id)
    if community_id is None:
        membership = memberships[-1] if memberships else None
    else:
        membership = next((m for m in memberships if m.community_id == community_id), None)
    if membership is None:
        raise NotAMember(telegram_user_id, community_id)
    report = stats_service.member_report(member_reader, member_id=membership.member_id, history=0)
    activity = app_reader.activity(membership.member_id, given=GIVEN_SHOWN, submissions=SUBMISSIONS_SHOWN)
    return MemberSummary(membership, memberships, runs(memberships), report, activity)


@dataclass(frozen=True, slots=True)
class AdminView:
    """One community as its admin sees it on a phone: the dashboard's overview and top members
    for the period, and the settings.

    Extension point (operations and fair play): the watchdog's anomalies, the kill switch and the
    appeals queue belong here once they land, each read (and acted on) through its own use case
    and scoped by the same Viewer; on the page in app.js (``ADMIN_SECTIONS``)."""

    community_id: int
    title: str
    is_paused: bool
    pause_reason: str | None
    overview: Overview
    top_members: list[MemberView]
    settings: CommunitySettings


def admin_view(
    dashboard_reader: DashboardReader,
    app_reader: MiniAppReader,
    *,
    telegram_user_id: int,
    community_id: int,
    period: Period,
    today: date,
) -> AdminView:
    """Raises NotYourCommunity unless the user runs the community now, CommunityNotFound."""
    memberships = app_reader.memberships(telegram_user_id)
    viewer = viewer_of(telegram_user_id, memberships)
    viewer.scope(community_id)
    membership = next(m for m in memberships if m.community_id == community_id)
    settings = app_reader.settings(community_id)
    if settings is None:
        raise CommunityNotFound(community_id)
    # One community: its period ranking reads that community's days only (never the operator's
    # ranking across every community, the one the dashboard benchmark finds slow).
    overview = dashboard_service.overview(
        dashboard_reader, viewer=viewer, period=period, community_id=community_id, today=today
    )
    top = dashboard_service.users(
        dashboard_reader,
        viewer=viewer,
        community_id=community_id,
        min_interactions=0,
        limit=TOP_MEMBERS_SHOWN,
        period=period,
        today=today,
    )
    return AdminView(
        community_id=community_id,
        title=membership.community_title,
        is_paused=membership.is_paused,
        pause_reason=membership.pause_reason,
        overview=overview,
        top_members=top,
        settings=settings,
    )


def change_settings(
    uow: UnitOfWork,
    app_reader: MiniAppReader,
    *,
    telegram_user_id: int,
    community_id: int,
    now: datetime,
    **changes: Any,
) -> CommunitySettings:
    """Changes the community's settings through the bot's own use case (``update_settings``),
    audited as the bot's settings menu is: by the admin's member id, with what changed. Raises
    NotYourCommunity, NotAnAdmin (demoted in between) or InvalidSettings."""
    memberships = app_reader.memberships(telegram_user_id)
    viewer_of(telegram_user_id, memberships).scope(community_id)
    admin = next(m for m in memberships if m.community_id == community_id)
    return community_service.update_settings(uow, actor_member_id=admin.member_id, now=now, **changes)
