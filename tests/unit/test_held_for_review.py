"""Held for review: a YouTube comment not found by the deadline goes to the owner's question before
any rejection; the answer, or the silence, decides. Real use cases on a SQLite file, a fake
platform and the rule-based fake gate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fakes import FakeQualityGate, RecordingNotifier
from tests.world import World
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.errors import IllegalTransition, NotYourTask
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import ReviewStage, Task, TaskStatus
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services import review, sweep, verification
from tgexchange.services.notifications import deliver_notices

POLICY = VerificationPolicy()


def past_the_deadline(world: World) -> tuple[Member, Member, Submission, Task]:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner, wanted=1)
    task = world.task(giver)
    world.done(task)
    return owner, giver, submission, task


def verify(world: World, submission: Submission) -> verification.VerificationRun:
    uow = world.uow()
    run = verification.verify_submission(
        uow, world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now
    )
    world.notifier = RecordingNotifier()  # type: ignore[attr-defined]
    deliver_notices(world.storage.outbox, world.notifier, now=world.now, ids=uow.take_notices())  # type: ignore[attr-defined]
    return run


def test_before_the_deadline_a_missing_comment_is_looked_for_again_without_asking(world: World) -> None:
    owner, _, submission, task = past_the_deadline(world)
    run = verify(world, submission)
    assert run.waiting == 1
    assert run.retry_in is not None
    stored = world.task_row(task.id)
    assert stored.review_stage is None
    assert stored.next_check_at is not None
    assert world.notifier.kinds_for(owner.id) == []  # type: ignore[attr-defined]


def test_at_the_deadline_the_owner_is_asked_instead_of_a_rejection(world: World) -> None:
    owner, giver, submission, task = past_the_deadline(world)
    world.clock.advance(hours=55)
    run = verify(world, submission)

    assert (run.rejected, run.waiting) == (0, 1)
    stored = world.task_row(task.id)
    assert (stored.status, stored.review_stage) == (TaskStatus.VERIFYING, ReviewStage.HELD)
    assert stored.review_until == world.now + POLICY.held_timeout
    assert world.notifier.kinds_for(owner.id) == ["held_comment"]  # type: ignore[attr-defined]
    assert world.notifier.kinds_for(giver.id) == []  # type: ignore[attr-defined]


def test_a_task_waiting_on_the_owner_is_not_fetched_again(world: World) -> None:
    _, _, submission, _ = past_the_deadline(world)
    world.clock.advance(hours=55)
    verify(world, submission)
    reads = world.platform.calls.count(("read_comments", submission.content_id))
    world.clock.advance(hours=1)
    assert verify(world, submission).fetched is False
    assert world.platform.calls.count(("read_comments", submission.content_id)) == reads


def test_the_owners_yes_verifies_pays_and_is_audited_as_owner_confirmed(world: World) -> None:
    owner, giver, submission, task = past_the_deadline(world)
    world.clock.advance(hours=55)
    verify(world, submission)

    answered = review.answer_owner_review(
        world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now
    )

    assert answered.status is TaskStatus.VERIFIED
    assert world.balance(giver) == 40
    with world.uow() as uow:
        entries = [e for e in uow.audit.recent(owner.community_id, limit=5) if e.action is AuditAction.OWNER_CONFIRMED]
    assert [(e.actor_member_id, e.target_member_id) for e in entries] == [(owner.id, giver.id)]
    assert entries[0].detail == f"task {task.id}: held for review"


def test_the_owners_no_rejects_it_as_not_found_without_a_dispute_window(world: World) -> None:
    owner, giver, submission, task = past_the_deadline(world)
    world.clock.advance(hours=55)
    verify(world, submission)

    answered = review.answer_owner_review(
        world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now
    )

    assert (answered.status, answered.reason, answered.review_stage) == (TaskStatus.REJECTED, "not_found", None)
    assert world.balance(giver) == 30
    with world.uow() as uow:
        assert all(e.action is not AuditAction.OWNER_CONFIRMED for e in uow.audit.recent(owner.community_id, limit=5))


def test_only_the_owner_may_answer_and_only_once(world: World) -> None:
    owner, giver, submission, task = past_the_deadline(world)
    world.clock.advance(hours=55)
    verify(world, submission)
    with pytest.raises(NotYourTask):
        review.answer_owner_review(
            world.uow(), owner_member_id=giver.id, task_id=task.id, confirmed=True, now=world.now
        )
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now)
    with pytest.raises(IllegalTransition):
        review.answer_owner_review(
            world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now
        )


def test_an_owner_who_never_answers_leaves_it_not_found(world: World) -> None:
    _, giver, submission, task = past_the_deadline(world)
    world.clock.advance(hours=55)
    verify(world, submission)
    world.clock.advance(seconds=(POLICY.held_timeout - timedelta(minutes=1)).total_seconds())
    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 0
    world.clock.advance(minutes=2)

    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 1
    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "not_found")
    assert world.balance(giver) == 30


def test_content_gone_at_the_deadline_is_not_asked_about(world: World) -> None:
    owner, _, submission, task = past_the_deadline(world)
    world.platform._content.clear()  # the owner deleted the video
    world.clock.advance(hours=55)
    verify(world, submission)
    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "content_unavailable")
    assert world.notifier.kinds_for(owner.id) == []  # type: ignore[attr-defined]
