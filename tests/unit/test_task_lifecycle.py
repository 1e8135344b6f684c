"""The task state machine: every legal move works and records its event, every other is refused."""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.fakes import T0
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import IllegalTransition, NotYourTask, TaskDeadlinePassed, TextTooLong
from tgexchange.domain.events import (
    TaskAssigned,
    TaskCancelled,
    TaskEvent,
    TaskExpired,
    TaskRejected,
    TaskSkipped,
    TaskSubmitted,
    TaskVerified,
)
from tgexchange.domain.task import ALLOWED_TRANSITIONS, MAX_FEEDBACK_TEXT, Task, TaskStatus

GIVER = 11
OWNER = 22
DEADLINE = T0 + timedelta(hours=48)
LATER = T0 + timedelta(hours=1)


def make_task(status: TaskStatus = TaskStatus.ASSIGNED, **overrides: Any) -> Task:
    fields: dict[str, Any] = {
        "community_id": 1,
        "submission_id": 7,
        "giver_id": GIVER,
        "owner_id": OWNER,
        "platform": Platform.YOUTUBE,
        "credits": 10,
        "assigned_at": T0,
        "deadline_at": DEADLINE,
        "status": status,
        "_id": 99,
    }
    fields.update(overrides)
    return Task(**fields)


def event_of(kind: type[TaskEvent], now: datetime, **extra: Any) -> TaskEvent:
    """The event ``make_task()``'s task records, with every fact a handler needs."""
    return kind(
        occurred_at=now,
        task_id=99,
        submission_id=7,
        community_id=1,
        giver_id=GIVER,
        owner_id=OWNER,
        platform=Platform.YOUTUBE,
        assigned_at=T0,
        **extra,
    )


def state_of(task: Task) -> dict[str, Any]:
    # Fields only: once the storage mappers are set up, instances also carry SQLAlchemy state.
    return {f.name: copy.deepcopy(getattr(task, f.name)) for f in dataclasses.fields(task)}


# One public way to ask for each target status (none exists for "assigned": a task is born there).
MOVES: dict[TaskStatus, Callable[[Task], None]] = {
    TaskStatus.ASSIGNED: lambda task: task._move(TaskStatus.ASSIGNED),
    TaskStatus.SUBMITTED: lambda task: task.mark_done(member_id=GIVER, now=LATER, feedback_text="nice pacing"),
    TaskStatus.VERIFYING: lambda task: task.start_verifying(LATER),
    TaskStatus.VERIFIED: lambda task: task.verify(now=LATER, comment_id="c1"),
    TaskStatus.REJECTED: lambda task: task.reject(reason="not_found", now=LATER),
    TaskStatus.EXPIRED: lambda task: task.expire(DEADLINE),
    TaskStatus.SKIPPED: lambda task: task.skip(member_id=GIVER, now=LATER),
    TaskStatus.CANCELLED: lambda task: task.cancel(reason="submission_cancelled", now=LATER),
}

LEGAL_PAIRS = sorted((source, target) for source, targets in ALLOWED_TRANSITIONS.items() for target in targets)
ILLEGAL_PAIRS = [
    (source, target)
    for source, target in itertools.product(TaskStatus, TaskStatus)
    if target not in ALLOWED_TRANSITIONS.get(source, frozenset())
]


def test_the_lifecycle_allows_exactly_the_designed_transitions() -> None:
    assert set(LEGAL_PAIRS) == {
        (TaskStatus.ASSIGNED, TaskStatus.SUBMITTED),
        (TaskStatus.ASSIGNED, TaskStatus.SKIPPED),
        (TaskStatus.ASSIGNED, TaskStatus.CANCELLED),
        (TaskStatus.ASSIGNED, TaskStatus.EXPIRED),
        (TaskStatus.SUBMITTED, TaskStatus.VERIFYING),
        (TaskStatus.VERIFYING, TaskStatus.VERIFIED),
        (TaskStatus.VERIFYING, TaskStatus.REJECTED),
    }
    assert len(ILLEGAL_PAIRS) == len(TaskStatus) ** 2 - len(LEGAL_PAIRS)


def test_only_assigned_submitted_and_verifying_tasks_are_open() -> None:
    open_statuses = {s for s in TaskStatus if s.is_open}
    assert open_statuses == {TaskStatus.ASSIGNED, TaskStatus.SUBMITTED, TaskStatus.VERIFYING}
    assert all(s.is_final != s.is_open for s in TaskStatus)


def test_final_statuses_have_no_way_out() -> None:
    for status in TaskStatus:
        if status.is_final:
            assert not ALLOWED_TRANSITIONS.get(status)


@pytest.mark.parametrize(("source", "target"), LEGAL_PAIRS, ids=lambda s: s.value)
def test_every_legal_transition_moves_the_task(source: TaskStatus, target: TaskStatus) -> None:
    task = make_task(source)
    assert task.can_move_to(target)

    MOVES[target](task)

    assert task.status is target


def test_record_assigned_records_task_assigned_at_the_assignment_time() -> None:
    task = make_task()

    task.record_assigned()

    assert task.status is TaskStatus.ASSIGNED
    assert task.events == [event_of(TaskAssigned, T0)]


def test_mark_done_records_the_time_the_text_and_task_submitted() -> None:
    task = make_task()

    task.mark_done(member_id=GIVER, now=LATER, feedback_text="great hook, slow middle")

    assert task.status is TaskStatus.SUBMITTED
    assert task.done_at == LATER
    assert task.feedback_text == "great hook, slow middle"
    assert task.events == [event_of(TaskSubmitted, LATER)]


def test_skip_records_the_time_and_task_skipped() -> None:
    task = make_task()

    task.skip(member_id=GIVER, now=LATER)

    assert task.decided_at == LATER
    assert task.events == [event_of(TaskSkipped, LATER)]


def test_cancel_records_the_reason_and_task_cancelled() -> None:
    task = make_task()

    task.cancel(reason="community_paused", now=LATER)

    assert task.reason == "community_paused"
    assert task.decided_at == LATER
    assert task.events == [event_of(TaskCancelled, LATER, reason="community_paused")]


def test_expire_records_the_time_and_task_expired() -> None:
    task = make_task()

    task.expire(DEADLINE)

    assert task.decided_at == DEADLINE
    assert task.events == [event_of(TaskExpired, DEADLINE)]


def test_start_verifying_records_when_verification_began_without_an_event() -> None:
    task = make_task(TaskStatus.SUBMITTED)

    task.start_verifying(LATER)

    assert task.verifying_at == LATER
    assert task.events == []


def test_verify_records_the_comment_and_task_verified_with_the_credits() -> None:
    task = make_task(TaskStatus.VERIFYING, reason="left over")

    task.verify(now=LATER, comment_id="c42")

    assert task.decided_at == LATER
    assert task.comment_id == "c42"
    assert task.reason is None
    assert task.events == [event_of(TaskVerified, LATER, credits=10)]


def test_reject_records_the_reason_and_task_rejected() -> None:
    task = make_task(TaskStatus.VERIFYING)

    task.reject(reason="low_quality", now=LATER, comment_id="c7")

    assert task.decided_at == LATER
    assert task.reason == "low_quality"
    assert task.comment_id == "c7"
    assert task.events == [event_of(TaskRejected, LATER, reason="low_quality")]


def test_the_full_happy_path_records_submitted_then_verified() -> None:
    task = make_task()

    task.mark_done(member_id=GIVER, now=LATER)
    task.start_verifying(LATER)
    task.note_attempt()
    task.verify(now=LATER)

    assert task.status is TaskStatus.VERIFIED
    assert task.verification_attempts == 1
    assert [type(e) for e in task.events] == [TaskSubmitted, TaskVerified]


@pytest.mark.parametrize(("source", "target"), ILLEGAL_PAIRS, ids=lambda s: s.value)
def test_every_illegal_transition_is_refused_and_changes_nothing(source: TaskStatus, target: TaskStatus) -> None:
    task = make_task(source)
    before = state_of(task)
    assert not task.can_move_to(target)

    with pytest.raises(IllegalTransition) as refusal:
        MOVES[target](task)

    assert refusal.value.params == {"task_id": 99, "current": source.value, "wanted": target.value}
    assert state_of(task) == before


def test_mark_done_refuses_another_members_task() -> None:
    task = make_task()
    before = state_of(task)

    with pytest.raises(NotYourTask):
        task.mark_done(member_id=OWNER, now=LATER)

    assert state_of(task) == before


def test_skip_refuses_another_members_task() -> None:
    task = make_task()
    before = state_of(task)

    with pytest.raises(NotYourTask):
        task.skip(member_id=OWNER, now=LATER)

    assert state_of(task) == before


@pytest.mark.parametrize("now", [DEADLINE, DEADLINE + timedelta(seconds=1), DEADLINE + timedelta(days=3)])
def test_mark_done_refuses_once_the_deadline_has_passed(now: datetime) -> None:
    task = make_task()
    before = state_of(task)

    with pytest.raises(TaskDeadlinePassed):
        task.mark_done(member_id=GIVER, now=now)

    assert state_of(task) == before


def test_mark_done_is_accepted_just_before_the_deadline() -> None:
    task = make_task()

    task.mark_done(member_id=GIVER, now=DEADLINE - timedelta(microseconds=1))

    assert task.status is TaskStatus.SUBMITTED


def test_mark_done_refuses_feedback_text_over_the_limit() -> None:
    task = make_task()
    before = state_of(task)

    with pytest.raises(TextTooLong) as refusal:
        task.mark_done(member_id=GIVER, now=LATER, feedback_text="x" * (MAX_FEEDBACK_TEXT + 1))

    assert refusal.value.params == {"length": MAX_FEEDBACK_TEXT + 1, "maximum": MAX_FEEDBACK_TEXT}
    assert state_of(task) == before


def test_mark_done_accepts_feedback_text_exactly_at_the_limit() -> None:
    task = make_task()

    task.mark_done(member_id=GIVER, now=LATER, feedback_text="x" * MAX_FEEDBACK_TEXT)

    assert task.feedback_text is not None
    assert len(task.feedback_text) == MAX_FEEDBACK_TEXT


def test_is_overdue_starts_exactly_at_the_deadline() -> None:
    task = make_task()

    assert not task.is_overdue(DEADLINE - timedelta(microseconds=1))
    assert task.is_overdue(DEADLINE)


@pytest.mark.parametrize("status", [s for s in TaskStatus if s.is_open], ids=lambda s: s.value)
def test_extend_deadline_moves_an_open_tasks_deadline(status: TaskStatus) -> None:
    task = make_task(status)

    task.extend_deadline(timedelta(hours=5))

    assert task.deadline_at == DEADLINE + timedelta(hours=5)


@pytest.mark.parametrize("status", [s for s in TaskStatus if s.is_final], ids=lambda s: s.value)
def test_extend_deadline_leaves_a_finished_task_alone(status: TaskStatus) -> None:
    task = make_task(status)

    task.extend_deadline(timedelta(hours=5))

    assert task.deadline_at == DEADLINE
