"""A task asks one member for feedback on one submission; its lifecycle is a state machine."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from tgexchange.domain.content import Platform
from tgexchange.domain.errors import IllegalTransition, NotYourTask, TaskDeadlinePassed, TextTooLong
from tgexchange.domain.events import (
    Event,
    FeedbackDenied,
    FeedbackDisputed,
    FeedbackNotFoundYet,
    HeldCommentQuestionAsked,
    OwnerConfirmationRequested,
    TaskAssigned,
    TaskCancelled,
    TaskEvent,
    TaskExpired,
    TaskRejected,
    TaskSkipped,
    TaskSubmitted,
    TaskVerified,
)
from tgexchange.domain.stored import Stored

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
    """Why feedback was refused, besides the quality gate's rules (which use their own names)."""

    NOT_FOUND = "not_found"
    CONTENT_UNAVAILABLE = "content_unavailable"
    OWNER_DENIED = "owner_denied"
    # The platform could not be read at all, long past the deadline (see VerificationPolicy.outage_limit).
    PLATFORM_UNAVAILABLE = "platform_unavailable"


# Reasons that are not the giver's fault: they do not count against the giver's reliability.
NO_FAULT_REASONS = frozenset({RejectionReason.CONTENT_UNAVAILABLE.value, RejectionReason.PLATFORM_UNAVAILABLE.value})


class ReviewStage(StrEnum):
    """Where a verifying task waits on a person: on platforms without public comments, for the
    submission's owner to confirm, for the giver to dispute the owner's "not there", or for an
    admin; on YouTube, for the owner to say whether a comment not found is held for their review."""

    OWNER = "owner"
    HELD = "held"
    DISPUTE_WINDOW = "dispute_window"
    ADMIN = "admin"


@dataclass(eq=False, kw_only=True)
class Task(Stored):
    community_id: int
    submission_id: int
    giver_id: int
    owner_id: int
    platform: Platform
    credits: int
    """What the task pays: the most it may pay until verified, then what it paid."""
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
    review_stage: ReviewStage | None = None
    review_until: datetime | None = None
    next_check_at: datetime | None = None
    escrowed: int | None = None
    """What the submission's escrow holds for this task, fixed when it was given (None: rows from
    before it was stored, which held ``credits``)."""
    update_id: int | None = None
    """The Telegram update that asked for it: a second run of that update (after a crash, see
    bot/inbox.py) finds this task instead of taking another."""
    text_asked_at: datetime | None = None
    """When the giver pressed Done on a task whose platform shows no public comments, so the bot
    waits for the comment's text pasted in the chat; None when nothing waits (one task at most)."""
    version: int = 1
    events: list[Event] = field(default_factory=list)

    def _record(self, kind: type[TaskEvent], now: datetime, **extra: Any) -> None:
        self.events.append(
            kind(
                occurred_at=now,
                task_id=self.id,
                submission_id=self.submission_id,
                community_id=self.community_id,
                giver_id=self.giver_id,
                owner_id=self.owner_id,
                platform=self.platform,
                assigned_at=self.assigned_at,
                **extra,
            )
        )

    def record_assigned(self) -> None:
        """Call once the task has its id (after the unit of work flushed it)."""
        self._record(TaskAssigned, self.assigned_at)

    def _move(self, wanted: TaskStatus) -> None:
        if wanted not in ALLOWED_TRANSITIONS.get(self.status, frozenset()):
            raise IllegalTransition(self.id, self.status.value, wanted.value)
        self.status = wanted

    def can_move_to(self, wanted: TaskStatus) -> bool:
        return wanted in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    def _ensure_giver(self, member_id: int) -> None:
        if member_id != self.giver_id:
            raise NotYourTask(self.id)

    def is_overdue(self, now: datetime) -> bool:
        return now >= self.deadline_at

    def ensure_can_hand_in(self, *, member_id: int, now: datetime, feedback_text: str | None = None) -> None:
        """Raises NotYourTask, TaskDeadlinePassed, TextTooLong or IllegalTransition."""
        self._ensure_giver(member_id)
        if self.status is TaskStatus.ASSIGNED and self.is_overdue(now):
            raise TaskDeadlinePassed(self.id)
        if feedback_text is not None and len(feedback_text) > MAX_FEEDBACK_TEXT:
            raise TextTooLong(len(feedback_text), MAX_FEEDBACK_TEXT)
        if not self.can_move_to(TaskStatus.SUBMITTED):
            raise IllegalTransition(self.id, self.status.value, TaskStatus.SUBMITTED.value)

    def mark_done(self, *, member_id: int, now: datetime, feedback_text: str | None = None) -> None:
        """The giver says they left their feedback. Raises NotYourTask, TaskDeadlinePassed,
        TextTooLong or IllegalTransition."""
        self.ensure_can_hand_in(member_id=member_id, now=now, feedback_text=feedback_text)
        self._move(TaskStatus.SUBMITTED)
        self.done_at = now
        self.feedback_text = feedback_text
        self.text_asked_at = None
        self._record(TaskSubmitted, now)

    def skip(self, *, member_id: int, now: datetime) -> None:
        self._ensure_giver(member_id)
        self._move(TaskStatus.SKIPPED)
        self.decided_at = now
        self.text_asked_at = None
        self._record(TaskSkipped, now)

    def start_verifying(self, now: datetime) -> None:
        self._move(TaskStatus.VERIFYING)
        self.verifying_at = now

    def verification_deadline(self, grace: timedelta) -> datetime:
        """When a missing comment becomes "not found": the task's deadline, but never sooner than
        ``grace`` after the member said done (comments can take a while to show publicly)."""
        done_at = self.done_at or self.deadline_at
        return max(self.deadline_at, done_at + grace)

    def _ensure_review(self, stage: ReviewStage) -> None:
        if self.status is not TaskStatus.VERIFYING or self.review_stage is not stage:
            raise IllegalTransition(self.id, self.review_stage or self.status.value, stage.value)

    def await_owner(self, *, now: datetime, until: datetime) -> None:
        """Hands the decision to the submission's owner (platforms without public comments)."""
        if self.status is not TaskStatus.VERIFYING or self.review_stage is not None:
            raise IllegalTransition(self.id, self.review_stage or self.status.value, ReviewStage.OWNER.value)
        self.review_stage = ReviewStage.OWNER
        self.review_until = until
        self._record(OwnerConfirmationRequested, now, feedback_text=self.feedback_text or "")

    def ask_owner_about_held(self, *, now: datetime, until: datetime) -> None:
        """The comment was not found by the deadline: before rejecting it, the submission's owner
        says whether it waits among the comments YouTube held for their review."""
        if self.status is not TaskStatus.VERIFYING or self.review_stage is not None:
            raise IllegalTransition(self.id, self.review_stage or self.status.value, ReviewStage.HELD.value)
        self.review_stage = ReviewStage.HELD
        self.review_until = until
        self.next_check_at = None
        self._record(HeldCommentQuestionAsked, now, until=until)

    def owner_denies(self, *, member_id: int, now: datetime, until: datetime) -> None:
        """The owner says the feedback is not there; the giver may dispute until ``until``."""
        if member_id != self.owner_id:
            raise NotYourTask(self.id)
        self._ensure_review(ReviewStage.OWNER)
        self.review_stage = ReviewStage.DISPUTE_WINDOW
        self.review_until = until
        self._record(FeedbackDenied, now)

    def dispute(self, *, member_id: int, now: datetime, until: datetime) -> None:
        """The giver contests the owner's denial; the community's admins decide by ``until``."""
        self._ensure_giver(member_id)
        self._ensure_review(ReviewStage.DISPUTE_WINDOW)
        self.review_stage = ReviewStage.ADMIN
        self.review_until = until
        self._record(FeedbackDisputed, now)

    def ensure_owner_review(self, member_id: int) -> None:
        """The owner may answer: the task waits on their confirmation or their held comments."""
        if member_id != self.owner_id:
            raise NotYourTask(self.id)
        if self.review_stage is not ReviewStage.HELD:
            self._ensure_review(ReviewStage.OWNER)

    def ensure_admin_review(self) -> None:
        self._ensure_review(ReviewStage.ADMIN)

    def note_attempt(self) -> None:
        self.verification_attempts += 1

    def keep_looking(self, *, now: datetime, next_look_at: datetime, until: datetime) -> None:
        """No comment yet: look again at ``next_look_at``. After the first look the giver is told
        (once) that it is not visible yet and how long verification keeps looking."""
        self.next_check_at = next_look_at
        if self.verification_attempts == 1:
            self._record(FeedbackNotFoundYet, now, looking_until=until)

    def verify(self, *, now: datetime, comment_id: str | None = None) -> None:
        self._move(TaskStatus.VERIFIED)
        self.review_stage = None
        self.next_check_at = None
        self.decided_at = now
        self.comment_id = comment_id
        self.reason = None
        self._record(TaskVerified, now, credits=self.credits)

    def pay(self, credits: int) -> None:
        """Fixes what the verified task pays (credit by substance decides it while settling), and
        says so in the TaskVerified event not yet published. Raises IllegalTransition unless
        verified, ValueError beyond what was escrowed."""
        if self.status is not TaskStatus.VERIFIED:
            raise IllegalTransition(self.id, self.status.value, "paid")
        if not 0 <= credits <= (self.credits if self.escrowed is None else self.escrowed):
            raise ValueError(f"task {self.id} cannot pay {credits} credits")
        self.credits = credits
        self.events = [
            replace(event, credits=credits) if isinstance(event, TaskVerified) else event for event in self.events
        ]

    def reject(self, *, reason: str, now: datetime, comment_id: str | None = None) -> None:
        self._move(TaskStatus.REJECTED)
        self.review_stage = None
        self.next_check_at = None
        self.decided_at = now
        self.reason = reason
        self.comment_id = comment_id
        self._record(TaskRejected, now, reason=reason)

    def expire(self, now: datetime) -> None:
        self._move(TaskStatus.EXPIRED)
        self.decided_at = now
        self._record(TaskExpired, now)

    def cancel(self, *, reason: str, now: datetime) -> None:
        self._move(TaskStatus.CANCELLED)
        self.decided_at = now
        self.reason = reason
        self._record(TaskCancelled, now, reason=reason)

    def extend_deadline(self, by: timedelta) -> None:
        """Gives the task time back (a paused community): its deadline, and a review's window."""
        if self.status.is_open:
            self.deadline_at += by
            if self.review_until is not None:
                self.review_until += by
