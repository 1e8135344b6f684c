"""Handing out tasks and the giver's side of their lifecycle, on a SQLite file."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from tests.fakes import T0
from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.content import Platform
from tgexchange.domain.events import TaskSkipped, TaskSubmitted
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.task import MAX_FEEDBACK_TEXT, Task, TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import task as task_service

UNKNOWN = 999_999


def done(world: World, member: Member, task: Task, text: str | None = None) -> Task:
    return task_service.mark_task_done(
        world.uow(), member_id=member.id, task_id=task.id, now=world.now, feedback_text=text
    )


def skip(world: World, member: Member, task: Task) -> Task:
    return task_service.skip_task(world.uow(), member_id=member.id, task_id=task.id, now=world.now)


def only_the_unmet_hour_noted(world: World, before: dict[str, list[tuple[Any, ...]]]) -> list[tuple[Any, ...]]:
    """The (member, hour) rows a refused request added to unmet_task_requests, after checking that
    it changed nothing else."""
    after = world.snapshot()
    noted = sorted(set(after.pop("unmet_task_requests")) - set(before.pop("unmet_task_requests")))
    assert after == before
    return [(member_id, hour) for member_id, hour, _community in noted]


# The world's clock starts on the hour (tests/fakes.py): the unmet requests below fall in it.
HOUR = T0


# --- requesting a task -------------------------------------------------------------------------


def test_request_task_assigns_a_submission_with_a_deadline_and_moves_no_credits(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)

    task = world.task(giver)

    stored = world.reload_task(task)
    assert (stored.status, stored.submission_id, stored.giver_id, stored.owner_id) == (
        TaskStatus.ASSIGNED,
        submission.id,
        giver.id,
        owner.id,
    )
    assert (stored.platform, stored.credits, stored.community_id) == (Platform.YOUTUBE, 10, community.id)
    assert (stored.assigned_at, stored.deadline_at) == (world.now, world.now + timedelta(hours=48))
    assert world.reload_submission(submission).tasks_open == 1
    assert world.stats(giver) == MemberStats(tasks_taken=1)
    assert world.balance(giver) == 30
    assert world.balance(AccountKey.escrow(submission.id)) == 30


def test_request_task_uses_the_communitys_task_deadline(world: World) -> None:
    community = world.community(task_deadline=timedelta(hours=6))
    owner = world.member(community)
    world.submission(owner)

    task = world.task(world.member(community))

    assert world.reload_task(task).deadline_at == world.now + timedelta(hours=6)


def test_request_task_serves_the_submission_waiting_longest_first(world: World) -> None:
    community = world.community()
    early_owner = world.member(community)
    late_owner = world.member(community)
    giver = world.member(community)
    early = world.submission(early_owner)
    world.clock.advance(hours=5)
    world.submission(late_owner)
    world.clock.advance(hours=1)

    assert world.task(giver).submission_id == early.id


def test_request_task_never_offers_the_members_own_submission(world: World) -> None:
    owner = world.member(world.community())
    world.submission(owner)
    before = world.snapshot()

    with refused("no_task_available", opens_within_h=0):  # nothing held: nothing will open
        world.task(owner)
    assert only_the_unmet_hour_noted(world, before) == [(owner.id, HOUR)]


def test_request_task_never_offers_a_submission_the_member_already_served(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    skip(world, giver, world.task(giver))
    before = world.snapshot()

    with refused("no_task_available"):
        world.task(giver)
    assert only_the_unmet_hour_noted(world, before) == [(giver.id, HOUR)]
    assert world.task(world.member(community)).submission_id == submission.id


def test_request_task_never_offers_a_fully_booked_submission(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    world.submission(owner, wanted=1)
    world.task(world.member(community))
    late = world.member(community)
    before = world.snapshot()

    with refused("no_task_available"):
        world.task(late)
    assert only_the_unmet_hour_noted(world, before) == [(late.id, HOUR)]


def test_request_task_only_offers_platforms_where_the_member_has_a_channel(world: World) -> None:
    community = world.community()
    owner = world.member(community)  # YouTube
    tiktoker = world.member(community, link=Platform.TIKTOK)
    world.submission(owner)
    before = world.snapshot()

    with refused("no_task_available"):
        world.task(tiktoker)
    assert only_the_unmet_hour_noted(world, before) == [(tiktoker.id, HOUR)]


def test_an_unmet_request_is_noted_once_an_hour_and_a_refusal_for_another_reason_not_at_all(world: World) -> None:
    community = world.community(max_open_tasks_per_member=1)
    giver = world.member(community)
    other = world.member(community)
    newcomer = world.member(community, link=None)
    before = world.snapshot()

    for minutes in (0, 20, 59):  # tapping /task again in the same hour
        world.clock.current = T0 + timedelta(minutes=minutes)
        with refused("no_task_available"):
            world.task(giver)
    world.clock.current = T0 + timedelta(hours=1, minutes=5)
    # What the simulator records for the asks its index of open submissions answered, in one go.
    task_service.note_no_tasks(world.uow(), [giver.id, other.id, giver.id], community_id=community.id, now=world.now)
    with refused("no_channel_linked", platform=None):
        world.task(newcomer)
    world.submission(world.member(community))
    world.task(giver)
    with refused("too_many_open_tasks", open_tasks=1, maximum=1):
        world.task(giver)

    with world.storage.engine.connect() as connection:
        rows = connection.execute(sa.select(tables.unmet_task_requests).order_by("hour", "member_id")).all()
    assert [tuple(row) for row in rows] == [
        (giver.id, T0, community.id),
        (giver.id, T0 + timedelta(hours=1), community.id),
        (other.id, T0 + timedelta(hours=1), community.id),
    ]
    assert before["unmet_task_requests"] == []


def test_request_task_refuses_a_member_without_a_linked_channel(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    newcomer = world.member(community, link=None)
    before = world.snapshot()

    with refused("no_channel_linked", platform=None):
        world.task(newcomer)
    assert world.snapshot() == before


def test_request_task_refuses_a_member_whose_only_channel_is_on_a_platform_no_longer_allowed(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True, link=None)
    tiktoker = world.member(community, link=Platform.TIKTOK)
    community_service.update_settings(
        world.uow(), actor_member_id=admin.id, now=world.now, allowed_platforms=frozenset({Platform.YOUTUBE})
    )
    before = world.snapshot()

    with refused("no_channel_linked", platform=None):
        world.task(tiktoker)
    assert world.snapshot() == before


def test_request_task_refuses_a_member_with_too_many_open_tasks(world: World) -> None:
    community = world.community(max_open_tasks_per_member=1)
    world.submission(world.member(community))
    world.submission(world.member(community))
    giver = world.member(community)
    world.done(world.task(giver))  # marked done is still open until verified
    before = world.snapshot()

    with refused("too_many_open_tasks", open_tasks=1, maximum=1):
        world.task(giver)
    assert world.snapshot() == before


def test_request_task_refuses_an_unknown_member(world: World) -> None:
    world.submission(world.member(world.community()))
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        task_service.request_task(world.uow(), member_id=UNKNOWN, now=world.now)
    assert world.snapshot() == before


def test_request_task_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    world.ban(community, giver)
    before = world.snapshot()

    with refused("member_banned"):
        world.task(giver)
    assert world.snapshot() == before


def test_request_task_refuses_while_the_community_is_paused(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    world.pause(community.id)
    before = world.snapshot()

    with refused("community_paused", reason="incident"):
        world.task(giver)
    assert world.snapshot() == before


# --- marking a task done -----------------------------------------------------------------------


def test_mark_task_done_submits_the_task_with_its_feedback_text(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    world.clock.advance(hours=2)
    uow = world.storage.uow()

    task_service.mark_task_done(uow, member_id=giver.id, task_id=task.id, now=world.now, feedback_text="Great pacing.")

    stored = world.reload_task(task)
    assert (stored.status, stored.done_at, stored.feedback_text) == (TaskStatus.SUBMITTED, world.now, "Great pacing.")
    [event] = uow.take_events()
    assert isinstance(event, TaskSubmitted)
    assert (event.task_id, event.giver_id, event.occurred_at) == (task.id, giver.id, world.now)
    assert world.balance(giver) == 30


def test_mark_task_done_accepts_feedback_text_at_the_limit(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)

    done(world, giver, task, "x" * MAX_FEEDBACK_TEXT)

    assert world.reload_task(task).feedback_text == "x" * MAX_FEEDBACK_TEXT


def test_mark_task_done_refuses_a_10000_character_feedback_text(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    before = world.snapshot()

    with refused("text_too_long", length=10000, maximum=4000):
        done(world, giver, task, "x" * 10_000)
    assert world.snapshot() == before


def test_mark_task_done_refuses_someone_elses_task(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    other = world.member(community)
    task = world.task(giver)
    before = world.snapshot()

    with refused("not_your_task"):
        done(world, other, task)
    assert world.snapshot() == before


def test_mark_task_done_refuses_after_the_deadline(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    world.clock.advance(hours=48)
    before = world.snapshot()

    with refused("task_deadline_passed"):
        done(world, giver, task)
    assert world.snapshot() == before


def test_mark_task_done_refuses_a_task_already_done(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.done(world.task(giver))
    before = world.snapshot()

    with refused("illegal_transition", current="submitted", wanted="submitted"):
        done(world, giver, task)
    assert world.snapshot() == before


def test_mark_task_done_refuses_an_unknown_task_or_member(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    before = world.snapshot()

    with refused("task_not_found", key=UNKNOWN):
        task_service.mark_task_done(world.uow(), member_id=giver.id, task_id=UNKNOWN, now=world.now)
    with refused("member_not_found", key=UNKNOWN):
        task_service.mark_task_done(world.uow(), member_id=UNKNOWN, task_id=task.id, now=world.now)
    assert world.snapshot() == before


def test_mark_task_done_refuses_while_the_community_is_paused(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    world.pause(community.id)
    before = world.snapshot()

    with refused("community_paused"):
        done(world, giver, task)
    assert world.snapshot() == before


def test_mark_task_done_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.task(giver)
    world.ban(community, giver)
    before = world.snapshot()

    with refused("member_banned"):
        done(world, giver, task)
    assert world.snapshot() == before


# --- skipping ----------------------------------------------------------------------------------


def test_skip_task_frees_the_slot_for_another_member_and_moves_no_credits(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner, wanted=1)
    giver = world.member(community)
    task = world.task(giver)
    uow = world.storage.uow()

    task_service.skip_task(uow, member_id=giver.id, task_id=task.id, now=world.now)

    assert world.reload_task(task).status is TaskStatus.SKIPPED
    assert world.reload_submission(submission).tasks_open == 0
    assert world.stats(giver) == MemberStats(tasks_taken=1, skipped=1)
    [event] = uow.take_events()
    assert isinstance(event, TaskSkipped)
    assert (event.task_id, event.submission_id, event.giver_id) == (task.id, submission.id, giver.id)
    assert world.balance(giver) == 30
    assert world.balance(AccountKey.escrow(submission.id)) == 10
    assert world.task(world.member(community)).submission_id == submission.id


def test_skip_task_refuses_someone_elses_task(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    other = world.member(community)
    task = world.task(giver)
    before = world.snapshot()

    with refused("not_your_task"):
        skip(world, other, task)
    assert world.snapshot() == before


def test_skip_task_refuses_a_task_already_done(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    giver = world.member(community)
    task = world.done(world.task(giver))
    before = world.snapshot()

    with refused("illegal_transition", wanted="skipped"):
        skip(world, giver, task)
    assert world.snapshot() == before


def test_skip_task_refuses_an_unknown_task(world: World) -> None:
    giver = world.member(world.community())
    before = world.snapshot()

    with refused("task_not_found", key=UNKNOWN):
        task_service.skip_task(world.uow(), member_id=giver.id, task_id=UNKNOWN, now=world.now)
    assert world.snapshot() == before


# --- expiring ----------------------------------------------------------------------------------


def test_expire_overdue_tasks_expires_only_assigned_tasks_past_their_deadline(world: World) -> None:
    community = world.community(welcome_credits=100)
    owner = world.member(community)
    submission = world.submission(owner, wanted=5)
    overdue = world.task(giver := world.member(community))
    done_in_time = world.done(world.task(world.member(community)))
    world.clock.advance(hours=24)
    not_yet_due = world.task(world.member(community))
    world.clock.advance(hours=24)

    assert task_service.expire_overdue_tasks(world.uow(), now=world.now) == 1

    assert world.reload_task(overdue).status is TaskStatus.EXPIRED
    assert world.reload_task(overdue).decided_at == world.now
    assert world.reload_task(done_in_time).status is TaskStatus.SUBMITTED
    assert world.reload_task(not_yet_due).status is TaskStatus.ASSIGNED
    assert world.stats(giver) == MemberStats(tasks_taken=1, expired=1)
    assert world.reload_submission(submission).tasks_open == 2
    assert world.balance(giver) == 100
    assert world.balance(AccountKey.escrow(submission.id)) == 50
    assert task_service.expire_overdue_tasks(world.uow(), now=world.now) == 0


def test_expire_overdue_tasks_works_through_every_batch(world: World) -> None:
    community = world.community()
    world.submission(world.member(community), wanted=3)
    tasks = [world.task(world.member(community)) for _ in range(3)]
    world.clock.advance(hours=49)

    assert task_service.expire_overdue_tasks(world.uow(), now=world.now, batch=2) == 3
    assert {world.reload_task(t).status for t in tasks} == {TaskStatus.EXPIRED}


def test_expire_overdue_tasks_with_nothing_due_changes_nothing(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    world.task(world.member(community))
    world.clock.advance(hours=47)
    before = world.snapshot()

    assert task_service.expire_overdue_tasks(world.uow(), now=world.now) == 0
    assert world.snapshot() == before


def test_expire_task_leaves_a_task_that_is_not_overdue(world: World) -> None:
    community = world.community()
    world.submission(world.member(community))
    task = world.task(world.member(community))
    before = world.snapshot()

    assert task_service.expire_task(world.uow(), task_id=task.id, now=world.now) is False
    assert world.snapshot() == before


def test_expire_task_refuses_an_unknown_task(world: World) -> None:
    world.community()
    before = world.snapshot()

    with refused("task_not_found", key=UNKNOWN):
        task_service.expire_task(world.uow(), task_id=UNKNOWN, now=world.now)
    assert world.snapshot() == before


def test_an_expired_task_frees_its_slot_for_another_member(world: World) -> None:
    community = world.community()
    submission = world.submission(world.member(community), wanted=1)
    world.task(world.member(community))
    world.clock.advance(hours=48)
    task_service.expire_overdue_tasks(world.uow(), now=world.now)

    assert world.task(world.member(community)).submission_id == submission.id


# --- listing -----------------------------------------------------------------------------------


def test_open_tasks_lists_the_members_tasks_still_in_flight(world: World) -> None:
    community = world.community(welcome_credits=100)
    giver = world.member(community)
    for _ in range(3):
        world.submission(world.member(community))
        world.clock.advance(hours=1)
    skipped = world.task(giver)
    skip(world, giver, skipped)
    assigned = world.task(giver)
    submitted = world.done(world.task(giver))

    listed = task_service.open_tasks(world.uow(), member_id=giver.id)

    assert sorted(t.id for t in listed) == sorted([assigned.id, submitted.id])
