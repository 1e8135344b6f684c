"""The dashboard's running totals: what each task event adds, and the ratios read from the sums.

Rollups are counters per community × UTC day × platform (and per community × platform for all
time), plus rejections per community × UTC hour × reason. Each task event adds to exactly one
bucket of each, on the day the event happened, so the totals can be kept in the same transaction
as the transition and recomputed from the tasks table alone (``tgexchange rollups rebuild``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime

from tgexchange.domain.content import Platform
from tgexchange.domain.events import (
    Event,
    TaskAssigned,
    TaskCancelled,
    TaskEvent,
    TaskExpired,
    TaskRejected,
    TaskSkipped,
    TaskVerified,
)
from tgexchange.domain.task import NO_FAULT_REASONS

SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True, order=True)
class DayKey:
    community_id: int
    day: date
    platform: Platform


@dataclass(frozen=True, slots=True, order=True)
class RejectionKey:
    community_id: int
    hour: int  # whole hours since the Unix epoch, UTC
    reason: str


@dataclass(frozen=True, slots=True, order=True)
class MemberDayKey:
    community_id: int
    day: date
    member_id: int


@dataclass(slots=True)
class MemberCounts:
    """One member's counts on one UTC day: the same counters as ``member_stats``, each on the day
    its event happened, so that over every day they add up to the member's stats."""

    tasks_taken: int = 0
    verified: int = 0
    rejected: int = 0  # the giver's fault only, as in member_stats
    expired: int = 0
    skipped: int = 0
    feedback_received: int = 0

    def add(self, other: MemberCounts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True)
class Counts:
    """Tasks assigned, and tasks that reached each final status, in one bucket. ``verify_s`` sums
    the seconds from assignment to verification of the verified ones."""

    assigned: int = 0
    verified: int = 0
    rejected: int = 0
    expired: int = 0
    skipped: int = 0
    cancelled: int = 0
    credits_moved: int = 0
    verify_s: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def is_empty(self) -> bool:
        return not any(self.as_dict().values())

    @property
    def finished(self) -> int:
        return self.verified + self.rejected + self.expired + self.skipped + self.cancelled

    @property
    def decided(self) -> int:
        """Tasks whose outcome says something about the giver: verified, rejected or expired
        (skipped and cancelled tasks were handed back before anyone could judge them)."""
        return self.verified + self.rejected + self.expired

    @property
    def open(self) -> int:
        """Assigned and not finished yet. Only meaningful over all time: within a window, a task
        may be assigned before it and finish inside it."""
        return max(self.assigned - self.finished, 0)

    @property
    def success_rate(self) -> float | None:
        """Verified share of decided tasks; None when nothing was decided."""
        return _ratio(self.verified, self.decided)

    @property
    def feedback_given(self) -> int:
        """Feedback handed in by givers and judged: verified or rejected."""
        return self.verified + self.rejected

    @property
    def roi(self) -> float | None:
        """Feedback received per feedback given (see docs/DESIGN-NOTES.md, "Dashboard")."""
        return _ratio(self.verified, self.feedback_given)

    @property
    def efficiency(self) -> float | None:
        """Verified feedback per task handed out."""
        return _ratio(self.verified, self.assigned)

    @property
    def mean_verify_s(self) -> float | None:
        return _ratio(self.verify_s, self.verified)


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class RollupDeltas:
    """What a batch of events adds to the rollups."""

    days: dict[DayKey, Counts]
    rejections: dict[RejectionKey, int]
    members: dict[MemberDayKey, MemberCounts] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not self.days and not self.rejections and not self.members


def day_of(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def hour_of(moment: datetime) -> int:
    return int(moment.timestamp()) // SECONDS_PER_HOUR


def deltas_for(events: Iterable[Event]) -> RollupDeltas:
    """Sums the task events into buckets; other events add nothing."""
    days: dict[DayKey, Counts] = {}
    rejections: dict[RejectionKey, int] = {}
    members: dict[MemberDayKey, MemberCounts] = {}
    for event in events:
        if not isinstance(event, TaskEvent):
            continue
        counts = _counts_for(event)
        if counts is None:
            continue
        day = day_of(event.occurred_at)
        key = DayKey(event.community_id, day, event.platform)
        days.setdefault(key, Counts()).add(counts)
        if isinstance(event, TaskRejected):
            rejection = RejectionKey(event.community_id, hour_of(event.occurred_at), event.reason)
            rejections[rejection] = rejections.get(rejection, 0) + 1
        for member_id, member_counts in _member_counts_for(event):
            members.setdefault(MemberDayKey(event.community_id, day, member_id), MemberCounts()).add(member_counts)
    return RollupDeltas(days=days, rejections=rejections, members=members)


def _member_counts_for(event: TaskEvent) -> list[tuple[int, MemberCounts]]:
    """What the event adds to its members' day, as services/ledger.py adds it to member_stats."""
    if isinstance(event, TaskAssigned):
        return [(event.giver_id, MemberCounts(tasks_taken=1))]
    if isinstance(event, TaskVerified):
        return [(event.giver_id, MemberCounts(verified=1)), (event.owner_id, MemberCounts(feedback_received=1))]
    if isinstance(event, TaskRejected):
        return [] if event.reason in NO_FAULT_REASONS else [(event.giver_id, MemberCounts(rejected=1))]
    if isinstance(event, TaskExpired):
        return [(event.giver_id, MemberCounts(expired=1))]
    if isinstance(event, TaskSkipped):
        return [(event.giver_id, MemberCounts(skipped=1))]
    return []


_ONE_COUNTER: dict[type[TaskEvent], str] = {
    TaskAssigned: "assigned",
    TaskRejected: "rejected",
    TaskExpired: "expired",
    TaskSkipped: "skipped",
    TaskCancelled: "cancelled",
}


def _counts_for(event: TaskEvent) -> Counts | None:
    if isinstance(event, TaskVerified):
        # Whole seconds, as the rebuild computes them from the stored timestamps.
        waited = int(event.occurred_at.timestamp()) - int(event.assigned_at.timestamp())
        return Counts(verified=1, credits_moved=event.credits, verify_s=max(waited, 0))
    counter = _ONE_COUNTER.get(type(event))
    return None if counter is None else Counts(**{counter: 1})


# A member is trusted once enough of their work was judged and most of it held up.
TRUSTED_MIN_DECIDED = 5
TRUSTED_MIN_RELIABILITY = 0.8


def is_trusted(*, decided: int, reliability: float, banned: bool) -> bool:
    return not banned and decided >= TRUSTED_MIN_DECIDED and reliability >= TRUSTED_MIN_RELIABILITY


def member_roi(*, received: int, given: int) -> float | None:
    """Feedback the member received per feedback they handed in; None before they gave any."""
    return _ratio(received, given)
