"""Verification passes: deciding tasks from public comments, or handing them to the owner where a
platform shows no comments publicly (the owner's answer and disputes: ``services/review.py``). One
fetch of a submission's comments serves every task waiting on it. A platform that fails or limits
us never causes a rejection: the task waits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from tgexchange.domain.content import ContentRef, PublicComment
from tgexchange.domain.errors import ContentUnavailable, PlatformUnavailable
from tgexchange.domain.quality import ContentTopic
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import RejectionReason, Task, TaskStatus
from tgexchange.domain.verification import Judged, VerificationPolicy, best_feedback, comments_by
from tgexchange.services.conflicts import retry_on_conflict
from tgexchange.services.ledger import settle_decided_task
from tgexchange.services.lookup import get_community, get_submission
from tgexchange.services.ports import CommentReader, QualityGate, UnitOfWork
from tgexchange.services.task import NEAR_COPY_HISTORY

_WAITING = frozenset({TaskStatus.SUBMITTED, TaskStatus.VERIFYING})
JOB = "verify_submission"


@dataclass(frozen=True, slots=True)
class VerificationRun:
    """What one verification pass did. ``retry_in`` is when to look again (None: nothing waits)."""

    submission_id: int
    verified: int = 0
    rejected: int = 0
    waiting: int = 0
    fetched: bool = False
    retry_in: timedelta | None = None
    paused: bool = False
    error: str | None = None


@dataclass(frozen=True, slots=True)
class _Pending:
    task_id: int
    giver_id: int
    channel_ids: frozenset[str]
    """Every channel the giver linked on the submission's platform: feedback may come from any."""
    assigned_at: datetime
    attempts: int
    deadline: datetime
    feedback_text: str | None
    earlier: tuple[str, ...]


def verify_submission(
    uow: UnitOfWork,
    comments: CommentReader,
    gate: QualityGate,
    *,
    submission_id: int,
    now: datetime,
    policy: VerificationPolicy = VerificationPolicy(),
) -> VerificationRun:
    """Decides what it can for every task of the submission that is marked done or verifying and
    not waiting on a person. Raises SubmissionNotFound. While the community is paused (its own
    kill switch or the global one) nothing is decided."""
    return verify_submissions(uow, comments, gate, submission_ids=[submission_id], now=now, policy=policy)[0]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A submission ready to decide: its waiting tasks and, on platforms with public comments,
    what one fetch found (``comments`` is None where the owner confirms instead)."""

    submission: Submission
    pending: list[_Pending]
    min_words: int
    comments: list[PublicComment] | None
    unavailable: bool = False
    topic: ContentTopic | None = None
    """What feedback must be about, when the community checks relevance (else None: not checked)."""


def verify_submissions(
    uow: UnitOfWork,
    comments: CommentReader,
    gate: QualityGate,
    *,
    submission_ids: Sequence[int],
    now: datetime,
    policy: VerificationPolicy = VerificationPolicy(),
) -> list[VerificationRun]:
    """``verify_submission`` for several submissions, one run each in the same order: one fetch
    per submission, and every candidate text of all of them judged in a single quality-gate call
    (the classifiers cost mostly per call). Each submission is decided in its own transaction."""
    runs: dict[int, VerificationRun] = {}
    plans: list[_Plan] = []
    for submission_id in submission_ids:
        prepared = _prepare(uow, submission_id=submission_id, now=now, policy=policy)
        submission, pending, min_words, paused, topic = prepared
        if paused:
            runs[submission_id] = VerificationRun(
                submission_id, paused=True, waiting=len(pending), retry_in=policy.paused_recheck
            )
        elif not pending:
            runs[submission_id] = VerificationRun(submission_id)
        elif not submission.platform.has_public_comments:
            plans.append(_Plan(submission, pending, min_words, None, topic=topic))
        else:
            plan = _fetch(
                uow, comments, submission=submission, pending=pending, min_words=min_words, now=now, policy=policy
            )
            if isinstance(plan, VerificationRun):
                runs[submission_id] = plan
            else:
                plans.append(replace(plan, topic=topic))
    verdicts = _judge_all(gate, plans, now=now)
    for plan in plans:
        submission_id = plan.submission.id
        if plan.comments is None:
            runs[submission_id] = _hand_to_owners(uow, plan=plan, verdicts=verdicts, now=now, policy=policy)
        else:
            runs[submission_id] = _decide_from_comments(uow, plan=plan, verdicts=verdicts, now=now, policy=policy)
    return [runs[submission_id] for submission_id in submission_ids]


def _fetch(
    uow: UnitOfWork,
    reader: CommentReader,
    *,
    submission: Submission,
    pending: list[_Pending],
    min_words: int,
    now: datetime,
    policy: VerificationPolicy,
) -> _Plan | VerificationRun:
    ref = ContentRef(submission.platform, submission.kind, submission.content_id, submission.url)
    try:
        found = list(reader.read_comments(ref, limit=policy.comments_to_read))
    except PlatformUnavailable as error:
        return _platform_failed(uow, submission=submission, pending=pending, error=error, now=now, policy=policy)
    except ContentUnavailable as error:
        _record_failure(uow, submission=submission, kind="content_unavailable", detail=error.message, now=now)
        return _Plan(submission, pending, min_words, [], unavailable=True)
    return _Plan(submission, pending, min_words, found)


@retry_on_conflict()
def _prepare(
    uow: UnitOfWork, *, submission_id: int, now: datetime, policy: VerificationPolicy
) -> tuple[Submission, list[_Pending], int, bool, ContentTopic | None]:
    """Moves tasks marked done to verifying and snapshots what the decision needs: the tasks, the
    community's minimum of words, whether it is paused and, when it checks relevance, the topic."""
    with uow:
        submission = get_submission(uow, submission_id)
        community = get_community(uow, submission.community_id)
        topic = submission.topic if community.settings.check_relevance else None
        if not community.is_open:
            waiting = uow.tasks.list_for_submission(submission_id, statuses=_WAITING)
            return submission, [_snapshot(uow, t, submission, policy) for t in waiting], 0, True, topic
        pending: list[_Pending] = []
        for listed in uow.tasks.list_for_submission(submission_id, statuses=_WAITING):
            task = uow.tasks.find(listed.id, for_update=True)
            if task is None or task.status not in _WAITING or task.review_stage is not None:
                continue
            if task.status is TaskStatus.SUBMITTED:
                task.start_verifying(now)
            task.note_attempt()
            # If this pass dies (a crashed worker), the sweeper looks again after this moment.
            task.next_check_at = now + policy.stuck_after
            pending.append(_snapshot(uow, task, submission, policy))
        uow.commit()
        return submission, pending, community.settings.min_words, False, topic


def _snapshot(uow: UnitOfWork, task: Task, submission: Submission, policy: VerificationPolicy) -> _Pending:
    return _Pending(
        task_id=task.id,
        giver_id=task.giver_id,
        channel_ids=frozenset(
            c.channel_id for c in uow.channels.list_for_member(task.giver_id) if c.platform is submission.platform
        ),
        assigned_at=task.assigned_at,
        attempts=task.verification_attempts,
        deadline=task.verification_deadline(policy.grace),
        feedback_text=task.feedback_text,
        earlier=tuple(uow.tasks.recent_feedback_texts(task.giver_id, limit=NEAR_COPY_HISTORY)),
    )


def _record_failure(uow: UnitOfWork, *, submission: Submission, kind: str, detail: str, now: datetime) -> None:
    with uow:
        uow.failures.record(
            kind=kind,
            job=JOB,
            detail=detail,
            at=now,
            platform=submission.platform,
            community_id=submission.community_id,
            submission_id=submission.id,
        )
        uow.commit()


@retry_on_conflict()
def _platform_failed(
    uow: UnitOfWork,
    *,
    submission: Submission,
    pending: list[_Pending],
    error: PlatformUnavailable,
    now: datetime,
    policy: VerificationPolicy,
) -> VerificationRun:
    """An outage or a rate limit: nobody is rejected; every task waits for the next look, except a
    task ``policy.outage_limit`` past its deadline, which is called off without blame."""
    attempts = max((p.attempts for p in pending), default=1)
    delay = policy.retry_delay(attempts)
    if error.retry_after_s is not None:
        delay = max(delay, timedelta(seconds=error.retry_after_s))
    with uow:
        uow.failures.record(
            kind="platform_unavailable",
            job=JOB,
            detail=error.message + f" ({error.params.get('detail')})",
            at=now,
            platform=submission.platform,
            community_id=submission.community_id,
            submission_id=submission.id,
        )
        waiting = called_off = 0
        for item in pending:
            task = uow.tasks.find(item.task_id, for_update=True)
            if task is None or task.status is not TaskStatus.VERIFYING:
                continue
            if now >= item.deadline + policy.outage_limit:
                task.reject(reason=RejectionReason.PLATFORM_UNAVAILABLE.value, now=now)
                settle_decided_task(uow, task=task, now=now)
                called_off += 1
            else:
                task.next_check_at = now + delay
                waiting += 1
        uow.commit()
    return VerificationRun(
        submission.id, rejected=called_off, waiting=waiting, retry_in=delay if waiting else None, error=error.code
    )


def _judge_all(gate: QualityGate, plans: list[_Plan], *, now: datetime) -> dict[tuple[int, str | None], Judged]:
    """Every candidate text of every plan judged in one call. Keys: (task id, comment id), with
    comment id None for text the member pasted (platforms where the owner confirms)."""
    keys: list[tuple[int, str | None]] = []
    texts: list[str] = []
    earlier: list[Sequence[str]] = []
    comment_of: dict[tuple[int, str | None], PublicComment | None] = {}
    min_words: list[int] = []
    topics: list[ContentTopic | None] = []
    content_ids: list[str] = []
    for plan in plans:
        for item in plan.pending:
            if plan.comments is None:
                candidates: list[PublicComment | None] = [None]
            elif item.channel_ids:
                candidates = list(
                    comments_by(plan.comments, channel_ids=item.channel_ids, since=item.assigned_at, now=now)
                )
            else:
                candidates = []
            for comment in candidates:
                key = (item.task_id, comment.comment_id if comment else None)
                keys.append(key)
                texts.append(comment.text if comment else item.feedback_text or "")
                earlier.append(item.earlier)
                comment_of[key] = comment
                min_words.append(plan.min_words)
                topics.append(plan.topic)
                content_ids.append(plan.submission.content_id)
    judged: dict[tuple[int, str | None], Judged] = {}
    # Communities may differ in their minimum: one call per distinct minimum (usually one).
    for minimum in sorted(set(min_words)):
        chosen = [i for i, m in enumerate(min_words) if m == minimum]
        verdicts = gate.assess_many(
            [texts[i] for i in chosen],
            min_words=minimum,
            earlier=[earlier[i] for i in chosen],
            content=[topics[i] for i in chosen],
            content_ids=[content_ids[i] for i in chosen],
        )
        for i, verdict in zip(chosen, verdicts, strict=True):
            judged[keys[i]] = Judged(comment_of[keys[i]], verdict.accepted, verdict.rule)
    return judged


def _best_for(task_id: int, verdicts: dict[tuple[int, str | None], Judged]) -> Judged | None:
    return best_feedback([judged for (tid, _), judged in verdicts.items() if tid == task_id])


@retry_on_conflict()
def _decide_from_comments(
    uow: UnitOfWork,
    *,
    plan: _Plan,
    verdicts: dict[tuple[int, str | None], Judged],
    now: datetime,
    policy: VerificationPolicy,
) -> VerificationRun:
    verified = rejected = waiting = 0
    next_look: timedelta | None = None
    with uow:
        for item in plan.pending:
            task = uow.tasks.find(item.task_id, for_update=True)
            if task is None or task.status is not TaskStatus.VERIFYING or task.review_stage is not None:
                continue
            best = _best_for(item.task_id, verdicts)
            if best is not None and best.comment is not None:
                task.feedback_text = best.comment.text
                if best.accepted:
                    task.verify(now=now, comment_id=best.comment.comment_id)
                    verified += 1
                else:
                    task.reject(reason=best.rule or "low_quality", now=now, comment_id=best.comment.comment_id)
                    rejected += 1
            elif now >= item.deadline and not plan.unavailable and policy.ask_owner_when_not_found:
                # Not public, but maybe held for the owner's review: ask before rejecting.
                task.ask_owner_about_held(now=now, until=now + policy.held_timeout)
                waiting += 1
                continue
            elif now >= item.deadline:
                reason = RejectionReason.CONTENT_UNAVAILABLE if plan.unavailable else RejectionReason.NOT_FOUND
                task.reject(reason=reason.value, now=now)
                rejected += 1
            else:
                delay = min(policy.retry_delay(item.attempts), max(item.deadline - now, timedelta(seconds=1)))
                task.keep_looking(now=now, next_look_at=now + delay, until=item.deadline)
                next_look = delay if next_look is None else min(next_look, delay)
                waiting += 1
                continue
            settle_decided_task(uow, task=task, now=now)
        uow.commit()
    return VerificationRun(
        plan.submission.id,
        verified=verified,
        rejected=rejected,
        waiting=waiting,
        fetched=True,
        retry_in=next_look,
    )


@retry_on_conflict()
def _hand_to_owners(
    uow: UnitOfWork,
    *,
    plan: _Plan,
    verdicts: dict[tuple[int, str | None], Judged],
    now: datetime,
    policy: VerificationPolicy,
) -> VerificationRun:
    """Platforms without public comments: the text the member pasted must pass the quality gate,
    then the submission's owner confirms it is really there."""
    rejected = waiting = 0
    with uow:
        for item in plan.pending:
            task = uow.tasks.find(item.task_id, for_update=True)
            if task is None or task.status is not TaskStatus.VERIFYING or task.review_stage is not None:
                continue
            verdict = verdicts[(item.task_id, None)]
            if not verdict.accepted:
                task.reject(reason=verdict.rule or "low_quality", now=now)
                settle_decided_task(uow, task=task, now=now)
                rejected += 1
            else:
                task.await_owner(now=now, until=now + policy.owner_timeout)
                waiting += 1
        uow.commit()
    return VerificationRun(plan.submission.id, rejected=rejected, waiting=waiting)
