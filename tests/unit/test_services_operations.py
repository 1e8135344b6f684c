"""The global kill switch: every community behaves as a paused one, in one place
(Community.ensure_open); nothing waiting loses its window; every use is in the log."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fakes import T0, FakeQualityGate
from tests.world import World
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import CommunityPaused, ExchangeNotPaused, ExchangePaused
from tgexchange.domain.operations import ExchangePause, held_up_by_exchange_pause
from tgexchange.domain.task import TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import operations, review, sweep, verification
from tgexchange.services import task as task_service

GOOD = "The intro hook is strong but the middle drags, trim the second example and add chapters please"


def pause_all(world: World, reason: str = "database maintenance") -> operations.SwitchResult:
    return operations.pause_exchange(world.uow(), reason=reason, by="cli:ops@host", now=world.now)


def test_while_everything_is_paused_no_member_gets_a_task_and_the_refusal_is_its_own(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    world.submission(owner)
    pause_all(world)

    with pytest.raises(ExchangePaused) as refused:
        world.task(giver)

    assert isinstance(refused.value, CommunityPaused)  # every "paused" handler still catches it
    assert refused.value.code == "exchange_paused"
    assert "database maintenance" not in refused.value.message  # the operator's reason stays with the operator


def test_pausing_everything_calls_off_tasks_not_yet_done_without_blame_and_tells_the_givers(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    world.submission(owner)
    task = world.task(giver)

    result = pause_all(world)

    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.CANCELLED, "exchange_paused")
    assert result.cancelled == 1
    assert world.stats(giver).rejected == 0
    with world.storage.engine.connect() as connection:
        kinds = [row.kind for row in connection.exec_driver_sql("SELECT kind, member_id FROM outbox")]
    assert kinds == ["task_cancelled"]


def test_verification_waits_while_everything_is_paused_and_its_deadline_comes_back(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    world.comment(giver, submission, GOOD)
    world.done(task)
    deadline = world.task_row(task.id).deadline_at
    pause_all(world)

    world.clock.advance(hours=5)
    run = verification.verify_submission(
        world.uow(), world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now
    )
    assert run.paused
    assert world.task_row(task.id).status is TaskStatus.SUBMITTED

    resumed = operations.resume_exchange(world.uow(), by="cli:ops@host", now=world.now)

    assert resumed.held_for == timedelta(hours=5)
    assert world.task_row(task.id).deadline_at == deadline + timedelta(hours=5)
    run = verification.verify_submission(
        world.uow(), world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now
    )
    assert run.verified == 1


def test_owner_review_payouts_wait_and_the_review_window_is_not_lost(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community, link=Platform.TIKTOK), world.member(community, link=Platform.TIKTOK)
    submission = world.submission(owner, platform=Platform.TIKTOK)
    task = world.task(giver)
    task_service.mark_task_done(world.uow(), member_id=giver.id, task_id=task.id, now=world.now, feedback_text=GOOD)
    verification.verify_submission(
        world.uow(), world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now
    )
    pause_all(world)

    with pytest.raises(ExchangePaused):
        review.answer_owner_review(
            world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now
        )
    world.clock.advance(hours=100)  # the owner's 72 hours run out while paused: nothing is closed
    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 0
    operations.resume_exchange(world.uow(), by="cli:ops@host", now=world.now)

    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 0  # the 100 hours came back
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now)
    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_overlapping_pauses_give_each_hour_back_once(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    world.submission(owner)
    task = world.task(giver)
    world.done(task)
    deadline = world.task_row(task.id).deadline_at

    world.pause(community.id)  # t0: the community's own switch
    world.clock.advance(hours=1)
    pause_all(world)  # t1: everything
    world.clock.advance(hours=2)
    community_service.resume_community(world.uow(), community_id=community.id, actor_member_id=None, now=world.now)
    world.clock.advance(hours=3)  # t3: still paused as a whole
    operations.resume_exchange(world.uow(), by="ops", now=world.now)

    # Paused from t0 to t0+6h in all, by one switch or the other: six hours back, not eight.
    assert world.task_row(task.id).deadline_at == deadline + timedelta(hours=6)


def test_a_second_pause_only_rewrites_the_reason_and_resuming_twice_is_refused(world: World) -> None:
    first = pause_all(world, "one")
    world.clock.advance(minutes=5)
    second = pause_all(world, "two")
    with world.uow() as uow:
        pause = uow.operations.kill_switch()
    assert (first.changed, second.changed) == (True, False)
    assert pause is not None
    assert (pause.reason, pause.since) == ("two", world.now - timedelta(minutes=5))

    operations.resume_exchange(world.uow(), by="ops", now=world.now)
    with pytest.raises(ExchangeNotPaused):
        operations.resume_exchange(world.uow(), by="ops", now=world.now)


def test_every_switch_is_logged_with_who_when_why_and_how_long(world: World) -> None:
    community = world.community()
    pause_all(world, "deploy")
    world.clock.advance(minutes=30)
    operations.resume_exchange(world.uow(), by="telegram:42", now=world.now, reason="deploy done")
    operations.pause_one(
        world.uow, community_id=community.id, reason="spam raid", by="dashboard:operator", now=world.now
    )
    world.clock.advance(minutes=10)
    operations.resume_one(world.uow, community_id=community.id, by="dashboard:operator", now=world.now)

    with world.uow() as uow:
        log = list(reversed(uow.operations.switch_log(limit=10)))
    assert [(c.action, c.community_id, c.actor, c.reason, c.held_s) for c in log] == [
        ("pause", None, "cli:ops@host", "deploy", None),
        ("resume", None, "telegram:42", "deploy done", 1800),
        ("pause", community.id, "dashboard:operator", "spam raid", None),
        ("resume", community.id, "dashboard:operator", None, 600),
    ]


def test_the_status_shows_the_switch_and_each_communitys_state(world: World) -> None:
    open_one, paused_one = world.community(), world.community()
    operations.pause_one(world.uow, community_id=paused_one.id, reason="raid", by="watchdog", now=world.now)
    pause_all(world, "incident")

    found = operations.status(world.uow(), now=world.now).to_json()

    assert (found["paused"], found["reason"], found["by"]) == (True, "incident", "cli:ops@host")
    states = {c["id"]: (c["paused"], c["by"], c["open"]) for c in found["communities"]}  # type: ignore[attr-defined]
    assert states == {open_one.id: (False, None, False), paused_one.id: (True, "watchdog", False)}


def test_time_held_up_by_the_global_pause_leaves_out_what_the_communitys_own_pause_still_holds() -> None:
    pause = ExchangePause("x", T0, "ops")
    now = T0 + timedelta(hours=4)
    assert held_up_by_exchange_pause(pause, own_paused_at=None, now=now) == timedelta(hours=4)
    assert held_up_by_exchange_pause(pause, own_paused_at=T0 - timedelta(hours=1), now=now) == timedelta(0)
    assert held_up_by_exchange_pause(pause, own_paused_at=T0 + timedelta(hours=1), now=now) == timedelta(hours=1)
