"""A submission's slots and the share of its escrow each finished task releases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import T0
from tgexchange.domain.content import ContentKind, Platform
from tgexchange.domain.errors import NotYourSubmission, SubmissionClosed
from tgexchange.domain.events import SubmissionCancelled, SubmissionCompleted
from tgexchange.domain.submission import Submission, SubmissionStatus
from tgexchange.domain.task import TaskStatus

OWNER = 5
LATER = T0 + timedelta(hours=2)
FAILED = [TaskStatus.REJECTED, TaskStatus.EXPIRED, TaskStatus.SKIPPED, TaskStatus.CANCELLED]


def submission(wanted: int = 3, credits: int = 10, **overrides: Any) -> Submission:
    fields: dict[str, Any] = {
        "community_id": 1,
        "owner_id": OWNER,
        "platform": Platform.YOUTUBE,
        "kind": ContentKind.VIDEO,
        "content_id": "vid1",
        "url": "https://youtube.example/vid1",
        "title": "My video",
        "feedback_wanted": wanted,
        "credits_per_feedback": credits,
        "created_at": T0,
        "waiting_since": T0,
        "_id": 12,
    }
    fields.update(overrides)
    return Submission(**fields)


def assigned(sub: Submission, count: int) -> Submission:
    for _ in range(count):
        sub.note_task_assigned(T0)
    return sub


def test_escrow_total_is_the_price_of_every_wanted_feedback() -> None:
    assert submission(wanted=4, credits=15).escrow_total == 60


def test_a_new_submission_has_every_slot_free() -> None:
    sub = submission(wanted=3)

    assert sub.free_slots == 3
    assert sub.is_open


def test_free_slots_count_out_open_and_verified_tasks() -> None:
    sub = submission(wanted=5, tasks_open=2, tasks_verified=1)

    assert sub.free_slots == 2


@pytest.mark.parametrize("status", [SubmissionStatus.COMPLETED, SubmissionStatus.CANCELLED])
def test_a_closed_submission_has_no_free_slots(status: SubmissionStatus) -> None:
    assert submission(wanted=5, status=status).free_slots == 0


def test_assigning_a_task_takes_a_slot_and_restarts_the_wait() -> None:
    sub = submission(wanted=3)

    sub.note_task_assigned(LATER)

    assert (sub.tasks_open, sub.free_slots, sub.waiting_since) == (1, 2, LATER)


def test_assigning_refuses_a_fully_booked_submission() -> None:
    sub = assigned(submission(wanted=2), 2)

    with pytest.raises(SubmissionClosed) as refusal:
        sub.note_task_assigned(LATER)

    assert refusal.value.params["status"] == "fully booked"
    assert (sub.tasks_open, sub.waiting_since) == (2, T0)


@pytest.mark.parametrize("status", [SubmissionStatus.COMPLETED, SubmissionStatus.CANCELLED])
def test_assigning_refuses_a_closed_submission(status: SubmissionStatus) -> None:
    sub = submission(status=status)

    with pytest.raises(SubmissionClosed) as refusal:
        sub.note_task_assigned(LATER)

    assert refusal.value.params["status"] == status.value
    assert sub.tasks_open == 0


def test_a_verified_task_counts_toward_the_wanted_feedback_and_pays_no_refund() -> None:
    sub = assigned(submission(wanted=3), 2)

    refund = sub.note_task_finished(TaskStatus.VERIFIED, LATER)

    assert refund == 0
    assert (sub.tasks_open, sub.tasks_verified, sub.status) == (1, 1, SubmissionStatus.OPEN)
    assert sub.events == []


def test_the_last_wanted_feedback_completes_the_submission() -> None:
    sub = assigned(submission(wanted=2), 2)
    sub.note_task_finished(TaskStatus.VERIFIED, LATER)

    sub.note_task_finished(TaskStatus.VERIFIED, LATER + timedelta(hours=1))

    assert sub.status is SubmissionStatus.COMPLETED
    assert sub.closed_at == LATER + timedelta(hours=1)
    assert sub.free_slots == 0
    assert sub.events == [
        SubmissionCompleted(occurred_at=LATER + timedelta(hours=1), submission_id=12, owner_id=OWNER, community_id=1)
    ]


@pytest.mark.parametrize("outcome", FAILED, ids=lambda s: s.value)
def test_a_failed_task_on_an_open_submission_frees_its_slot_without_a_refund(outcome: TaskStatus) -> None:
    sub = assigned(submission(wanted=2), 2)

    refund = sub.note_task_finished(outcome, LATER)

    assert refund == 0
    assert (sub.tasks_open, sub.free_slots) == (1, 1)


def test_cancel_refunds_every_slot_neither_verified_nor_in_flight() -> None:
    sub = assigned(submission(wanted=5, credits=10), 3)
    sub.note_task_finished(TaskStatus.VERIFIED, LATER)

    refund = sub.cancel(member_id=OWNER, now=LATER)

    # 5 wanted, 1 verified, 2 still open: 2 slots were never used.
    assert refund == 20
    assert (sub.status, sub.closed_at, sub.free_slots) == (SubmissionStatus.CANCELLED, LATER, 0)
    assert sub.events == [
        SubmissionCancelled(occurred_at=LATER, submission_id=12, owner_id=OWNER, community_id=1, refunded=20)
    ]


def test_cancel_with_no_tasks_refunds_the_whole_escrow() -> None:
    sub = submission(wanted=3, credits=7)

    assert sub.cancel(member_id=OWNER, now=LATER) == sub.escrow_total == 21


def test_cancel_refuses_someone_elses_submission() -> None:
    sub = submission()

    with pytest.raises(NotYourSubmission):
        sub.cancel(member_id=OWNER + 1, now=LATER)

    assert sub.status is SubmissionStatus.OPEN
    assert sub.events == []


@pytest.mark.parametrize("status", [SubmissionStatus.COMPLETED, SubmissionStatus.CANCELLED])
def test_cancel_refuses_a_closed_submission(status: SubmissionStatus) -> None:
    sub = submission(status=status)

    with pytest.raises(SubmissionClosed):
        sub.cancel(member_id=OWNER, now=LATER)

    assert sub.status is status
    assert sub.events == []


@pytest.mark.parametrize("outcome", FAILED, ids=lambda s: s.value)
def test_a_task_failing_after_cancellation_refunds_its_share(outcome: TaskStatus) -> None:
    sub = assigned(submission(wanted=3, credits=10), 2)
    sub.cancel(member_id=OWNER, now=LATER)

    refund = sub.note_task_finished(outcome, LATER)

    assert refund == 10
    assert sub.tasks_open == 1


def test_a_task_verified_after_cancellation_is_paid_and_refunds_nothing() -> None:
    sub = assigned(submission(wanted=3, credits=10), 2)
    sub.cancel(member_id=OWNER, now=LATER)

    refund = sub.note_task_finished(TaskStatus.VERIFIED, LATER)

    assert refund == 0
    assert (sub.tasks_verified, sub.status) == (1, SubmissionStatus.CANCELLED)
    assert not any(isinstance(e, SubmissionCompleted) for e in sub.events)


def test_a_failed_task_on_a_completed_submission_refunds_nothing() -> None:
    sub = submission(status=SubmissionStatus.COMPLETED, tasks_open=1)

    assert sub.note_task_finished(TaskStatus.REJECTED, LATER) == 0


@given(
    wanted=st.integers(min_value=1, max_value=8),
    credits=st.integers(min_value=1, max_value=50),
    steps=st.lists(st.sampled_from(["assign", "verify", "fail", "cancel"]), max_size=30),
)
def test_escrow_is_exactly_spent_once_every_task_is_decided(wanted: int, credits: int, steps: list[str]) -> None:
    """Whatever happens, payouts plus refunds never exceed the escrow, and once nothing is in
    flight on a closed submission they add up to it exactly."""
    sub = submission(wanted=wanted, credits=credits)
    paid = refunded = 0
    for step in steps:
        if step == "assign" and sub.free_slots > 0:
            sub.note_task_assigned(LATER)
        elif step == "verify" and sub.tasks_open > 0:
            sub.note_task_finished(TaskStatus.VERIFIED, LATER)
            paid += credits
        elif step == "fail" and sub.tasks_open > 0:
            refunded += sub.note_task_finished(TaskStatus.REJECTED, LATER)
        elif step == "cancel" and sub.is_open:
            refunded += sub.cancel(member_id=OWNER, now=LATER)
        assert sub.tasks_open + sub.tasks_verified <= wanted
        assert paid + refunded <= sub.escrow_total
    while sub.tasks_open:  # decide whatever is still in flight
        refunded += sub.note_task_finished(TaskStatus.REJECTED, LATER)

    if sub.status is SubmissionStatus.OPEN:
        assert paid + refunded == sub.tasks_verified * credits
    else:
        assert paid + refunded == sub.escrow_total
