"""What the Mini App's API answers and accepts (documented in the OpenAPI schema with the rest)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.dashboard import Period
from tgexchange.domain.errors import InvalidSettings
from tgexchange.domain.languages import LANGUAGES
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.reliability import ENOUGH_HISTORY
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import TaskStatus
from tgexchange.services.miniapp import SETTING_STEPS, AdminView, MemberSummary
from tgexchange.services.ports import AppMembership
from tgexchange.web.schemas import OverviewOut, UserOut


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class AppCommunityOut(_Out):
    id: int
    title: str
    runs: bool = Field(description="The user is an admin of it (not banned): the admin view is theirs.")
    is_paused: bool
    pause_reason: str | None

    @classmethod
    def of(cls, m: AppMembership, runs: dict[int, str]) -> AppCommunityOut:
        return cls(
            id=m.community_id,
            title=m.community_title,
            runs=m.community_id in runs,
            is_paused=m.is_paused,
            pause_reason=m.pause_reason,
        )


class ReliabilityOut(_Out):
    percent: int = Field(description="The smoothed verified share, rounded as the bot rounds it.")
    verified: int
    decided: int = Field(description="Verified, rejected (the giver's fault) or expired.")
    enough_history: bool = Field(
        description=f"At least {ENOUGH_HISTORY} decided tasks; until then the page shows 'new, verified/decided ✅'."
    )


class StatsOut(_Out):
    tasks_taken: int
    verified: int
    rejected: int
    expired: int
    skipped: int
    feedback_received: int


class ChannelOut(_Out):
    platform: Platform
    name: str


class CreditsOut(_Out):
    received: dict[PostingKind, int] = Field(description="Credits in, by kind (welcome, payout, refund, grant).")
    spent: dict[PostingKind, int] = Field(description="Credits out, by kind (escrow: put into requests for feedback).")
    held: int = Field(description="Of what was spent, still held in escrow by the member's open requests.")


class OpenTaskOut(_Out):
    id: int
    status: TaskStatus
    platform: Platform
    title: str
    url: str
    credits: int
    assigned_at: datetime
    deadline_at: datetime


class GivenOut(_Out):
    id: int
    status: TaskStatus
    reason: str | None
    platform: Platform
    title: str
    credits: int
    assigned_at: datetime
    decided_at: datetime | None


class ReceivedFeedbackOut(_Out):
    task_id: int
    giver: str
    status: TaskStatus
    reason: str | None
    decided_at: datetime | None


class ReceivedOut(_Out):
    submission_id: int
    status: SubmissionStatus
    platform: Platform
    title: str
    url: str
    feedback_wanted: int
    tasks_verified: int
    created_at: datetime
    feedback: list[ReceivedFeedbackOut]


class MeOut(_Out):
    now: datetime = Field(description="The server's clock: deadlines read relative to it.")
    user_id: int
    language: str = Field(description="The member's language (the bot's /language).")
    community: AppCommunityOut
    communities: list[AppCommunityOut] = Field(description="Every community the user is a member of, oldest first.")
    member_id: int
    display_name: str
    status: MemberStatus
    balance: int = Field(description="The same figure as the bot's /balance.")
    stats: StatsOut
    reliability: ReliabilityOut
    channels: list[ChannelOut]
    credits: CreditsOut
    open_tasks: list[OpenTaskOut]
    given: list[GivenOut] = Field(description="Tasks taken, newest first; the first five are /me's history.")
    received: list[ReceivedOut] = Field(description="The latest submissions, newest first, with their feedback.")

    @classmethod
    def of(cls, summary: MemberSummary, *, user_id: int, now: datetime) -> MeOut:
        m, report, activity = summary.membership, summary.report, summary.activity
        s = report.stats
        return cls(
            now=now,
            user_id=user_id,
            language=m.language if m.language in LANGUAGES else LANGUAGES[0],
            community=AppCommunityOut.of(m, summary.runs),
            communities=[AppCommunityOut.of(one, summary.runs) for one in summary.memberships],
            member_id=m.member_id,
            display_name=m.display_name,
            status=m.status,
            balance=report.balance,
            stats=StatsOut(
                tasks_taken=s.tasks_taken,
                verified=s.verified,
                rejected=s.rejected,
                expired=s.expired,
                skipped=s.skipped,
                feedback_received=s.feedback_received,
            ),
            reliability=ReliabilityOut(
                percent=round(s.reliability * 100),
                verified=s.verified,
                decided=s.decided,
                enough_history=s.decided >= ENOUGH_HISTORY,
            ),
            channels=[ChannelOut(platform=c.platform, name=c.name or c.channel_id) for c in report.channels],
            credits=CreditsOut(
                received=activity.credits.received, spent=activity.credits.spent, held=activity.credits.held
            ),
            open_tasks=[OpenTaskOut.model_validate(t, from_attributes=True) for t in activity.open_tasks],
            given=[GivenOut.model_validate(t, from_attributes=True) for t in activity.given],
            received=[
                ReceivedOut(
                    submission_id=r.submission_id,
                    status=r.status,
                    platform=r.platform,
                    title=r.title,
                    url=r.url,
                    feedback_wanted=r.feedback_wanted,
                    tasks_verified=r.tasks_verified,
                    created_at=r.created_at,
                    feedback=[ReceivedFeedbackOut.model_validate(f, from_attributes=True) for f in r.feedback],
                )
                for r in activity.received
            ],
        )


class NumberSettingOut(_Out):
    name: str
    value: int = Field(description="task_deadline in hours, like the bot's menu.")
    step: int = Field(description="How far one tap of − or + moves it.")


class SettingsOut(_Out):
    numbers: list[NumberSettingOut]
    allowed_platforms: list[Platform]
    platforms: list[Platform] = Field(description="Every platform, in the order the menu shows them.")
    group_language: str | None = Field(description="null: each person's own language.")
    languages: list[str]

    @classmethod
    def of(cls, settings: CommunitySettings) -> SettingsOut:
        return cls(
            numbers=[
                NumberSettingOut(name=name, value=setting_value(settings, name), step=step)
                for name, step in SETTING_STEPS.items()
            ],
            allowed_platforms=[p for p in Platform if p in settings.allowed_platforms],
            platforms=list(Platform),
            group_language=settings.group_language,
            languages=list(LANGUAGES),
        )


def setting_value(settings: CommunitySettings, name: str) -> int:
    if name == "task_deadline":
        return int(settings.task_deadline.total_seconds() // 3600)
    value: int = getattr(settings, name)
    return value


class AdminOut(_Out):
    community_id: int
    title: str
    is_paused: bool
    pause_reason: str | None
    period: Period
    overview: OverviewOut
    top_members: list[UserOut]
    settings: SettingsOut

    @classmethod
    def of(cls, view: AdminView) -> AdminOut:
        return cls(
            community_id=view.community_id,
            title=view.title,
            is_paused=view.is_paused,
            pause_reason=view.pause_reason,
            period=view.overview.period,
            overview=OverviewOut.of(view.overview),
            top_members=[UserOut.of(m) for m in view.top_members],
            settings=SettingsOut.of(view.settings),
        )


class SettingsIn(BaseModel):
    """The settings to change; the others stay as they are. Values are checked by the domain (the
    same bounds as the bot's menu), which refuses with 422."""

    model_config = ConfigDict(extra="forbid")

    credits_per_feedback: StrictInt | None = None
    min_words: StrictInt | None = None
    max_open_tasks_per_member: StrictInt | None = None
    task_deadline: StrictInt | None = Field(default=None, description="Hours.")
    welcome_credits: StrictInt | None = None
    max_feedback_per_submission: StrictInt | None = None
    default_feedback_per_submission: StrictInt | None = None
    penalty_cooldown_hours: StrictInt | None = None
    warning_expiry_days: StrictInt | None = None
    health_threshold_pct: StrictInt | None = Field(default=None, description="Hundredths; 0: no health cooldown.")
    admission_cap_per_day: StrictInt | None = Field(default=None, description="Newcomers a UTC day; 0: no cap.")
    allowed_platforms: list[Platform] | None = None
    group_language: Literal["auto", "en", "es"] | None = Field(default=None, description="auto: each person's own.")

    def changes(self) -> dict[str, Any]:
        """The use case's keyword arguments (update_settings)."""
        given = self.model_dump(exclude_none=True)
        if "task_deadline" in given:
            try:
                given["task_deadline"] = timedelta(hours=given["task_deadline"])
            except OverflowError:  # beyond timedelta (a billion days): a 500 before (found by bench/fuzz.py)
                raise InvalidSettings("task deadline must be between 1 hour and 30 days") from None
        if "allowed_platforms" in given:
            given["allowed_platforms"] = frozenset(Platform(p) for p in given["allowed_platforms"])
        if "group_language" in given:
            given["group_language"] = None if given["group_language"] == "auto" else given["group_language"]
        return given
