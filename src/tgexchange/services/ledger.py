"""Credit movements caused by the exchange's rules, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.ledger import AccountKey, Posting, PostingKind, posting_key_for_task
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import NO_FAULT_REASONS, Task, TaskStatus
from tgexchange.services.lookup import get_submission
from tgexchange.services.ports import UnitOfWork


def settle_task(uow: UnitOfWork, *, task: Task, submission: Submission, now: datetime) -> None:
    """Frees the finished task's slot, updates both members' stats, and moves its credits:
    escrow → giver when verified; escrow → owner when it failed after the submission closed.
    The posting's key is the task's, so a task can never move credits twice."""
    refund = submission.note_task_finished(task.status, now)
    key = posting_key_for_task(task.id)
    escrow = AccountKey.escrow(submission.id)
    if task.status is TaskStatus.VERIFIED:
        uow.ledger.transfer(
            Posting(escrow, AccountKey.member(task.giver_id), task.credits, PostingKind.PAYOUT, key, now, task.id),
            community_id=task.community_id,
        )
        uow.stats.record(task.giver_id, verified=1)
        uow.stats.record(task.owner_id, feedback_received=1)
    else:
        if refund:
            uow.ledger.transfer(
                Posting(escrow, AccountKey.member(submission.owner_id), refund, PostingKind.REFUND, key, now, task.id),
                community_id=task.community_id,
            )
        if task.status is TaskStatus.REJECTED and task.reason not in NO_FAULT_REASONS:
            uow.stats.record(task.giver_id, rejected=1)
        elif task.status is TaskStatus.EXPIRED:
            uow.stats.record(task.giver_id, expired=1)
        elif task.status is TaskStatus.SKIPPED:
            uow.stats.record(task.giver_id, skipped=1)


def settle_decided_task(uow: UnitOfWork, *, task: Task, now: datetime) -> None:
    """``settle_task`` for a task just decided inside ``uow``: locks its submission first, so two
    tasks of one submission deciding at once cannot both take the last slot or refund twice."""
    settle_task(uow, task=task, submission=get_submission(uow, task.submission_id, for_update=True), now=now)
