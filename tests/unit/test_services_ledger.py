"""Where credits go at each step of the exchange, on a SQLite file."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.outcomes import record_verification_outcome
from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.ledger import AccountKey, PostingKind
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.submission import Submission, SubmissionStatus
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import submission as submission_service
from tgexchange.services import task as task_service
from tgexchange.services.ledger import settle_task
from tgexchange.services.penalty import apply_penalty
from tgexchange.services.stats import is_ledger_balanced


def postings(world: World) -> list[tuple[PostingKind, str, int]]:
    """(kind, key, amount) of every posting, oldest first."""
    p = tables.postings
    with world.storage.engine.connect() as connection:
        rows = connection.execute(sa.select(p.c.kind, p.c.key, p.c.amount).order_by(p.c.id))
        return [(PostingKind(kind), key, amount) for kind, key, amount in rows]


def balances(world: World, *accounts: Member | Submission) -> tuple[int, ...]:
    return tuple(world.escrow(a) if isinstance(a, Submission) else world.balance(a) for a in accounts)


def cancel(world: World, owner: Member, submission: Submission) -> int:
    return submission_service.cancel_submission(
        world.uow(), member_id=owner.id, submission_id=submission.id, now=world.now
    )


def reject(world: World, task: Task) -> Task:
    return record_verification_outcome(world.uow(), task_id=task.id, verified=False, now=world.now, reason="not_found")


def settle_again(world: World, task: Task, submission: Submission) -> None:
    """Settles an already settled task once more, as a job that ran twice would."""
    with world.storage.uow() as uow:
        stored_task = uow.tasks.find(task.id)
        stored_submission = uow.submissions.find(submission.id)
        assert stored_task is not None
        assert stored_submission is not None
        settle_task(uow, task=stored_task, submission=stored_submission, now=world.now)
        uow.commit()


def assert_balanced(world: World) -> None:
    assert is_ledger_balanced(world.uow()) is True


def test_submit_moves_price_times_wanted_from_the_owner_into_escrow(world: World) -> None:
    owner = world.member(world.community(welcome_credits=50, credits_per_feedback=8))

    submission = world.submission(owner, wanted=4)

    assert balances(world, owner, submission) == (50 - 32, 32)
    assert postings(world)[-1] == (PostingKind.ESCROW, f"escrow:{submission.id}", 32)
    assert_balanced(world)


def test_verified_feedback_moves_its_credits_from_escrow_to_the_giver(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.verified(world.task(giver))

    assert balances(world, owner, giver, submission) == (0, 40, 20)
    assert postings(world)[-1] == (PostingKind.PAYOUT, f"task:{task.id}", 10)
    assert_balanced(world)


@pytest.mark.parametrize("outcome", ["rejected", "skipped", "expired"])
def test_a_failed_task_frees_its_slot_for_another_member_without_moving_credits(world: World, outcome: str) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner, wanted=1)
    task = world.task(giver)
    if outcome == "rejected":
        reject(world, world.done(task))
    elif outcome == "skipped":
        task_service.skip_task(world.uow(), member_id=giver.id, task_id=task.id, now=world.now)
    else:
        world.clock.advance(hours=48)
        assert task_service.expire_overdue_tasks(world.uow(), now=world.now) == 1
    next_giver = world.member(community)
    postings_before = postings(world)

    next_task = world.task(next_giver)

    assert next_task.submission_id == submission.id
    assert balances(world, owner, giver, submission) == (20, 30, 10)
    assert postings(world) == postings_before
    assert_balanced(world)


def test_cancel_refunds_the_unused_escrow_at_once(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner)
    world.task(world.member(community))  # assigned, not done: cancelled with the submission

    assert cancel(world, owner, submission) == 30

    assert balances(world, owner, submission) == (30, 0)
    assert postings(world)[-1] == (PostingKind.REFUND, f"cancel:{submission.id}", 30)
    assert_balanced(world)


def test_cancel_refunds_an_in_flight_task_only_once_it_is_rejected(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))

    assert cancel(world, owner, submission) == 20
    assert balances(world, owner, giver, submission) == (20, 30, 10)

    reject(world, task)

    assert balances(world, owner, giver, submission) == (30, 30, 0)
    assert postings(world)[-1] == (PostingKind.REFUND, f"task:{task.id}", 10)
    assert_balanced(world)


def test_cancel_still_pays_the_giver_of_an_in_flight_task_that_is_verified(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))
    cancel(world, owner, submission)

    record_verification_outcome(world.uow(), task_id=task.id, verified=True, now=world.now)

    assert balances(world, owner, giver, submission) == (20, 40, 0)
    assert postings(world)[-1] == (PostingKind.PAYOUT, f"task:{task.id}", 10)
    with world.storage.uow() as uow:
        found = uow.submissions.find(submission.id)
    assert found is not None
    assert found.status is SubmissionStatus.CANCELLED
    assert_balanced(world)


def test_recording_the_same_outcome_twice_moves_credits_once(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))
    cancel(world, owner, submission)

    for _ in range(2):
        reject(world, task)

    assert balances(world, owner, giver, submission) == (30, 30, 0)
    assert [key for _, key, _ in postings(world)].count(f"task:{task.id}") == 1


def test_settle_task_refuses_to_move_a_tasks_credits_twice(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.verified(world.task(giver))
    before = world.snapshot()

    with refused("duplicate_posting", key=f"task:{task.id}"):
        settle_again(world, task, submission)
    assert world.snapshot() == before


def test_pause_and_ban_cancel_assigned_tasks_without_moving_credits(world: World) -> None:
    community = world.community(welcome_credits=100)
    admin = world.member(community, admin=True, link=None)
    owner = world.member(community)
    first = world.submission(owner)
    world.task(world.member(community))
    community_service.pause_community(
        world.uow(), community_id=community.id, actor_member_id=admin.id, reason="x", now=world.now
    )
    community_service.resume_community(world.uow(), community_id=community.id, actor_member_id=None, now=world.now)
    banned = world.member(community)
    world.task(banned)
    postings_before = postings(world)

    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=banned.id,
        reason="x",
        now=world.now,
    )

    assert postings(world) == postings_before
    assert balances(world, owner, first) == (70, 30)
    assert_balanced(world)


def test_a_whole_exchange_keeps_the_ledger_balanced(world: World) -> None:
    community = world.community(welcome_credits=100)
    alice, bob, carol = (world.member(community) for _ in range(3))
    alices = world.submission(alice, wanted=3)
    world.clock.advance(hours=1)
    bobs = world.submission(bob, wanted=2)
    world.verified(world.task(bob))
    world.verified(world.task(carol))
    reject(world, world.done(world.task(carol)))
    world.done(world.task(alice))
    cancel(world, alice, alices)

    total = sum(world.balance(m) for m in (alice, bob, carol)) + world.escrow(alices) + world.escrow(bobs)
    assert total == 300
    assert world.balance(AccountKey.issuance(community.id)) == -300
    assert_balanced(world)
    with world.storage.uow() as uow:
        statuses = {t.status for t in uow.tasks.list_in_community(community.id, statuses=frozenset(TaskStatus))}
    assert statuses == {TaskStatus.VERIFIED, TaskStatus.REJECTED, TaskStatus.SUBMITTED}
