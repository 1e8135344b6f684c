"""Credit by substance through the real use cases on SQLite files: what is escrowed, what each
verified feedback pays, what goes back to the owner, and that the ledger balances whatever
happens (a property test over random sequences of outcomes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.feedback_texts import text_of
from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.adapters.db.engine import make_engine
from tgexchange.bootstrap import storage_on
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task
from tgexchange.services import community as community_service
from tgexchange.services import submission as submission_service
from tgexchange.services import task as task_service
from tgexchange.services.stats import is_ledger_balanced

BASE = 10


def hand_in(world: World, task: Task, words: int) -> Task:
    return task_service.mark_task_done(
        world.uow(), member_id=task.giver_id, task_id=task.id, now=world.now, feedback_text=text_of(words)
    )


def verify(world: World, task: Task) -> Task:
    return record_verification_outcome(world.uow(), task_id=task.id, verified=True, now=world.now)


def test_a_submission_under_credit_by_substance_escrows_the_cap_per_feedback(world: World) -> None:
    community = world.community(credit_by_substance=True, welcome_credits=100)
    owner = world.member(community)

    submission = world.submission(owner, wanted=3)

    assert (submission.held_per_feedback, world.escrow(submission), world.balance(owner)) == (20, 60, 40)


def test_substantial_feedback_earns_double_and_brief_feedback_returns_the_rest(world: World) -> None:
    community = world.community(credit_by_substance=True, welcome_credits=100)
    owner, long_giver, short_giver = world.member(community), world.member(community), world.member(community)
    submission = world.submission(owner, wanted=2)

    long_task = world.task(long_giver)
    verify(world, hand_in(world, long_task, 40))
    verify(world, hand_in(world, world.task(short_giver), 9))

    assert (world.balance(long_giver), world.balance(short_giver)) == (120, 110)
    assert (world.balance(owner), world.escrow(submission)) == (100 - 20 - 10, 0)
    assert (world.reload_task(long_task).credits, world.reload_task(long_task).escrowed) == (20, 20)
    assert is_ledger_balanced(world.uow())


def test_feedback_handed_in_late_earns_half(world: World) -> None:
    community = world.community(credit_by_substance=True, welcome_credits=100)
    owner, giver = world.member(community), world.member(community)
    world.submission(owner, wanted=1)
    task = world.task(giver)

    world.clock.advance(hours=30)  # the deadline is 48 h: past the first half
    verified = verify(world, hand_in(world, task, 20))

    assert (verified.credits, world.balance(giver), world.balance(owner)) == (8, 108, 92)


def test_turning_it_on_leaves_open_submissions_and_their_tasks_on_their_old_terms(world: World) -> None:
    community = world.community(welcome_credits=100)
    owner, giver, admin = world.member(community), world.member(community), world.member(community, admin=True)
    submission = world.submission(owner, wanted=1)
    task = world.task(giver)

    community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, credit_by_substance=True)
    verify(world, hand_in(world, task, 60))

    assert (world.balance(giver), world.balance(owner), world.escrow(submission)) == (110, 90, 0)


def test_withdrawing_returns_the_cap_held_for_every_unused_slot(world: World) -> None:
    community = world.community(credit_by_substance=True, welcome_credits=100)
    owner = world.member(community)
    submission = world.submission(owner, wanted=3)

    refunded = submission_service.cancel_submission(
        world.uow(), member_id=owner.id, submission_id=submission.id, now=world.now
    )

    assert (refunded, world.balance(owner), world.escrow(submission)) == (60, 100, 0)


def test_the_offer_counts_what_the_member_can_hold_at_the_cap(world: World) -> None:
    community = world.community(credit_by_substance=True, welcome_credits=50)
    owner = world.member(community)

    offer = submission_service.offer_submission(
        world.uow(), world.platform, member_id=owner.id, ref=world.content(owner)
    )

    assert (offer.credits_per_feedback, offer.most) == (20, 2)


# The property: any sequence of outcomes, tiers and lateness, with or without a withdrawal.
OUTCOME = st.tuples(
    st.sampled_from(["verify", "reject", "expire", "skip", "open"]),
    st.integers(0, 50),  # words
    st.booleans(),  # late
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    outcomes=st.lists(OUTCOME, min_size=1, max_size=6),
    wanted=st.integers(1, 4),
    withdraw_at=st.none() | st.integers(0, 6),
    base=st.integers(1, 15),
)
def test_credits_balance_across_tiers_and_partial_refunds_for_any_sequence(
    *,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    outcomes: list[tuple[str, int, bool]],
    wanted: int,
    withdraw_at: int | None,
    base: int,
) -> None:
    path = tmp_path_factory.mktemp("credit") / "t.db"
    shutil.copy(sqlite_template, path)
    storage = storage_on(make_engine(f"sqlite:///{path}"))
    try:
        world = World(storage)
        community = world.community(credit_by_substance=True, welcome_credits=200, credits_per_feedback=base)
        owner = world.member(community)
        submission = world.submission(owner, wanted=wanted)
        givers: list[Member] = []
        paid: dict[int, int] = {}
        withdrawn = False
        for step, (outcome, words, late) in enumerate(outcomes):
            # A submission whose every slot was verified is already completed: nothing to withdraw.
            if withdraw_at == step and not withdrawn and world.reload_submission(submission).is_open:
                submission_service.cancel_submission(
                    world.uow(), member_id=owner.id, submission_id=submission.id, now=world.now
                )
                withdrawn = True
            if withdrawn or world.reload_submission(submission).free_slots == 0:
                break
            giver = world.member(community)
            givers.append(giver)
            task = world.task(giver)
            assert task.escrowed == 2 * base
            _play(world, task, outcome, words=words, late=late, paid=paid)
            assert is_ledger_balanced(world.uow())
        total = sum(world.balance(m) for m in (owner, *givers)) + world.escrow(submission)
        assert total == 200 * (1 + len(givers))  # nothing created, nothing lost
        for giver in givers:
            assert world.balance(giver) == 200 + paid.get(giver.id, 0)
        assert all(1 <= p <= 2 * base for p in paid.values())
        held = _held(world, submission)
        assert world.escrow(submission) == held
        assert world.balance(owner) == 200 - sum(paid.values()) - held
    finally:
        storage.dispose()


def _play(world: World, task: Task, outcome: str, *, words: int, late: bool, paid: dict[int, int]) -> None:
    if outcome == "skip":
        task_service.skip_task(world.uow(), member_id=task.giver_id, task_id=task.id, now=world.now)
        return
    if outcome == "expire":
        world.clock.advance(hours=49)
        task_service.expire_overdue_tasks(world.uow(), now=world.now)
        return
    if outcome == "open":
        return
    if late:
        world.clock.advance(hours=25)
    hand_in(world, task, max(words, 1))
    world.clock.advance(minutes=5)
    if outcome == "verify":
        paid[task.giver_id] = verify(world, task).credits
    else:
        record_verification_outcome(world.uow(), task_id=task.id, verified=False, now=world.now, reason="not_found")


def _held(world: World, submission: Submission) -> int:
    """What the escrow should still hold: the cap for every slot not yet paid while open; once
    withdrawn, only for tasks still in flight."""
    stored = world.reload_submission(submission)
    per = stored.escrow_per_feedback
    if stored.is_open:
        return (stored.feedback_wanted - stored.tasks_verified) * per
    return stored.tasks_open * per
