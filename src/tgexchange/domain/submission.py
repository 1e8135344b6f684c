"""A piece of a member's own content offered for feedback, paid for up front into escrow."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.errors import NotYourSubmission, SubmissionClosed
from tgexchange.domain.events import Event, SubmissionCancelled, SubmissionCompleted
from tgexchange.domain.quality import ContentTopic
from tgexchange.domain.stored import Stored
from tgexchange.domain.task import TaskStatus

MAX_TITLE_LENGTH = 300


class SubmissionStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(eq=False, kw_only=True)
class Submission(Stored):
    """Escrow invariant: while open, the escrow holds ``escrow_per_feedback`` for every
    feedback not yet verified; once cancelled, only for tasks still being verified."""

    community_id: int
    owner_id: int
    platform: Platform
    kind: ContentKind
    content_id: str
    url: str
    title: str
    feedback_wanted: int
    credits_per_feedback: int
    created_at: datetime
    waiting_since: datetime
    status: SubmissionStatus = SubmissionStatus.OPEN
    tasks_open: int = 0
    tasks_verified: int = 0
    closed_at: datetime | None = None
    held_per_feedback: int | None = None
    """What the escrow holds per feedback, fixed when submitted: the base, or its cap when the
    community scales credit by substance (``domain.credit``); None (rows from before it was
    stored): the base."""
    topic: ContentTopic | None = None
    """The content's public metadata when it was submitted: what the off-topic rule compares its
    feedback with (None for submissions stored before it was kept)."""
    update_id: int | None = None
    """The Telegram update that made it: handled again after a crash (bot/inbox.py), that update
    finds this submission instead of making a second one (once the first has completed, the
    content could be submitted again)."""
    version: int = 1
    events: list[Event] = field(default_factory=list)

    @property
    def escrow_per_feedback(self) -> int:
        return self.credits_per_feedback if self.held_per_feedback is None else self.held_per_feedback

    @property
    def is_credit_by_substance(self) -> bool:
        """Submitted under credit by substance (it escrowed more than the base): verified feedback
        is paid by its tier whatever the setting says now, so terms never change under a task."""
        return self.escrow_per_feedback > self.credits_per_feedback

    @property
    def escrow_total(self) -> int:
        return self.feedback_wanted * self.escrow_per_feedback

    @property
    def free_slots(self) -> int:
        """How many more tasks may be handed out now."""
        if self.status is not SubmissionStatus.OPEN:
            return 0
        return max(0, self.feedback_wanted - self.tasks_verified - self.tasks_open)

    @property
    def is_open(self) -> bool:
        return self.status is SubmissionStatus.OPEN

    def ensure_open(self) -> None:
        if not self.is_open:
            raise SubmissionClosed(self.id, self.status.value)

    def ensure_owner(self, member_id: int) -> None:
        if member_id != self.owner_id:
            raise NotYourSubmission(self.id)

    def note_task_assigned(self, now: datetime) -> None:
        self.ensure_open()
        if self.free_slots <= 0:
            raise SubmissionClosed(self.id, "fully booked")
        self.tasks_open += 1
        # The next task goes to whoever has waited longest since their last one.
        self.waiting_since = now

    def note_task_finished(self, outcome: TaskStatus, now: datetime) -> int:
        """Frees the task's slot. Returns the credits to refund to the owner for it: the task's
        share of escrow when it failed after the submission was cancelled, else 0."""
        self.tasks_open = max(0, self.tasks_open - 1)
        if outcome is TaskStatus.VERIFIED:
            self.tasks_verified += 1
            if self.is_open and self.tasks_verified >= self.feedback_wanted:
                self.status = SubmissionStatus.COMPLETED
                self.closed_at = now
                self.events.append(
                    SubmissionCompleted(
                        occurred_at=now,
                        submission_id=self.id,
                        owner_id=self.owner_id,
                        community_id=self.community_id,
                    )
                )
            return 0
        if self.status is SubmissionStatus.CANCELLED:
            return self.escrow_per_feedback
        return 0

    def cancel(self, *, member_id: int, now: datetime) -> int:
        """Withdraws the submission. Call after cancelling its not-yet-done tasks. Returns the
        credits to refund now; tasks still being verified keep their share until decided."""
        self.ensure_owner(member_id)
        self.ensure_open()
        self.status = SubmissionStatus.CANCELLED
        self.closed_at = now
        refund = (self.feedback_wanted - self.tasks_verified - self.tasks_open) * self.escrow_per_feedback
        self.events.append(
            SubmissionCancelled(
                occurred_at=now,
                submission_id=self.id,
                owner_id=self.owner_id,
                community_id=self.community_id,
                refunded=refund,
            )
        )
        return refund
