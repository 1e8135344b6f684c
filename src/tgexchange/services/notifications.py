"""What members are told when something happens to them: events in, notices out."""

from __future__ import annotations

from collections.abc import Iterable

from tgexchange.domain.events import (
    Event,
    FeedbackDenied,
    FeedbackDisputed,
    OwnerConfirmationRequested,
    SubmissionCompleted,
    TaskCancelled,
    TaskExpired,
    TaskRejected,
    TaskVerified,
)
from tgexchange.services.ports import Notice, Notifier, UnitOfWork


def notices_for(events: Iterable[Event], uow: UnitOfWork) -> list[Notice]:
    """The notices the events call for, in order. Looks up admins for disputes."""
    notices: list[Notice] = []
    for event in events:
        if isinstance(event, TaskVerified):
            notices.append(
                Notice(event.giver_id, "task_verified", {"task_id": event.task_id, "credits": event.credits})
            )
            notices.append(Notice(event.owner_id, "feedback_received", {"submission_id": event.submission_id}))
        elif isinstance(event, TaskRejected):
            notices.append(Notice(event.giver_id, "task_rejected", {"task_id": event.task_id, "reason": event.reason}))
        elif isinstance(event, TaskExpired):
            notices.append(Notice(event.giver_id, "task_expired", {"task_id": event.task_id}))
        elif isinstance(event, TaskCancelled):
            notices.append(Notice(event.giver_id, "task_cancelled", {"task_id": event.task_id, "reason": event.reason}))
        elif isinstance(event, OwnerConfirmationRequested):
            notices.append(
                Notice(
                    event.owner_id,
                    "confirm_feedback",
                    {"task_id": event.task_id, "submission_id": event.submission_id, "text": event.feedback_text},
                )
            )
        elif isinstance(event, FeedbackDenied):
            notices.append(Notice(event.giver_id, "feedback_denied", {"task_id": event.task_id}))
        elif isinstance(event, FeedbackDisputed):
            with uow:
                admins = list(uow.members.list_admins(event.community_id))
            notices.extend(
                Notice(admin.id, "dispute_opened", {"task_id": event.task_id, "submission_id": event.submission_id})
                for admin in admins
            )
        elif isinstance(event, SubmissionCompleted):
            notices.append(Notice(event.owner_id, "submission_completed", {"submission_id": event.submission_id}))
    return notices


def deliver(events: Iterable[Event], uow: UnitOfWork, notifier: Notifier) -> int:
    """Sends the notices for ``events``; returns how many."""
    notices = notices_for(events, uow)
    for notice in notices:
        notifier.notify(notice)
    return len(notices)
