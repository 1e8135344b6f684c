"""What members are told when something happens to them: events in, notices out, through an
outbox.

``record_notices`` runs inside the committing transaction (an in-transaction handler of the unit of
work), so a decision and the notices announcing it commit together or not at all. The process that
made the decision then delivers them at once (``deliver_notices`` with their ids); whatever it
could not deliver (it crashed, Telegram was down) is picked up by the periodic delivery job once
due, and tried again with growing delays. A notice is held by one sender at a time and closed once
sent, so it is delivered at least once and, short of a crash between sending and closing, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from tgexchange.domain.events import (
    AppealDecided,
    AppealFiled,
    Event,
    FeedbackDenied,
    FeedbackDisputed,
    FeedbackNotFoundYet,
    HeldCommentQuestionAsked,
    OwnerConfirmationRequested,
    PenaltyApplied,
    SubmissionCompleted,
    TaskCancelled,
    TaskExpired,
    TaskRejected,
    TaskVerified,
)
from tgexchange.services.ports import DeliveryOutcome, Notice, Notifier, Outbox, PendingNotice, UnitOfWork

log = structlog.get_logger("tgexchange.notifications")

# Notices the actor gets anyway in the reply to what they did; only a completion is worth both.
ALSO_TO_ACTOR = frozenset({"submission_completed"})
# The deciding process delivers at once; the periodic job leaves a notice to it this long.
DELIVERY_GRACE = timedelta(seconds=30)
# How long a sender holds a notice it claimed: longer than any one send takes, retries included.
HOLD = timedelta(minutes=2)
# Waits after each failed attempt; after the last, the notice is given up (news a day late is
# stale, and a member unreachable for that long is logged).
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 2, 5, 15, 30, 60, 120, 240, 480, 720))
KEEP_CLOSED = timedelta(days=7)


def notices_for(events: Iterable[Event], uow: UnitOfWork) -> list[Notice]:  # noqa: PLR0912 - one branch per kind of event
    """The notices the events call for, in order. Reads admins for disputes through ``uow``,
    which must be open."""
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
        elif isinstance(event, HeldCommentQuestionAsked):
            notices.append(
                Notice(
                    event.owner_id,
                    "held_comment",
                    {"task_id": event.task_id, "submission_id": event.submission_id, "until": event.until.isoformat()},
                )
            )
        elif isinstance(event, FeedbackNotFoundYet):
            notices.append(
                Notice(
                    event.giver_id,
                    "feedback_not_found_yet",
                    {"task_id": event.task_id, "until": event.looking_until.isoformat()},
                )
            )
        elif isinstance(event, FeedbackDenied):
            notices.append(Notice(event.giver_id, "feedback_denied", {"task_id": event.task_id}))
        elif isinstance(event, FeedbackDisputed):
            notices.extend(
                Notice(admin.id, "dispute_opened", {"task_id": event.task_id, "submission_id": event.submission_id})
                for admin in uow.members.list_admins(event.community_id)
            )
        elif isinstance(event, SubmissionCompleted):
            notices.append(Notice(event.owner_id, "submission_completed", {"submission_id": event.submission_id}))
        elif isinstance(event, PenaltyApplied):
            notices.append(
                Notice(
                    event.member_id,
                    "penalty",
                    {
                        "action": event.action,
                        "reason": event.reason,
                        "warnings": event.warnings,
                        "penalty_id": event.penalty_id,
                        "until": event.until.isoformat() if event.until else None,
                    },
                )
            )
        elif isinstance(event, AppealFiled):
            notices.extend(
                Notice(admin.id, "appeal_opened", {"appeal_id": event.appeal_id})
                for admin in uow.members.list_admins(event.community_id)
            )
        elif isinstance(event, AppealDecided):
            notices.append(
                Notice(event.member_id, "appeal_decided", {"appeal_id": event.appeal_id, "upheld": event.upheld})
            )
    return _one_per_submission(notices)


def _one_per_submission(notices: list[Notice]) -> list[Notice]:
    """An owner hears once per submission what one decision brought: feedback received several
    times over becomes one notice with a count, and none at all when the submission completed
    (that notice says it)."""
    completed = {n.params["submission_id"] for n in notices if n.kind == "submission_completed"}
    received: dict[object, int] = {}
    for notice in notices:
        if notice.kind == "feedback_received":
            key = notice.params["submission_id"]
            received[key] = received.get(key, 0) + 1
    merged: list[Notice] = []
    for notice in notices:
        if notice.kind == "feedback_received":
            key = notice.params["submission_id"]
            if key in completed or key not in received:
                continue
            merged.append(Notice(notice.member_id, notice.kind, {**notice.params, "count": received.pop(key)}))
        else:
            merged.append(notice)
    return merged


def record_notices(events: list[Event], uow: UnitOfWork) -> None:
    """The in-transaction handler: writes the notices the events call for into the outbox."""
    if not events:
        return
    now = max(event.occurred_at for event in events)
    for notice in notices_for(events, uow):
        uow.notices.add(notice, now=now, deliver_after=now + DELIVERY_GRACE)


@dataclass
class Delivery:
    sent: int = 0
    unreachable: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def is_for_actor(notice: Notice, actor_member_id: int | None) -> bool:
    """The member who did it already reads the outcome in the answer to what they did (a notice
    to an operator, who is no member, is never theirs)."""
    return actor_member_id is not None and notice.member_id == actor_member_id and notice.kind not in ALSO_TO_ACTOR


def settle_delivery(
    outbox: Outbox, pending: PendingNotice, outcome: DeliveryOutcome, *, now: datetime, error: str | None = None
) -> str:
    """Closes the notice, or schedules its next attempt; returns what became of it (a Delivery field)."""
    if outcome is not DeliveryOutcome.RETRY:
        outbox.close(pending.id, outcome=outcome.value, now=now, error=error)
        return outcome.value
    if pending.attempts > len(RETRY_DELAYS):
        log.warning(
            "notice_given_up", notice_id=pending.id, member_id=pending.notice.member_id, attempts=pending.attempts
        )
        outbox.close(pending.id, outcome="failed", now=now, error=error)
        return "failed"
    outbox.retry_at(pending.id, at=now + RETRY_DELAYS[pending.attempts - 1], error=error)
    return "retrying"


def deliver_notices(
    outbox: Outbox,
    notifier: Notifier,
    *,
    now: datetime,
    ids: Sequence[int] | None = None,
    actor_member_id: int | None = None,
    limit: int = 100,
) -> Delivery:
    """Delivers the notices ``ids`` (just committed), or without ids those due, at most ``limit``.
    Never raises for a notice that fails: it stays in the outbox for a later attempt."""
    delivery = Delivery()
    for pending in outbox.claim(now=now, hold_until=now + HOLD, ids=ids, limit=limit):
        if is_for_actor(pending.notice, actor_member_id):
            outbox.close(pending.id, outcome="skipped", now=now)
            delivery.count("skipped")
            continue
        try:
            outcome = notifier.deliver(pending.notice)
            error = None
        except Exception as failure:  # a rendering bug or storage hiccup must not lose the notice
            log.exception("notice_delivery_failed", notice_id=pending.id, kind=pending.notice.kind)
            outcome, error = DeliveryOutcome.RETRY, repr(failure)
        delivery.count(settle_delivery(outbox, pending, outcome, now=now, error=error))
    return delivery


def prune_delivered(outbox: Outbox, *, now: datetime) -> int:
    return outbox.prune(closed_before=now - KEEP_CLOSED)
