"""Who gives back: the facts the reciprocity model learns from, and what counts as giving back.

A task says something about its giver when it ends in verified feedback (they gave back) or when
the giver let it fail (rejected for their own fault, expired, skipped). Open tasks, cancelled ones
and refusals that were nobody's fault (the video vanished, the platform could not be read) say
nothing, and are left out of learning and scoring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.task import NO_FAULT_REASONS, TaskStatus


@dataclass(frozen=True, slots=True)
class TaskRecord:
    """One task as stored: who gave, for whom, when it was given and how it ended (if it did)."""

    task_id: int
    community_id: int
    giver_id: int
    owner_id: int
    platform: Platform
    kind: ContentKind
    assigned_at: datetime
    status: TaskStatus
    decided_at: datetime | None = None
    reason: str | None = None
    toxicity: float | None = None  # of the accepted feedback, when known
    done_at: datetime | None = None  # when the giver said it was done, if they did
    submitted_at: datetime | None = None  # when the owner submitted the content


@dataclass(frozen=True, slots=True)
class MemberRecord:
    member_id: int
    community_id: int
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class GroupRecord:
    """A group the ring detection flagged (domain/ring.py): members found mostly serving each
    other, as the exchange knew them from ``flagged_at`` until an admin cleared them, if one did
    (``cleared_at``; a confirmed group stays)."""

    community_id: int
    flagged_at: datetime
    member_ids: tuple[int, ...]
    cleared_at: datetime | None = None


def label_of(record: TaskRecord) -> int | None:
    """1 when the task ended in verified feedback, 0 when the giver let it fail (rejected, expired,
    skipped), None when it says nothing about the giver (open, cancelled, or refused through no
    fault of theirs)."""
    if record.status is TaskStatus.VERIFIED:
        return 1
    if record.status in {TaskStatus.EXPIRED, TaskStatus.SKIPPED}:
        return 0
    if record.status is TaskStatus.REJECTED:
        return None if record.reason in NO_FAULT_REASONS else 0
    return None


@dataclass(frozen=True, slots=True)
class ReciprocityScore:
    """A member's predicted chance of giving back on a platform (how a task given to them would end,
    times their pace of taking tasks: domain.pace), and how sure the model is of the first part."""

    member_id: int
    platform: Platform
    probability: float
    confidence: float


# How much worse than the model in use a retrained one may score on the newest tasks and still
# replace it: less than the noise of a few thousand coin flips.
AUC_TOLERANCE = 0.005
BRIER_TOLERANCE = 0.002


def is_not_worse(*, auc: float | None, brier: float, current_auc: float | None, current_brier: float) -> bool:
    """Whether a new model may replace the current one, both scored on the same newest tasks."""
    if auc is None:
        return False
    return (current_auc is None or auc >= current_auc - AUC_TOLERANCE) and brier <= current_brier + BRIER_TOLERANCE
