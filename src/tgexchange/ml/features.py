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
- ``group_partners``: how many members the ring detection flagged in a group with this one
  (services/ring.py; from when it flagged them until an admin cleared the group), capped at 10.
- ``partner_fresh_hours``: hours since the newest content of one of those partners was submitted
  (as far as tasks for it were handed out), capped at ``HOURS_CAP`` (the cap without partners):
  a group waits for its own content while some is fresh and hands back everyone else's.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.reciprocity import GroupRecord, MemberRecord, TaskRecord, label_of
from tgexchange.ml.history_replay import (
    ASSIGNMENT,
    HOURS_CAP,
    CommunityState,
    HistoryReplay,
    MemberState,
    apply,
    events,
    recent_count,
)

RECENCY_CAP_DAYS = 60.0
RECIPROCITY_CAP = 5.0
STREAK_CAP = 20
AGE_CAP_DAYS = 365.0
SINCE_DONE_CAP = 336.0
PARTNERS_CAP = 10
_LAST_DAY = timedelta(days=1)
_LAST_HOUR = timedelta(hours=1)
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
    "group_partners",
    "partner_fresh_hours",
)


def _features(
    replay: HistoryReplay, member_id: int, community_id: int, *, platform: Platform, kind: ContentKind, at: datetime
) -> list[float]:
    member = replay.members.get(member_id) or MemberState(community_id)
    community = replay.communities.get(community_id) or CommunityState()
    return _vector(member, community, platform, kind, at, members=replay.members)


def _hours(since: datetime | None, at: datetime, cap: float) -> float:
    return cap if since is None else min(cap, max(0.0, (at - since).total_seconds() / 3600))


def _beta(successes: int, trials: int) -> float:
    return (successes + 1) / (trials + 2)


def _vector(
    member: MemberState,
    community: CommunityState,
    platform: Platform,
    kind: ContentKind,
    at: datetime,
    *,
    members: dict[int, MemberState],
) -> list[float]:
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
    partner_submissions = [
        partner.submitted_at
        for partner_id in member.partners
        if (partner := members.get(partner_id)) is not None and partner.submitted_at is not None
    ]
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
        recent_count(member.skipped_at, at, _LAST_DAY),
        recent_count(member.given_at, at, _LAST_HOUR),
        float(min(PARTNERS_CAP, len(member.partners))),
        min((_hours(s, at, HOURS_CAP) for s in partner_submissions), default=HOURS_CAP),
    ]


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
        return self.select(slice(0, cut)), self.select(slice(cut, len(self)))

    def select(self, rows: slice | NDArray[np.bool_]) -> Dataset:
        """The rows in ``rows``: a slice, or a mask with one flag per row."""
        times = (
            self.assigned_at[rows] if isinstance(rows, slice) else [self.assigned_at[i] for i in np.flatnonzero(rows)]
        )
        return Dataset(
            self.features[rows],
            self.labels[rows],
            times,
            self.giver_ids[rows],
            self.baseline[rows],
            self.task_ids[rows],
        )


def build_dataset(
    tasks: Sequence[TaskRecord],
    members: Iterable[MemberRecord] = (),
    *,
    groups: Iterable[GroupRecord] = (),
    progress: object = None,
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
    for at, phase, record in events(tasks, groups):
        if phase != ASSIGNMENT or not isinstance(record, TaskRecord):
            apply(replay, phase, record)
            continue
        label = label_of(record)
        if label is not None:
            row = _features(
                replay, record.giver_id, record.community_id, platform=record.platform, kind=record.kind, at=at
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
    groups: Iterable[GroupRecord] = (),
    platforms: Sequence[Platform] = tuple(Platform),
    kind: ContentKind = ContentKind.VIDEO,
) -> tuple[list[tuple[int, Platform]], NDArray[np.float64]]:
    """Every member's features at ``at`` (history before it only), once per platform: what
    serving scores. Returns the (member, platform) of each row and the rows."""
    replay = HistoryReplay()
    joined = list(members)
    for member in joined:
        replay.join(member)
    for moment, phase, record in events(tasks, groups):
        if moment >= at:
            break
        apply(replay, phase, record)
    keys: list[tuple[int, Platform]] = []
    rows: list[list[float]] = []
    for member in joined:
        for platform in platforms:
            keys.append((member.member_id, platform))
            rows.append(_features(replay, member.member_id, member.community_id, platform=platform, kind=kind, at=at))
    return keys, np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
