"""The sweep: the periodic safety net that makes sure a lost or crashed job never loses a task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.ports import UnitOfWork
from tgexchange.services.review import close_expired_review
from tgexchange.services.task import expire_overdue_tasks


@dataclass(frozen=True, slots=True)
class Sweep:
    expired: int
    reviews_closed: int
    to_verify: list[int]


def sweep(
    uow: UnitOfWork,
    *,
    now: datetime,
    policy: VerificationPolicy = VerificationPolicy(),
    batch: int = 500,
    after_restart: bool = False,
) -> Sweep:
    """The periodic safety net: expires overdue tasks, closes timed-out reviews, and returns the
    submissions whose next look is overdue (by ``policy.sweep_slack``, so a job that is merely on
    time is not doubled), so that a lost or crashed job never loses a task. ``after_restart`` also
    returns tasks that were in flight (marked up to ``policy.stuck_after`` ahead): a worker that
    starts cannot know whether their job died with a crashed one."""
    expired = expire_overdue_tasks(uow, now=now, batch=batch)
    with uow:
        review_ids = list(uow.tasks.list_review_expired(now=now, limit=batch))
    closed = sum(close_expired_review(uow, task_id=task_id, now=now) is not None for task_id in review_ids)
    with uow:
        horizon = policy.stuck_after if after_restart else -policy.sweep_slack
        due = list(uow.tasks.submissions_due_for_check(now=now + horizon, limit=batch))
    return Sweep(expired=expired, reviews_closed=closed, to_verify=due)
