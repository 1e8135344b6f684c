"""What the dashboard API answers: typed response models, documented in the OpenAPI schema."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from tgexchange.domain.content import Platform
from tgexchange.domain.dashboard import Period
from tgexchange.domain.rollup import Counts
from tgexchange.services.dashboard import Errors, GroupOrder, MemberView, Overview
from tgexchange.services.ports import CommunityCounts, PlatformCounts

Ratio = float | None


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class OutcomeCounts(_Out):
    """Tasks that reached each final status."""

    verified: int
    rejected: int
    expired: int
    skipped: int
    cancelled: int

    @classmethod
    def of(cls, counts: Counts) -> OutcomeCounts:
        return cls(
            verified=counts.verified,
            rejected=counts.rejected,
            expired=counts.expired,
            skipped=counts.skipped,
            cancelled=counts.cancelled,
        )


class Totals(_Out):
    tasks: int = Field(description="Tasks handed out (assigned) in the period.")
    verified: int
    decided: int = Field(description="Verified, rejected or expired in the period.")
    success_rate: Ratio = Field(description="verified / decided; null when nothing was decided.")
    open: int | None = Field(description="Tasks still in flight; only for the period 'all'.")


class Reciprocity(_Out):
    feedback_given: int = Field(description="Feedback handed in and judged (verified + rejected).")
    feedback_received: int = Field(description="Verified feedback the owners received.")
    roi: Ratio = Field(description="feedback_received / feedback_given.")


class PlatformTasks(_Out):
    platform: Platform
    tasks: int
    verified: int


class DayPoint(_Out):
    day: date
    verified: int
    partial: bool = Field(description="Today: the day is not over, so its count is still growing.")


class AskedInVainOut(_Out):
    members: int = Field(description="Members who asked for a task in the period and, at least once, found none.")
    member_hours: int = Field(
        description="Hours in which a member asked and found none, each member's hour counted once: demand for tasks"
        " that the community's open content did not meet (more content, or members on more platforms, would)."
    )


class OverviewOut(_Out):
    period: Period
    community_id: int | None
    totals: Totals
    reciprocity: Reciprocity
    credits_moved: int
    outcomes: OutcomeCounts
    platforms: list[PlatformTasks]
    verified_per_day: list[DayPoint] = Field(
        description="UTC days up to today; for the period 'all', from the first day with any task among the last 90."
    )
    asked_in_vain: AskedInVainOut

    @classmethod
    def of(cls, view: Overview) -> OverviewOut:
        c = view.totals
        return cls(
            period=view.period,
            community_id=view.community_id,
            totals=Totals(
                tasks=c.assigned,
                verified=c.verified,
                decided=c.decided,
                success_rate=c.success_rate,
                open=c.open if view.period is Period.ALL else None,
            ),
            reciprocity=Reciprocity(feedback_given=c.feedback_given, feedback_received=c.verified, roi=c.roi),
            credits_moved=c.credits_moved,
            outcomes=OutcomeCounts.of(c),
            platforms=[
                PlatformTasks(platform=p.platform, tasks=p.counts.assigned, verified=p.counts.verified)
                for p in view.platforms
            ],
            verified_per_day=[
                DayPoint(day=d.day, verified=d.verified, partial=d.day == view.today) for d in view.verified_per_day
            ],
            asked_in_vain=AskedInVainOut(
                members=view.asked_in_vain.members, member_hours=view.asked_in_vain.member_hours
            ),
        )


class GroupOut(_Out):
    community_id: int
    title: str
    interactions: int = Field(description="Tasks handed out.")
    support_given: int = Field(description="Feedback the members handed in (verified + rejected).")
    support_received: int = Field(description="Verified feedback the members received.")
    roi_ratio: Ratio = Field(description="support_received / support_given.")
    efficiency: Ratio = Field(description="Verified feedback per task handed out.")
    success_rate: Ratio
    credits_moved: int

    @classmethod
    def of(cls, row: CommunityCounts) -> GroupOut:
        c = row.counts
        return cls(
            community_id=row.community_id,
            title=row.title,
            interactions=c.assigned,
            support_given=c.feedback_given,
            support_received=c.verified,
            roi_ratio=c.roi,
            efficiency=c.efficiency,
            success_rate=c.success_rate,
            credits_moved=c.credits_moved,
        )


class GroupsOut(_Out):
    period: Period
    sort_by: GroupOrder
    items: list[GroupOut]


class UserOut(_Out):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    member_id: int
    community_id: int
    display_name: str
    username: str | None = Field(description="The member's Telegram @username (without the @), when they have one.")
    status: str
    interactions: int = Field(description="Tasks taken in the period.")
    completed: int = Field(description="Tasks verified in the period.")
    failed: int = Field(description="Tasks rejected (the giver's fault) or expired in the period.")
    feedback_given: int = Field(description="Feedback handed in and judged in the period (verified + rejected).")
    feedback_received: int = Field(description="Verified feedback the member received in the period.")
    reliability: float = Field(description="All time: verified share of decided tasks, smoothed toward 1/2.")
    trusted: bool = Field(description="All time: at least 5 decided tasks and reliability of 0.8 or more; not banned.")
    roi: Ratio = Field(description="feedback_received / feedback_given in the period; null before any was given.")
    predicted_reciprocity: float | None = Field(
        default=None,
        description="The reciprocity model's latest estimate that a task given to this member ends in verified "
        "feedback, times their pace of taking tasks at all against the community's (an hour in which they asked and "
        "none was there counts as one taken; 1 while they keep up with half its rate; 0..1); null before the member "
        "was first scored.",
    )

    @classmethod
    def of(cls, view: MemberView) -> UserOut:
        return cls.model_validate(view)


class UsersOut(_Out):
    period: Period
    items: list[UserOut]


class PlatformOut(_Out):
    platform: Platform
    label: str
    tasks: int
    success_rate: Ratio
    mean_verify_s: float | None = Field(description="Mean seconds from assignment to verification.")
    outcomes: OutcomeCounts

    @classmethod
    def of(cls, row: PlatformCounts) -> PlatformOut:
        c = row.counts
        return cls(
            platform=row.platform,
            label=row.platform.label,
            tasks=c.assigned,
            success_rate=c.success_rate,
            mean_verify_s=c.mean_verify_s,
            outcomes=OutcomeCounts.of(c),
        )


class PlatformsOut(_Out):
    period: Period
    items: list[PlatformOut]


Source = Literal["job", "rejection"]


class FailureTypeOut(_Out):
    source: Source
    type: str
    count: int


class FailureOut(_Out):
    at: datetime
    source: Source
    type: str
    platform: Platform | None
    community_id: int | None
    member: str | None = Field(description="The giver, for rejections.")
    detail: str


class ErrorsOut(_Out):
    hours: int
    since: datetime
    total: int
    by_type: list[FailureTypeOut]
    recent: list[FailureOut]

    @classmethod
    def of(cls, view: Errors) -> ErrorsOut:
        return cls(
            hours=view.hours,
            since=view.since,
            total=sum(c.count for c in view.by_type),
            by_type=[FailureTypeOut(source=_source(c.source), type=c.type, count=c.count) for c in view.by_type],
            recent=[
                FailureOut(
                    at=r.at,
                    source=_source(r.source),
                    type=r.type,
                    platform=r.platform,
                    community_id=r.community_id,
                    member=r.member,
                    detail=r.detail,
                )
                for r in view.recent
            ],
        )


def _source(value: str) -> Source:
    return "job" if value == "job" else "rejection"


class CommunityOut(_Out):
    id: int
    title: str


class CommunitiesOut(_Out):
    is_operator: bool
    items: list[CommunityOut]


class Health(_Out):
    status: Literal["ok"]


class Readiness(_Out):
    status: Literal["ready", "not_ready"]
    database: bool
    migrations_at_head: bool


class CalibrationPointOut(_Out):
    predicted: float = Field(description="Mean predicted probability in the bin.")
    observed: float = Field(description="Share of those tasks that ended in verified feedback.")
    count: int


class ServedOut(_Out):
    """The model members are matched by: the same recipe refitted on every task."""

    train: int = Field(description="Tasks it was fitted on (all but the newest fifth).")
    calibration: int = Field(description="The newest tasks, which calibrate its probabilities.")


class ModelOut(_Out):
    """The reciprocity model in use: when it was trained, on how much, and how it did on the newest
    tasks it never saw, beside the members' own records (the baseline)."""

    version: str | None = Field(description="Null before any model was promoted (matching uses members' records).")
    trained_at: str | None = None
    estimator: str | None = None
    samples: dict[str, int] = Field(
        default_factory=dict, description="Tasks used to train, calibrate and test the model these scores measure."
    )
    served: ServedOut | None = Field(
        default=None, description="The model in use, refitted on every task; null for a version saved before it."
    )
    roc_auc: float | None = None
    baseline_auc: float | None = Field(default=None, description="The members' own smoothed records, same tasks.")
    brier: float | None = None
    baseline_brier: float | None = None
    ece: float | None = Field(default=None, description="Expected calibration error after calibration.")
    ece_before_calibration: float | None = None
    calibration: list[CalibrationPointOut] = Field(default_factory=list)
