"""Credit movements caused by the exchange's rules, inside the caller's unit of work."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.credit import payout_for_text
from tgexchange.domain.ledger import AccountKey, Posting, PostingKind, posting_key_for_task, rest_key_for_task
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import NO_FAULT_REASONS, Task, TaskStatus
from tgexchange.services.lookup import get_submission
from tgexchange.services.ports import UnitOfWork


def settle_task(uow: UnitOfWork, *, task: Task, submission: Submission, now: datetime) -> None:
    """Frees the finished task's slot, updates both members' stats, and moves its credits:
    escrow → giver when verified (under credit by substance, what the feedback earned, and the
    rest of what was escrowed → owner); escrow → owner when it failed after the submission closed.
    The postings' keys are the task's, so a task can never move credits twice."""
    refund = submission.note_task_finished(task.status, now)
    key = posting_key_for_task(task.id)
    escrow = AccountKey.escrow(submission.id)
    if task.status is TaskStatus.VERIFIED:
        returned = _pay_by_substance(uow, task=task, submission=submission) if submission.is_credit_by_substance else 0
        if task.credits:
            uow.ledger.transfer(
                Posting(escrow, AccountKey.member(task.giver_id), task.credits, PostingKind.PAYOUT, key, now, task.id),
                community_id=task.community_id,
            )
        if returned:
            # task_id stays empty: postings.task_id is unique, and the key already names the task.
            rest = Posting(
                escrow,
                AccountKey.member(submission.owner_id),
                returned,
                PostingKind.REFUND,
                rest_key_for_task(task.id),
                now,
            )
            uow.ledger.transfer(rest, community_id=task.community_id)
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


def _pay_by_substance(uow: UnitOfWork, *, task: Task, submission: Submission) -> int:
    """Fixes what the verified task pays by its feedback's tier (domain.credit); returns what goes
    back to the owner."""
    community = uow.communities.find(task.community_id)
    min_words = community.settings.min_words if community is not None else 0
    escrowed = submission.escrow_per_feedback if task.escrowed is None else task.escrowed
    split = payout_for_text(
        task.feedback_text,
        base=submission.credits_per_feedback,
        escrowed=escrowed,
        min_words=min_words,
        assigned_at=task.assigned_at,
        deadline_at=task.deadline_at,
        handed_in_at=task.done_at or task.decided_at or task.deadline_at,
    )
    task.pay(split.paid)
    return split.returned


def settle_decided_task(uow: UnitOfWork, *, task: Task, now: datetime) -> None:
    """``settle_task`` for a task just decided inside ``uow``: locks its submission first, so two
    tasks of one submission deciding at once cannot both take the last slot or refund twice."""
    settle_task(uow, task=task, submission=get_submission(uow, task.submission_id, for_update=True), now=now)
