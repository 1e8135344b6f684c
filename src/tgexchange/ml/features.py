"""The reciprocity model's features: one definition for training and serving.

A member's features at a moment are computed from what happened *before* that moment only: the
history is replayed in time order (``HistoryReplay``), and each task's features are taken from the
state at its assignment, before anything at or after that instant is applied. Training replays
the whole history and takes a snapshot at every assignment; serving replays it up to now and takes
one snapshot per member (``snapshot``). Both go through ``_vector``, so the two cannot drift.

Each feature, in one line (the original design's eight first):
- ``community_efficiency``: the community's verified tasks per task handed out (Beta(1, 1)).
- ``reliability``: the member's verified share of their judged tasks (Beta(1, 1)), as members see it.
- ``platform_*``: the task's platform, one-hot.
- ``recency_days``: days since the member's last verified feedback, capped at 60 (60 if never).
- ``kind_*``: the kind of content the task is about (video, short, post, reel), one-hot.
- ``reciprocity``: feedback the member gave (verified) per feedback received, +1 smoothed, capped at 5.
- ``toxicity_inverted``: 1 − the mean toxicity of the member's accepted feedback (1 before any).
- ``engagement``: the share of the tasks the member took that they did not skip (Beta(1, 1)).
- ``hour_sin``, ``hour_cos``: the hour of day (UTC) of the assignment, on a circle.
- ``open_tasks``: tasks the member had open when this one was given.
- ``streak``: verified tasks in a row since the member's last failed one, capped at 20.
- ``quality_rejections``: the share of the member's judged tasks refused by a quality rule.
- ``expired_share``: the share of the member's judged tasks that expired.
- ``account_age_days``: days since the member joined, capped at 365.
- ``history``: log(1 + the member's judged tasks): how much the others can be trusted.
- ``recent_reliability``: the verified share of the member's judged tasks, each older one weighing
  ``RECENT_TASK_DECAY`` times the next (about their last seven), Beta(1, 1): people change.
- ``recent_week_reliability``: the same with weights halving every ``RECENT_HALF_LIFE_DAYS`` days
  of time before the moment (a busy week shows here first).
- ``hours_to_done``: the mean hours from being given a task to saying it was done, over the
  member's tasks said done (each capped at ``HOURS_CAP``; ``HOURS_CAP`` before any): how they work.
- ``waiting_hours``: hours since the oldest task the member has neither said done nor seen decided
  was given, capped at ``HOURS_CAP`` (0 if none): a task left longer than they usually take says
  "not now" days before it expires.
- ``hours_since_done``: hours since the member last said a task was done, capped at
  ``SINCE_DONE_CAP`` (the cap if never): a busy spell shows here before any task expires.
- ``skips_last_day``: tasks the member skipped in the day before the moment: someone choosing
  what to serve (a ring waits for its partners' content this way).
- ``tasks_last_hour``: tasks given to the member in the hour before the moment (this one not
  counted): asking for another one at once usually means the one before was skipped.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.quality import QualityRule
from tgexchange.domain.reciprocity import MemberRecord, TaskRecord, label_of
from tgexchange.domain.task import TaskStatus

RECENCY_CAP_DAYS = 60.0
RECIPROCITY_CAP = 5.0
STREAK_CAP = 20
AGE_CAP_DAYS = 365.0
RECENT_TASK_DECAY = 0.85
RECENT_HALF_LIFE_DAYS = 7.0
HOURS_CAP = 72.0
SINCE_DONE_CAP = 336.0
_LAST_DAY = timedelta(days=1)
_LAST_HOUR = timedelta(hours=1)
_DAY_S = 86400.0
_QUALITY_RULES = frozenset(rule.value for rule in QualityRule)
_KINDS = (ContentKind.VIDEO, ContentKind.SHORT, ContentKind.POST, ContentKind.REEL)

FEATURE_NAMES: tuple[str, ...] = (
    "community_efficiency",
    "reliability",
    *(f"platform_{p.value}" for p in Platform),
    "recency_days",
    *(f"kind_{k.value}" for k in _KINDS),
    "reciprocity",
    "toxicity_inverted",
    "engagement",
    "hour_sin",
    "hour_cos",
    "open_tasks",
    "streak",
    "quality_rejections",
    "expired_share",
    "account_age_days",
    "history",
    "recent_reliability",
    "recent_week_reliability",
    "hours_to_done",
    "waiting_hours",
    "hours_since_done",
    "skips_last_day",
    "tasks_last_hour",
)


@dataclass(slots=True)
class _Member:
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
    # events arrive in time order, so older ones are dropped from the left (``_recent``).
    skipped_at: deque[datetime] = field(default_factory=deque)
    given_at: deque[datetime] = field(default_factory=deque)

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
class _Community:
    assigned: int = 0
    verified: int = 0


@dataclass(slots=True)
class HistoryReplay:
    """The state of every member and community, events applied in time order. Apply a moment's
    events only after taking the features at that moment."""

    members: dict[int, _Member] = field(default_factory=dict)
    communities: dict[int, _Community] = field(default_factory=dict)

    def join(self, record: MemberRecord) -> None:
        self._member(record.member_id, record.community_id).joined_at = record.joined_at

    def _member(self, member_id: int, community_id: int) -> _Member:
        found = self.members.get(member_id)
        if found is None:
            found = self.members[member_id] = _Member(community_id)
        return found

    def _community(self, community_id: int) -> _Community:
        found = self.communities.get(community_id)
        if found is None:
            found = self.communities[community_id] = _Community()
        return found

    def assign(self, record: TaskRecord) -> None:
        giver = self._member(record.giver_id, record.community_id)
        giver.taken += 1
        giver.open += 1
        giver.waiting[record.task_id] = record.assigned_at
        giver.given_at.append(record.assigned_at)
        self._community(record.community_id).assigned += 1

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

    def features(
        self, member_id: int, community_id: int, *, platform: Platform, kind: ContentKind, at: datetime
    ) -> list[float]:
        member = self.members.get(member_id) or _Member(community_id)
        return _vector(member, self.communities.get(community_id) or _Community(), platform, kind, at)


def _recent(times: deque[datetime], at: datetime, window: timedelta) -> float:
    """How many of ``times`` (all at or before ``at``) fall within ``window`` before it; forgets
    the older ones."""
    while times and at - times[0] >= window:
        times.popleft()
    return float(len(times))


def _hours(since: datetime | None, at: datetime, cap: float) -> float:
    return cap if since is None else min(cap, max(0.0, (at - since).total_seconds() / 3600))


def _beta(successes: int, trials: int) -> float:
    return (successes + 1) / (trials + 2)


def _vector(member: _Member, community: _Community, platform: Platform, kind: ContentKind, at: datetime) -> list[float]:
    judged = member.judged
    recency = (
        RECENCY_CAP_DAYS
        if member.last_verified_at is None
        else min(RECENCY_CAP_DAYS, (at - member.last_verified_at).total_seconds() / 86400)
    )
    age = 0.0 if member.joined_at is None else min(AGE_CAP_DAYS, (at - member.joined_at).total_seconds() / 86400)
    hour = (at.hour + at.minute / 60) / 24 * 2 * math.pi
    fade = member.week_fade(at)
    oldest_waiting = min(member.waiting.values(), default=None)
    return [
        _beta(community.verified, community.assigned),
        _beta(member.verified, judged),
        *(1.0 if platform is p else 0.0 for p in Platform),
        max(0.0, recency),
        *(1.0 if kind is k else 0.0 for k in _KINDS),
        min(RECIPROCITY_CAP, member.verified / (member.received + 1)),
        1.0 - (member.toxicity_sum / member.toxicity_n if member.toxicity_n else 0.0),
        _beta(member.taken - member.skipped, member.taken),
        math.sin(hour),
        math.cos(hour),
        float(member.open),
        float(min(STREAK_CAP, member.streak)),
        member.quality_rejections / judged if judged else 0.0,
        member.expired / judged if judged else 0.0,
        max(0.0, age),
        math.log1p(judged),
        (member.recent_verified + 1) / (member.recent_judged + 2),
        (member.week_verified * fade + 1) / (member.week_judged * fade + 2),
        member.done_hours / member.done if member.done else HOURS_CAP,
        0.0 if oldest_waiting is None else _hours(oldest_waiting, at, HOURS_CAP),
        _hours(member.last_done_at, at, SINCE_DONE_CAP),
        _recent(member.skipped_at, at, _LAST_DAY),
        _recent(member.given_at, at, _LAST_HOUR),
    ]


_GIVEN, _SAID_DONE, _DECIDED = 0, 1, 2


def _events(tasks: Iterable[TaskRecord]) -> Iterator[tuple[datetime, int, TaskRecord]]:
    """Assignments, tasks said done and decisions; at one instant, assignments come first, so a
    task's features never see anything that happened at the moment it was given."""
    for record in tasks:
        yield record.assigned_at, _GIVEN, record
        if record.done_at is not None:
            yield record.done_at, _SAID_DONE, record
        if record.decided_at is not None and record.status.is_final:
            yield record.decided_at, _DECIDED, record


def _apply(replay: HistoryReplay, phase: int, record: TaskRecord) -> None:
    if phase == _GIVEN:
        replay.assign(record)
    elif phase == _SAID_DONE:
        replay.said_done(record)
    else:
        replay.decide(record)


@dataclass(frozen=True, slots=True)
class Dataset:
    """One row per task that says something about its giver, in assignment order."""

    features: NDArray[np.float64]
    labels: NDArray[np.int8]
    assigned_at: list[datetime]
    giver_ids: NDArray[np.int64]
    baseline: NDArray[np.float64]  # the giver's Beta-smoothed success rate then: what to beat
    task_ids: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def split(self, share: float) -> tuple[Dataset, Dataset]:
        """The first ``share`` of rows in time, and the rest."""
        cut = int(len(self) * share)
        return self._rows(slice(0, cut)), self._rows(slice(cut, len(self)))

    def _rows(self, rows: slice) -> Dataset:
        return Dataset(
            self.features[rows],
            self.labels[rows],
            self.assigned_at[rows],
            self.giver_ids[rows],
            self.baseline[rows],
            self.task_ids[rows],
        )


def build_dataset(
    tasks: Sequence[TaskRecord], members: Iterable[MemberRecord] = (), *, progress: object = None
) -> Dataset:
    """Replays the history and takes each labelled task's features at its assignment."""
    replay = HistoryReplay()
    for member in members:
        replay.join(member)
    rows: list[list[float]] = []
    labels: list[int] = []
    times: list[datetime] = []
    givers: list[int] = []
    task_ids: list[int] = []
    baseline: list[float] = []
    reliability = FEATURE_NAMES.index("reliability")
    for at, phase, record in sorted(_events(tasks), key=lambda e: (e[0], e[1], e[2].task_id)):
        if phase != _GIVEN:
            _apply(replay, phase, record)
            continue
        label = label_of(record)
        if label is not None:
            row = replay.features(
                record.giver_id, record.community_id, platform=record.platform, kind=record.kind, at=at
            )
            rows.append(row)
            labels.append(label)
            times.append(at)
            givers.append(record.giver_id)
            task_ids.append(record.task_id)
            baseline.append(row[reliability])
        replay.assign(record)
        if callable(progress):
            progress()
    return Dataset(
        np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES)),
        np.asarray(labels, dtype=np.int8),
        times,
        np.asarray(givers, dtype=np.int64),
        np.asarray(baseline, dtype=np.float64),
        np.asarray(task_ids, dtype=np.int64),
    )


def snapshot(
    tasks: Iterable[TaskRecord],
    members: Iterable[MemberRecord],
    *,
    at: datetime,
    platforms: Sequence[Platform] = tuple(Platform),
    kind: ContentKind = ContentKind.VIDEO,
) -> tuple[list[tuple[int, Platform]], NDArray[np.float64]]:
    """Every member's features at ``at`` (history before it only), once per platform: what
    serving scores. Returns the (member, platform) of each row and the rows."""
    replay = HistoryReplay()
    joined = list(members)
    for member in joined:
        replay.join(member)
    for moment, phase, record in sorted(_events(tasks), key=lambda e: (e[0], e[1], e[2].task_id)):
        if moment >= at:
            break
        _apply(replay, phase, record)
    keys: list[tuple[int, Platform]] = []
    rows: list[list[float]] = []
    for member in joined:
        for platform in platforms:
            keys.append((member.member_id, platform))
            rows.append(replay.features(member.member_id, member.community_id, platform=platform, kind=kind, at=at))
    return keys, np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
