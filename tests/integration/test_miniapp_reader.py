"""The Mini App's reads on SQLite and PostgreSQL: a member's memberships, where their credits went,
their open tasks, the feedback they gave and received, and a community's settings."""

from __future__ import annotations

from datetime import timedelta

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.member import MemberStatus
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import submission as submission_service


def test_a_members_activity_reads_the_same_on_both_databases(any_world: World) -> None:
    world = any_world
    community = world.community(welcome_credits=50)
    ana = world.member(community, "Ana")
    owner = world.member(community, "Owner")
    world.submission(owner, wanted=2)
    world.verified(world.task(ana))
    mine = world.submission(ana, wanted=3)
    bo = world.member(community, "Bo")
    short = world.task(bo)
    world.done(short)
    record_verification_outcome(world.uow(), task_id=short.id, verified=False, reason="too_short", now=world.now)
    world.task(world.member(community, "Cy"))
    world.submission(world.member(community, "Another owner"), wanted=1)
    open_task = world.task(ana)
    reader = world.storage.miniapp_reader

    activity = reader.activity(ana.id, given=10, submissions=5)

    assert activity.credits.received == {PostingKind.WELCOME: 50, PostingKind.PAYOUT: 10}
    assert activity.credits.spent == {PostingKind.ESCROW: 30}
    assert activity.credits.held == 30  # nothing verified on her video yet
    assert [(t.id, t.status) for t in activity.open_tasks] == [(open_task.id, TaskStatus.ASSIGNED)]
    assert activity.open_tasks[0].deadline_at == world.now + timedelta(hours=48)
    assert [t.status for t in activity.given] == [TaskStatus.ASSIGNED, TaskStatus.VERIFIED]
    [received] = activity.received
    assert (received.submission_id, received.status, received.feedback_wanted) == (mine.id, SubmissionStatus.OPEN, 3)
    assert [(f.giver, f.status, f.reason) for f in received.feedback] == [
        ("Bo", TaskStatus.REJECTED, "too_short"),
        ("Cy", TaskStatus.ASSIGNED, None),
    ]


def test_a_withdrawn_request_gives_its_credits_back_and_holds_none(any_world: World) -> None:
    world = any_world
    community = world.community(welcome_credits=50)
    ana = world.member(community, "Ana")
    mine = world.submission(ana, wanted=2)
    submission_service.cancel_submission(world.uow(), member_id=ana.id, submission_id=mine.id, now=world.now)

    credits = world.storage.miniapp_reader.activity(ana.id, given=10, submissions=5).credits

    assert credits.spent == {PostingKind.ESCROW: 20}
    assert credits.received == {PostingKind.WELCOME: 50, PostingKind.REFUND: 20}
    assert credits.held == 0
    assert world.balance(ana) == 50


def test_memberships_are_oldest_first_with_role_status_and_pause(any_world: World) -> None:
    world = any_world
    first = world.community()
    second = world.community()
    ana = world.member(first, "Ana", admin=True)
    community_service.join_community(
        world.uow(), community_id=second.id, telegram_user_id=ana.telegram_user_id, display_name="Ana", now=world.now
    )
    world.pause(second.id, reason="maintenance")

    found = world.storage.miniapp_reader.memberships(ana.telegram_user_id)

    assert [(m.community_id, m.is_admin, m.status, m.is_paused, m.pause_reason) for m in found] == [
        (first.id, True, MemberStatus.ACTIVE, False, None),
        (second.id, False, MemberStatus.ACTIVE, True, "maintenance"),
    ]
    assert world.storage.miniapp_reader.memberships(1) == []


def test_a_communitys_settings_are_read_as_stored(any_world: World) -> None:
    world = any_world
    community = world.community(credits_per_feedback=7, task_deadline=timedelta(hours=30))

    settings = world.storage.miniapp_reader.settings(community.id)

    assert settings is not None
    assert (settings.credits_per_feedback, settings.task_deadline) == (7, timedelta(hours=30))
    assert world.storage.miniapp_reader.settings(community.id + 1000) is None
