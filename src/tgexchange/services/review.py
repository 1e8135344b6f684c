"""Owner review: where a platform shows no comments publicly, the content's owner confirms the
feedback is there; a denial may be disputed and the community's admins decide. On YouTube, a
comment not found by the deadline may be held for the owner's review: the owner is asked, and
their "yes" verifies it (audited as owner-confirmed), their "no" or silence rejects it as not
found. Every step that ends a task settles it; a review nobody finishes in time is closed by the
sweep."""

from __future__ import annotations

from datetime import datetime

from tgexchange.domain.audit import AuditAction, AuditEntry
from tgexchange.domain.errors import TaskNotFound
from tgexchange.domain.task import RejectionReason, ReviewStage, Task, TaskStatus
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ledger import settle_decided_task
from tgexchange.services.lookup import get_admin, get_community, get_task
from tgexchange.services.ports import UnitOfWork


@retry_on_conflict()
def answer_owner_review(
    uow: UnitOfWork,
    *,
    owner_member_id: int,
    task_id: int,
    confirmed: bool,
    now: datetime,
    policy: VerificationPolicy = VerificationPolicy(),
) -> Task:
    """The owner's answer: "it's there" verifies and pays; "not there" opens a window in which the
    giver may dispute, except for a comment held for review (YouTube), which is then rejected as
    not found: the giver can see their own comment's state on YouTube and nothing public shows
    it. Raises TaskNotFound, NotYourTask, IllegalTransition (already answered) or CommunityPaused
    (the kill switch stops every payout)."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        task.ensure_owner_review(owner_member_id)
        get_community(uow, task.community_id).ensure_open()
        if task.review_stage is ReviewStage.HELD:
            _answer_held(uow, task, confirmed=confirmed, now=now)
        elif confirmed:
            task.verify(now=now)
            settle_decided_task(uow, task=task, now=now)
        else:
            task.owner_denies(member_id=owner_member_id, now=now, until=now + policy.dispute_window)
        uow.commit()
        return task


def _answer_held(uow: UnitOfWork, task: Task, *, confirmed: bool, now: datetime) -> None:
    if confirmed:
        task.verify(now=now)
        uow.audit.add(
            AuditEntry(
                community_id=task.community_id,
                action=AuditAction.OWNER_CONFIRMED,
                at=now,
                actor_member_id=task.owner_id,
                target_member_id=task.giver_id,
                detail=f"task {task.id}: held for review",
            )
        )
    else:
        task.reject(reason=RejectionReason.NOT_FOUND.value, now=now)
    settle_decided_task(uow, task=task, now=now)


@retry_on_conflict()
def dispute_denial(
    uow: UnitOfWork,
    *,
    giver_member_id: int,
    task_id: int,
    now: datetime,
    policy: VerificationPolicy = VerificationPolicy(),
) -> Task:
    """The giver contests the owner's "not there"; the community's admins decide. Raises
    TaskNotFound, NotYourTask, IllegalTransition (no denial to dispute, or too late) or
    CommunityPaused."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        get_community(uow, task.community_id).ensure_open()
        task.dispute(member_id=giver_member_id, now=now, until=now + policy.admin_timeout)
        uow.commit()
        return task


@retry_on_conflict()
def resolve_dispute(uow: UnitOfWork, *, admin_member_id: int, task_id: int, verified: bool, now: datetime) -> Task:
    """An admin of the task's community settles a dispute. Raises NotAnAdmin, TaskNotFound,
    IllegalTransition or CommunityPaused (resume first: the kill switch stops every payout)."""
    with uow:
        _, community = get_admin(uow, admin_member_id)
        task = get_task(uow, task_id, for_update=True)
        if task.community_id != community.id:
            raise TaskNotFound(task_id)  # another community's task is, to this admin, not found
        community.ensure_open()
        task.ensure_admin_review()
        if verified:
            task.verify(now=now)
        else:
            task.reject(reason=RejectionReason.OWNER_DENIED.value, now=now)
        settle_decided_task(uow, task=task, now=now)
        uow.commit()
        return task


@retry_on_conflict()
def close_expired_review(uow: UnitOfWork, *, task_id: int, now: datetime) -> Task | None:
    """Ends a review nobody finished in time: an owner who never answers counts as confirming (the
    text already passed the quality gate); an undisputed denial stands; a dispute no admin settled
    keeps the owner's denial; an owner who never says whether a comment is held for their review
    leaves it not found. None when the task no longer waits on a review, or its community is
    paused (resuming gives the review its paused time back)."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        if task.status is not TaskStatus.VERIFYING or task.review_until is None or task.review_until > now:
            return None
        if not get_community(uow, task.community_id).is_open:
            return None
        if task.review_stage is ReviewStage.OWNER:
            task.verify(now=now)
        elif task.review_stage in (ReviewStage.DISPUTE_WINDOW, ReviewStage.ADMIN):
            task.reject(reason=RejectionReason.OWNER_DENIED.value, now=now)
        elif task.review_stage is ReviewStage.HELD:
            task.reject(reason=RejectionReason.NOT_FOUND.value, now=now)
        else:
            return None
        settle_decided_task(uow, task=task, now=now)
        uow.commit()
        return task
