"""Handing out tasks and the giver's side of their lifecycle."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from tgexchange.domain.errors import NoChannelLinked, NoTaskAvailable, TooManyOpenTasks
from tgexchange.domain.matching import HOLD, PREDICTED_RECIPROCITY_WEIGHT, Giver, MatchWeights, is_held, rank
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ledger import settle_decided_task
from tgexchange.services.lookup import get_acting_member, get_submission, get_task
from tgexchange.services.ports import QualityGate, QualityVerdict, UnitOfWork

CANDIDATES_TO_SCORE = 200
# How much of a member's earlier feedback the near-copy rule compares against.
NEAR_COPY_HISTORY = 50
_OPEN = frozenset({TaskStatus.ASSIGNED, TaskStatus.SUBMITTED, TaskStatus.VERIFYING})


@retry_on_conflict()
def request_task(
    uow: UnitOfWork,
    *,
    member_id: int,
    now: datetime,
    weights: MatchWeights = MatchWeights(),
    seed: int = 0,
    update_id: int | None = None,
) -> Task:
    """Assigns the member the best-matching submission (see domain.matching). With
    ``update_id`` (the Telegram update asking), a second call for the same update returns the
    task the first one took, unchanged. Raises MemberBanned, CommunityPaused, NoChannelLinked,
    TooManyOpenTasks or NoTaskAvailable."""
    with uow:
        if update_id is not None and (taken := uow.tasks.find_by_update(update_id)) is not None:
            return taken
        member, community = get_acting_member(uow, member_id)
        settings = community.settings
        if settings.match_by_reciprocity and not weights.predicted_reciprocity:
            weights = replace(weights, predicted_reciprocity=PREDICTED_RECIPROCITY_WEIGHT)
        platforms = frozenset(c.platform for c in uow.channels.list_for_member(member_id)) & settings.allowed_platforms
        if not platforms:
            raise NoChannelLinked(None)
        open_tasks = uow.tasks.count_open_for_giver(member_id)
        if open_tasks >= settings.max_open_tasks_per_member:
            raise TooManyOpenTasks(open_tasks, settings.max_open_tasks_per_member)
        giver = Giver.asking(member_id, platforms, now=now, hold=weights.predicted_reciprocity > 0)
        candidates = uow.submissions.candidates(
            community_id=member.community_id,
            giver_id=member_id,
            platforms=platforms,
            limit=CANDIDATES_TO_SCORE,
            holds_made_after=giver.holds_made_after,
        )
        submission = None
        # The best candidate may have filled up since it was read: lock it, re-check, else try the next.
        for best in rank(giver, candidates, now=now, weights=weights, seed=seed):
            locked = get_submission(uow, best.submission_id, for_update=True)
            if locked.free_slots > 0:
                submission = locked
                break
        if submission is None:
            opens_within_h = _hours_until_one_opens(uow, giver, community_id=member.community_id, now=now)
            # Kept although the request fails: the member showed up (domain/pace.py).
            _record_unmet(uow, [member_id], community_id=member.community_id, now=now)
            raise NoTaskAvailable(opens_within_h)
        submission.note_task_assigned(now)
        task = Task(
            community_id=member.community_id,
            submission_id=submission.id,
            giver_id=member_id,
            owner_id=submission.owner_id,
            platform=submission.platform,
            credits=submission.escrow_per_feedback,
            escrowed=submission.escrow_per_feedback,
            assigned_at=now,
            deadline_at=now + settings.task_deadline,
            update_id=update_id,
        )
        uow.tasks.add(task)
        uow.flush()
        task.record_assigned()
        uow.stats.record(member_id, tasks_taken=1)
        uow.commit()
        return task


def _hours_until_one_opens(uow: UnitOfWork, giver: Giver, *, community_id: int, now: datetime) -> int:
    """When the hold kept everything from this giver: the whole hours until the first held
    submission opens to everyone (sooner if it gets a verified feedback first); else 0. Only on
    this refusal, so the query costs nothing on the path that hands out a task."""
    if giver.holds_made_after is None:
        return 0
    held = [
        c.created_at + HOLD
        for c in uow.submissions.candidates(
            community_id=community_id, giver_id=giver.member_id, platforms=giver.platforms, limit=CANDIDATES_TO_SCORE
        )
        if c.created_at is not None and is_held(giver, c)
    ]
    return max(1, math.ceil((min(held) - now).total_seconds() / 3600)) if held else 0


def _record_unmet(uow: UnitOfWork, member_ids: Sequence[int], *, community_id: int, now: datetime) -> None:
    """Commits, in the open unit of work, the hour in which these members found no task."""
    uow.stats.note_unmet_requests(
        member_ids, community_id=community_id, hour=now.replace(minute=0, second=0, microsecond=0)
    )
    uow.commit()


@retry_on_conflict()
def note_no_tasks(uow: UnitOfWork, member_ids: Sequence[int], *, community_id: int, now: datetime) -> None:
    """Records what request_task records when it finds no task, for members a caller knew had none
    without asking it (the simulator's index of open submissions), in one transaction. It does not
    check what request_task would refuse first: a banned member cannot be matched as an owner, and
    one with too many open tasks has taken them, so the pace decides for neither."""
    with uow:
        _record_unmet(uow, member_ids, community_id=community_id, now=now)


@retry_on_conflict()
def mark_task_done(
    uow: UnitOfWork, *, member_id: int, task_id: int, now: datetime, feedback_text: str | None = None
) -> Task:
    """The giver says they left their feedback; verification comes next. Raises TaskNotFound,
    NotYourTask, TaskDeadlinePassed, TextTooLong, IllegalTransition, MemberBanned or
    CommunityPaused."""
    with uow:
        get_acting_member(uow, member_id)
        task = get_task(uow, task_id, for_update=True)
        task.mark_done(member_id=member_id, now=now, feedback_text=feedback_text)
        # Due when its first pass is (debounce after the Done): the sweeper asks for a pass
        # ``sweep_slack`` after that if none has started, so a process killed between this commit
        # and queueing the pass delays verification by minutes, not by the in-flight marker's 10.
        # An early ask costs nothing: the pacer keeps at most one pass scheduled per submission.
        task.next_check_at = now + VerificationPolicy().debounce
        uow.commit()
        return task


def judge_pasted_feedback(
    uow: UnitOfWork, gate: QualityGate, *, member_id: int, task_id: int, text: str, now: datetime
) -> QualityVerdict:
    """The quality gate's verdict on the text a member pasted for a task on a platform without
    public comments, before it is handed in: a text the gate refuses leaves the task open, so the
    member can improve their comment and paste it again (verification judges it once more).
    Raises what mark_task_done raises, without changing anything."""
    with uow:
        _, community = get_acting_member(uow, member_id)
        task = get_task(uow, task_id)
        task.ensure_can_hand_in(member_id=member_id, now=now, feedback_text=text)
        earlier = list(uow.tasks.recent_feedback_texts(member_id, limit=NEAR_COPY_HISTORY))
        min_words = community.settings.min_words
        submission = get_submission(uow, task.submission_id)
        topic = submission.topic if community.settings.check_relevance else None
    return gate.assess(text, min_words=min_words, earlier=earlier, content=topic, content_id=submission.content_id)


@retry_on_conflict()
def check_soon(uow: UnitOfWork, *, task_id: int, now: datetime) -> None:
    """Asks the sweeper to look at a task waiting for verification on its next round: for when
    the verification job could not be queued (the queue is unreachable)."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        if task.next_check_at is not None:
            task.next_check_at = min(task.next_check_at, now - VerificationPolicy().sweep_slack)
            uow.commit()


@retry_on_conflict()
def skip_task(uow: UnitOfWork, *, member_id: int, task_id: int, now: datetime) -> Task:
    """Gives the task back; its slot returns to the submission. Raises TaskNotFound, NotYourTask
    or IllegalTransition."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        task.skip(member_id=member_id, now=now)
        settle_decided_task(uow, task=task, now=now)
        uow.commit()
        return task


@retry_on_conflict()
def expire_task(uow: UnitOfWork, *, task_id: int, now: datetime) -> bool:
    """Expires one overdue assigned task; False when it is no longer due (already done, or not
    overdue after all)."""
    with uow:
        task = get_task(uow, task_id, for_update=True)
        if task.status is not TaskStatus.ASSIGNED or not task.is_overdue(now):
            return False
        task.expire(now)
        settle_decided_task(uow, task=task, now=now)
        uow.commit()
        return True


def expire_overdue_tasks(uow: UnitOfWork, *, now: datetime, batch: int = 500) -> int:
    """Expires every assigned task past its deadline, one transaction per task so that one
    failure cannot block the rest. Returns how many expired."""
    expired = 0
    while True:
        with uow:
            due = list(uow.tasks.list_overdue_ids(now=now, limit=batch))
        for task_id in due:
            expired += expire_task(uow, task_id=task_id, now=now)
        if len(due) < batch:
            return expired


def open_tasks(uow: UnitOfWork, *, member_id: int) -> list[Task]:
    with uow:
        return list(uow.tasks.list_for_giver(member_id, statuses=_OPEN, limit=None))


def cancel_assigned_tasks(uow: UnitOfWork, task_ids: list[int], *, reason: str, now: datetime) -> list[int]:
    """Cancels those of the tasks still assigned (not yet done), each settled; the ids cancelled.
    Runs inside the caller's unit of work."""
    cancelled = []
    for task_id in task_ids:
        task = uow.tasks.find(task_id, for_update=True)
        if task is None or task.status is not TaskStatus.ASSIGNED:
            continue
        task.cancel(reason=reason, now=now)
        settle_decided_task(uow, task=task, now=now)
        cancelled.append(task_id)
    return cancelled
