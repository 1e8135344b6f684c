"""Recording what verification decided about a task, on a SQLite file."""

from __future__ import annotations

from tests.outcomes import record_verification_outcome
from tests.refusals import refused
from tests.world import World
from tgexchange.domain.events import SubmissionCompleted, TaskRejected, TaskVerified
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services import submission as submission_service

UNKNOWN = 999_999


def record(world: World, task: Task, *, verified: bool, reason: str | None = None) -> Task:
    return record_verification_outcome(world.uow(), task_id=task.id, verified=verified, now=world.now, reason=reason)


# --- recording the outcome ---------------------------------------------------------------------


def test_record_verified_pays_the_giver_from_escrow_and_counts_it_for_both_members(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))
    uow = world.storage.uow()

    record_verification_outcome(uow, task_id=task.id, verified=True, now=world.now, comment_id="c9")

    stored = world.reload_task(task)
    assert (stored.status, stored.decided_at, stored.comment_id, stored.reason) == (
        TaskStatus.VERIFIED,
        world.now,
        "c9",
        None,
    )
    assert world.balance(giver) == 40
    assert world.escrow(submission) == 20
    assert world.balance(owner) == 0
    assert world.stats(giver) == MemberStats(tasks_taken=1, verified=1)
    assert world.stats(owner) == MemberStats(feedback_received=1)
    assert world.reload_submission(submission).tasks_verified == 1
    [event] = uow.take_events()
    assert isinstance(event, TaskVerified)
    assert (event.task_id, event.giver_id, event.owner_id, event.credits) == (task.id, giver.id, owner.id, 10)


def test_record_verified_of_a_task_already_verifying(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.done(world.task(giver))
    world.start_verifying(task.id)

    assert record(world, task, verified=True).status is TaskStatus.VERIFIED
    assert world.balance(giver) == 40


def test_record_rejected_frees_the_slot_and_moves_no_credits(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner, wanted=1)
    task = world.done(world.task(giver))
    uow = world.storage.uow()

    record_verification_outcome(uow, task_id=task.id, verified=False, now=world.now, reason="not_found")

    stored = world.reload_task(task)
    assert (stored.status, stored.reason, stored.decided_at) == (TaskStatus.REJECTED, "not_found", world.now)
    assert (world.balance(giver), world.balance(owner), world.escrow(submission)) == (30, 20, 10)
    assert world.stats(giver) == MemberStats(tasks_taken=1, rejected=1)
    assert world.stats(owner) == MemberStats()
    assert world.reload_submission(submission).tasks_open == 0
    [event] = uow.take_events()
    assert isinstance(event, TaskRejected)
    assert (event.task_id, event.giver_id, event.reason) == (task.id, giver.id, "not_found")
    assert world.task(world.member(community)).submission_id == submission.id


def test_record_rejected_without_a_reason_says_rejected(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    task = world.done(world.task(world.member(community)))

    assert record(world, task, verified=False).reason == "rejected"
    assert world.reload_task(task).reason == "rejected"


def test_recording_the_same_verified_outcome_twice_pays_once(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))
    record(world, task, verified=True)
    before = world.snapshot()

    again = record(world, task, verified=True)

    assert again.status is TaskStatus.VERIFIED
    assert world.snapshot() == before
    assert world.balance(giver) == 40
    assert world.escrow(submission) == 20
    assert world.stats(giver).verified == 1


def test_a_decided_task_keeps_its_outcome_when_told_otherwise(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.done(world.task(giver))
    record(world, task, verified=False, reason="low_quality")
    before = world.snapshot()

    assert record(world, task, verified=True).status is TaskStatus.REJECTED
    assert world.snapshot() == before
    assert world.balance(giver) == 30


def test_the_submission_completes_when_enough_feedback_is_verified(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner, wanted=2)
    first = world.done(world.task(world.member(community)))
    second = world.done(world.task(world.member(community)))
    record(world, first, verified=True)
    assert world.reload_submission(submission).status is SubmissionStatus.OPEN
    world.clock.advance(hours=1)
    uow = world.storage.uow()

    record_verification_outcome(uow, task_id=second.id, verified=True, now=world.now)

    stored = world.reload_submission(submission)
    assert (stored.status, stored.closed_at, stored.tasks_verified, stored.tasks_open) == (
        SubmissionStatus.COMPLETED,
        world.now,
        2,
        0,
    )
    assert world.escrow(submission) == 0
    assert world.stats(owner).feedback_received == 2
    [completed] = [e for e in uow.take_events() if isinstance(e, SubmissionCompleted)]
    assert (completed.submission_id, completed.owner_id, completed.occurred_at) == (submission.id, owner.id, world.now)
    with refused("no_task_available"):
        world.task(world.member(community))


def test_a_rejection_does_not_complete_the_submission(world: World) -> None:
    community = world.community()
    submission = world.submission(world.member(community), wanted=1)
    task = world.done(world.task(world.member(community)))

    record(world, task, verified=False)

    assert world.reload_submission(submission).status is SubmissionStatus.OPEN


def test_record_outcome_refuses_a_task_not_yet_marked_done(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    task = world.task(world.member(community))
    before = world.snapshot()

    with refused("illegal_transition", current="assigned", wanted="verified"):
        record(world, task, verified=True)
    with refused("illegal_transition", wanted="rejected"):
        record(world, task, verified=False)
    assert world.snapshot() == before


def test_record_outcome_refuses_an_unknown_task(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("task_not_found", key=UNKNOWN):
        record_verification_outcome(world.uow(), task_id=UNKNOWN, verified=True, now=world.now)
    assert world.snapshot() == before


def test_record_outcome_of_a_cancelled_task_changes_nothing(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner)
    task = world.task(world.member(community))
    submission_service.cancel_submission(world.uow(), member_id=owner.id, submission_id=submission.id, now=world.now)
    before = world.snapshot()

    assert record(world, task, verified=True).status is TaskStatus.CANCELLED
    assert world.snapshot() == before
