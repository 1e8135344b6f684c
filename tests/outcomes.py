"""Deciding a task directly, skipping the verification pass: for tests that need a task verified
or rejected as set-up, or that exercise settling itself. The product never decides this way."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ledger import settle_decided_task
from tgexchange.services.lookup import get_task
from tgexchange.services.ports import UnitOfWork


@retry_on_conflict()
def record_verification_outcome(
    uow: UnitOfWork,
    *,
    task_id: int,
    verified: bool,
    now: datetime,
    reason: str | None = None,
    comment_id: str | None = None,
) -> Task:
    """Decides the task directly: verified pays the giver from escrow, rejected frees the slot.
    Idempotent: a task already decided is returned unchanged, so a job that runs twice cannot pay
    twice. Raises TaskNotFound, or IllegalTransition for a task not yet marked done."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        if task.status.is_final:
            return task
        if task.status is TaskStatus.SUBMITTED:
            task.start_verifying(now)
        if verified:
            task.verify(now=now, comment_id=comment_id)
        else:
            task.reject(reason=reason or "rejected", now=now, comment_id=comment_id)
        settle_decided_task(uow, task=task, now=now)
        uow.commit()
        return task
