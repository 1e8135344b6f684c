"""Things that happened, recorded by domain objects and handled when their unit of work commits.

Task events carry what their handlers need (community, platform, both members, when the task was
assigned), so the rollups and notifications that react to them need not query again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.content import Platform


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    occurred_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskEvent(Event):
    task_id: int
    submission_id: int
    community_id: int
    giver_id: int
    owner_id: int
    platform: Platform
    assigned_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAssigned(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSubmitted(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskVerified(TaskEvent):
    credits: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskRejected(TaskEvent):
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskExpired(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskSkipped(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskCancelled(TaskEvent):
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnerConfirmationRequested(TaskEvent):
    feedback_text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HeldCommentQuestionAsked(TaskEvent):
    """The comment was not found by the deadline: the owner is asked whether YouTube holds it for
    their review, until ``until``."""

    until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackNotFoundYet(TaskEvent):
    """The first look found no comment; verification keeps looking until ``looking_until``."""

    looking_until: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackDenied(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedbackDisputed(TaskEvent):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmissionCompleted(Event):
    submission_id: int
    owner_id: int
    community_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmissionCancelled(Event):
    submission_id: int
    owner_id: int
    community_id: int
    refunded: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PenaltyApplied(Event):
    """An admin warned or banned a member, or lifted their ban."""

    member_id: int
    community_id: int
    action: str  # a PenaltyAction value
    reason: str  # "" when none was given
    warnings: int  # the member's warnings so far, this one included
    penalty_id: int | None = None  # the stored penalty (None for an unban): what an appeal names
    until: datetime | None = None  # when a cooldown ends or a warning expires


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealFiled(Event):
    """A member appealed one of their penalties: the community's admins are asked to decide."""

    appeal_id: int
    member_id: int
    community_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealDecided(Event):
    """An admin (or the operator) decided an appeal: the member is told."""

    appeal_id: int
    member_id: int
    community_id: int
    upheld: bool
    kind: str  # the penalty's kind
