"""A task asks one member for feedback on one submission; its lifecycle is a state machine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import IllegalTransition, NotYourTask, TaskDeadlinePassed, TextTooLong
from tgexchange.domain.events import (
    Event,
    TaskCancelled,
    TaskExpired,
    TaskRejected,
    TaskSkipped,
    TaskSubmitted,
    TaskVerified,
)

MAX_FEEDBACK_TEXT = 4000


class TaskStatus(StrEnum):
    ASSIGNED = "assigned"
    SUBMITTED = "submitted"
    VERIFYING = "verifying"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Still in flight: the task holds a slot of its submission."""
        return self in _OPEN

    @property
    def is_final(self) -> bool:
        return not self.is_open


_OPEN = frozenset({TaskStatus.ASSIGNED, TaskStatus.SUBMITTED, TaskStatus.VERIFYING})

# Expiry and cancellation only reach tasks the member has not marked done: once they say
# "done", the outcome is decided by verification (a missing comment is "rejected: not found").
ALLOWED_TRANSITIONS: dict[TaskStatus, frozenset[TaskStatus]] = {
    TaskStatus.ASSIGNED: frozenset(
        {TaskStatus.SUBMITTED, TaskStatus.SKIPPED, TaskStatus.CANCELLED, TaskStatus.EXPIRED}
    ),
    TaskStatus.SUBMITTED: frozenset({TaskStatus.VERIFYING}),
    TaskStatus.VERIFYING: frozenset({TaskStatus.VERIFIED, TaskStatus.REJECTED}),
}


class RejectionReason(StrEnum):
    """Why feedback was refused; quality-gate rules add their own names."""

    NOT_FOUND = "not_found"
    WRONG_AUTHOR = "wrong_author"
    TOO_EARLY = "too_early"
    OWNER_DENIED = "owner_denied"
    LOW_QUALITY = "low_quality"


@dataclass(eq=False, kw_only=True)
class Task:
    community_id: int
    submission_id: int
    giver_id: int
    owner_id: int
    platform: Platform
    credits: int
    assigned_at: datetime
    deadline_at: datetime
    status: TaskStatus = TaskStatus.ASSIGNED
    done_at: datetime | None = None
    verifying_at: datetime | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    feedback_text: str | None = None
    comment_id: str | None = None
    verification_attempts: int = 0
    version: int = 1
    id: int | None = None
    events: list[Event] = field(default_factory=list)

    def _move(self, wanted: TaskStatus) -> None:
        if wanted not in ALLOWED_TRANSITIONS.get(self.status, frozenset()):
            raise IllegalTransition(self.id, self.status.value, wanted.value)
        self.status = wanted

    def can_move_to(self, wanted: TaskStatus) -> bool:
        return wanted in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    def _ensure_giver(self, member_id: int) -> None:
        if member_id != self.giver_id:
            raise NotYourTask(self.id or 0)

    def is_overdue(self, now: datetime) -> bool:
        return now >= self.deadline_at

    def mark_done(self, *, member_id: int, now: datetime, feedback_text: str | None = None) -> None:
        """The giver says they left their feedback. Raises NotYourTask, TaskDeadlinePassed,
        TextTooLong or IllegalTransition."""
        self._ensure_giver(member_id)
        if self.status is TaskStatus.ASSIGNED and self.is_overdue(now):
            raise TaskDeadlinePassed(self.id or 0)
        if feedback_text is not None and len(feedback_text) > MAX_FEEDBACK_TEXT:
            raise TextTooLong(len(feedback_text), MAX_FEEDBACK_TEXT)
        self._move(TaskStatus.SUBMITTED)
        self.done_at = now
        self.feedback_text = feedback_text
        self.events.append(TaskSubmitted(now, self.id or 0, self.submission_id))

    def skip(self, *, member_id: int, now: datetime) -> None:
        self._ensure_giver(member_id)
        self._move(TaskStatus.SKIPPED)
        self.decided_at = now
        self.events.append(TaskSkipped(now, self.id or 0, self.submission_id, self.giver_id))

    def start_verifying(self, now: datetime) -> None:
        self._move(TaskStatus.VERIFYING)
        self.verifying_at = now

    def note_attempt(self) -> None:
        self.verification_attempts += 1

    def verify(self, *, now: datetime, comment_id: str | None = None) -> None:
        self._move(TaskStatus.VERIFIED)
        self.decided_at = now
        self.comment_id = comment_id
        self.reason = None
        self.events.append(
            TaskVerified(now, self.id or 0, self.submission_id, self.giver_id, self.owner_id, self.credits)
        )

    def reject(self, *, reason: str, now: datetime, comment_id: str | None = None) -> None:
        self._move(TaskStatus.REJECTED)
        self.decided_at = now
        self.reason = reason
        self.comment_id = comment_id
        self.events.append(TaskRejected(now, self.id or 0, self.submission_id, self.giver_id, reason))

    def expire(self, now: datetime) -> None:
        self._move(TaskStatus.EXPIRED)
        self.decided_at = now
        self.events.append(TaskExpired(now, self.id or 0, self.submission_id, self.giver_id))

    def cancel(self, *, reason: str, now: datetime) -> None:
        self._move(TaskStatus.CANCELLED)
        self.decided_at = now
        self.reason = reason
        self.events.append(TaskCancelled(now, self.id or 0, self.submission_id, self.giver_id, reason))

    def extend_deadline(self, by: timedelta) -> None:
        if self.status.is_open:
            self.deadline_at += by
