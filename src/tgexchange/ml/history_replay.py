"""The reciprocity model's view of the history: every member's and community's state, events
applied in time order (``HistoryReplay``), so that features taken at a moment see only what
happened before it (ml/features.py turns a state into the model's row)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tgexchange.domain.quality import QualityRule
from tgexchange.domain.reciprocity import GroupRecord, MemberRecord, TaskRecord, label_of
from tgexchange.domain.task import TaskStatus

RECENT_TASK_DECAY = 0.85
RECENT_HALF_LIFE_DAYS = 7.0
HOURS_CAP = 72.0
_DAY_S = 86400.0
_QUALITY_RULES = frozenset(rule.value for rule in QualityRule)


@dataclass(slots=True)
class MemberState:
    community_id: int
    joined_at: datetime | None = None
    taken: int = 0
    verified: int = 0
    failed: int = 0  # rejected by the giver's fault, or expired
    expired: int = 0
    skipped: int = 0
    quality_rejections: int = 0
    received: int = 0
    open: int = 0
    streak: int = 0
    last_verified_at: datetime | None = None
    toxicity_sum: float = 0.0
    toxicity_n: int = 0
    recent_verified: float = 0.0  # decayed per judged task
    recent_judged: float = 0.0
    week_verified: float = 0.0  # decayed in time, as of ``week_at``
    week_judged: float = 0.0
    week_at: datetime | None = None
    waiting: dict[int, datetime] = field(default_factory=dict)  # task id → given at: not yet said done
    done_hours: float = 0.0  # summed over the tasks said done
    done: int = 0
    last_done_at: datetime | None = None
    # Times within the last day (skips) or hour (given) of the replay's moment, oldest first:
    # events arrive in time order, so older ones are dropped from the left (``recent_count``).
    skipped_at: deque[datetime] = field(default_factory=deque)
    given_at: deque[datetime] = field(default_factory=deque)
    # Members flagged in a group with this one → in how many such groups not cleared since.
    partners: dict[int, int] = field(default_factory=dict)
    submitted_at: datetime | None = None  # of the newest of the member's content handed out so far

    def judge(self, verified: bool, at: datetime | None) -> None:
        """Adds one judged outcome to the decayed windows."""
        self.recent_verified = self.recent_verified * RECENT_TASK_DECAY + verified
        self.recent_judged = self.recent_judged * RECENT_TASK_DECAY + 1
        if at is not None:
            fade = self.week_fade(at)
            self.week_verified = self.week_verified * fade + verified
            self.week_judged = self.week_judged * fade + 1
            self.week_at = at if self.week_at is None else max(self.week_at, at)

    def week_fade(self, at: datetime) -> float:
        if self.week_at is None:
            return 1.0
        days = max(0.0, (at - self.week_at).total_seconds() / _DAY_S)
        return float(0.5 ** (days / RECENT_HALF_LIFE_DAYS))

    @property
    def judged(self) -> int:
        return self.verified + self.failed


@dataclass(slots=True)
class CommunityState:
    assigned: int = 0
    verified: int = 0


@dataclass(slots=True)
class HistoryReplay:
    """The state of every member and community, events applied in time order. Apply a moment's
    events only after taking the features at that moment."""

    members: dict[int, MemberState] = field(default_factory=dict)
    communities: dict[int, CommunityState] = field(default_factory=dict)

    def join(self, record: MemberRecord) -> None:
        self._member(record.member_id, record.community_id).joined_at = record.joined_at

    def _member(self, member_id: int, community_id: int) -> MemberState:
        found = self.members.get(member_id)
        if found is None:
            found = self.members[member_id] = MemberState(community_id)
        return found

    def _community(self, community_id: int) -> CommunityState:
        found = self.communities.get(community_id)
        if found is None:
            found = self.communities[community_id] = CommunityState()
        return found

    def assign(self, record: TaskRecord) -> None:
        giver = self._member(record.giver_id, record.community_id)
        giver.taken += 1
        giver.open += 1
        giver.waiting[record.task_id] = record.assigned_at
        giver.given_at.append(record.assigned_at)
        self._community(record.community_id).assigned += 1
        if record.submitted_at is not None:
            owner = self._member(record.owner_id, record.community_id)
            if owner.submitted_at is None or record.submitted_at > owner.submitted_at:
                owner.submitted_at = record.submitted_at

    def flag(self, group: GroupRecord, *, cleared: bool = False) -> None:
        """Each member of a flagged group is a partner of the others from then on, until an
        admin clears the group (``cleared``), unless another group still holds the two."""
        step = -1 if cleared else 1
        for member_id in group.member_ids:
            partners = self._member(member_id, group.community_id).partners
            for other in group.member_ids:
                if other != member_id:
                    count = partners.get(other, 0) + step
                    if count > 0:
                        partners[other] = count
                    else:
                        partners.pop(other, None)

    def said_done(self, record: TaskRecord) -> None:
        giver = self._member(record.giver_id, record.community_id)
        if giver.waiting.pop(record.task_id, None) is None or record.done_at is None:
            return
        hours = (record.done_at - record.assigned_at).total_seconds() / 3600
        giver.done_hours += min(HOURS_CAP, max(0.0, hours))
        giver.done += 1
        giver.last_done_at = record.done_at

    def decide(self, record: TaskRecord) -> None:
        giver = self._member(record.giver_id, record.community_id)
        giver.open = max(0, giver.open - 1)
        giver.waiting.pop(record.task_id, None)
        status = record.status
        if status is TaskStatus.VERIFIED:
            giver.verified += 1
            giver.streak += 1
            giver.last_verified_at = record.decided_at
            if record.toxicity is not None:
                giver.toxicity_sum += record.toxicity
                giver.toxicity_n += 1
            self._member(record.owner_id, record.community_id).received += 1
            self._community(record.community_id).verified += 1
            giver.judge(True, record.decided_at)
        elif status is TaskStatus.SKIPPED:
            giver.skipped += 1
            if record.decided_at is not None:
                giver.skipped_at.append(record.decided_at)
        elif label_of(record) == 0:
            giver.judge(False, record.decided_at)
            giver.failed += 1
            giver.streak = 0
            if status is TaskStatus.EXPIRED:
                giver.expired += 1
            elif record.reason in _QUALITY_RULES:
                giver.quality_rejections += 1


def recent_count(times: deque[datetime], at: datetime, window: timedelta) -> float:
    """How many of ``times`` (all at or before ``at``) fall within ``window`` before it; forgets
    the older ones."""
    while times and at - times[0] >= window:
        times.popleft()
    return float(len(times))


ASSIGNMENT, SAID_DONE, DECISION, FLAGGED, CLEARED = 0, 1, 2, 3, 4
Event = tuple[datetime, int, TaskRecord | GroupRecord]


def events(tasks: Iterable[TaskRecord], groups: Iterable[GroupRecord] = ()) -> list[Event]:
    """Assignments, tasks said done, decisions, groups flagged and cleared, in time order; at one instant,
    assignments come first, so a task's features never see anything that happened at the moment
    it was given."""

    def each() -> Iterator[tuple[datetime, int, int, TaskRecord | GroupRecord]]:
        for record in tasks:
            yield record.assigned_at, ASSIGNMENT, record.task_id, record
            if record.done_at is not None:
                yield record.done_at, SAID_DONE, record.task_id, record
            if record.decided_at is not None and record.status.is_final:
                yield record.decided_at, DECISION, record.task_id, record
        for index, group in enumerate(groups):
            yield group.flagged_at, FLAGGED, index, group
            if group.cleared_at is not None:
                yield group.cleared_at, CLEARED, index, group

    return [(at, phase, record) for at, phase, _, record in sorted(each(), key=lambda event: event[:3])]


def apply(replay: HistoryReplay, phase: int, record: TaskRecord | GroupRecord) -> None:
    if isinstance(record, GroupRecord):
        replay.flag(record, cleared=phase == CLEARED)
    elif phase == ASSIGNMENT:
        replay.assign(record)
    elif phase == SAID_DONE:
        replay.said_done(record)
    else:
        replay.decide(record)
