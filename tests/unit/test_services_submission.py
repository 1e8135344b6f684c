"""Offering one's own content for feedback, and withdrawing it, on a SQLite file."""

from __future__ import annotations

import pytest

from tests.refusals import refused
from tests.world import World
from tgexchange.domain.content import ContentKind, ContentRef, Platform
from tgexchange.domain.errors import (
    ContentUnavailable,
    DomainError,
    PlatformUnavailable,
)
from tgexchange.domain.events import SubmissionCancelled, TaskCancelled
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission, SubmissionStatus
from tgexchange.domain.task import TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import submission as submission_service

UNKNOWN = 999_999


def submit(world: World, member: Member, ref: ContentRef, wanted: int | None = None) -> Submission:
    return submission_service.submit_content(
        world.uow(), world.platform, member_id=member.id, ref=ref, now=world.now, feedback_wanted=wanted
    )


def cancel(world: World, member: Member, submission: Submission) -> int:
    return submission_service.cancel_submission(
        world.uow(), member_id=member.id, submission_id=submission.id, now=world.now
    )


# --- submitting --------------------------------------------------------------------------------


def test_submit_content_stores_an_open_submission_and_moves_its_price_into_escrow(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    ref = world.platform.publish(channel_id=world.channel_of[owner.id], title="My  first\nvideo")

    submission = submit(world, owner, ref)

    stored = world.reload_submission(submission)
    assert (stored.status, stored.owner_id, stored.community_id) == (SubmissionStatus.OPEN, owner.id, community.id)
    assert (stored.platform, stored.content_id, stored.url) == (Platform.YOUTUBE, ref.content_id, ref.url)
    assert stored.title == "My first video"
    assert (stored.feedback_wanted, stored.credits_per_feedback, stored.tasks_open) == (3, 10, 0)
    assert world.balance(owner) == 0
    assert world.escrow(submission) == 30


def test_submit_content_escrows_the_feedback_asked_for_at_the_communitys_price(world: World) -> None:
    owner = world.member(world.community(credits_per_feedback=7))

    submission = world.submission(owner, wanted=2)

    assert submission.feedback_wanted == 2
    assert world.balance(owner) == 30 - 14
    assert world.escrow(submission) == 14


def test_submit_content_keeps_a_long_title_up_to_the_title_limit(world: World) -> None:
    owner = world.member(world.community())
    ref = world.platform.publish(channel_id=world.channel_of[owner.id], title="t" * 500)

    submission = submit(world, owner, ref)

    assert world.reload_submission(submission).title == "t" * 300


def test_submit_content_reads_the_platform_once(world: World) -> None:
    owner = world.member(world.community())
    ref = world.content(owner)
    world.platform.calls.clear()

    submit(world, owner, ref)

    assert world.platform.calls == [("read_content", ref.content_id)]


def test_submit_content_again_after_cancelling_it_is_allowed(world: World) -> None:
    owner = world.member(world.community(welcome_credits=60))
    ref = world.content(owner)
    cancel(world, owner, submit(world, owner, ref))

    again = submit(world, owner, ref)

    assert world.reload_submission(again).status is SubmissionStatus.OPEN
    assert world.balance(owner) == 30


def test_submit_content_refuses_an_unknown_member(world: World) -> None:
    owner = world.member(world.community())
    ref = world.content(owner)
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        submission_service.submit_content(world.uow(), world.platform, member_id=UNKNOWN, ref=ref, now=world.now)
    assert world.snapshot() == before


def test_submit_content_refuses_a_banned_member(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    ref = world.content(owner)
    world.ban(community, owner)
    before = world.snapshot()

    with refused("member_banned"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_while_the_community_is_paused(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    ref = world.content(owner)
    community_service.pause_community(
        world.uow(), community_id=community.id, actor_member_id=None, reason="incident", now=world.now
    )
    before = world.snapshot()

    with refused("community_paused", reason="incident"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_a_platform_the_community_does_not_accept(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True, link=None)
    owner = world.member(community)
    ref = world.content(owner)
    community_service.update_settings(
        world.uow(),
        actor_member_id=admin.id,
        now=world.now,
        allowed_platforms=frozenset({Platform.TIKTOK}),
    )
    before = world.snapshot()

    with refused("platform_not_allowed", platform="youtube"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_a_member_without_a_linked_channel(world: World) -> None:
    owner = world.member(world.community(), link=None)
    ref = world.platform.publish(channel_id="UCunlinked")
    before = world.snapshot()

    with refused("no_channel_linked", platform="youtube"):
        submit(world, owner, ref)
    assert world.snapshot() == before
    assert world.platform.calls == []


def test_submit_content_refuses_a_platform_where_the_member_has_no_channel(world: World) -> None:
    owner = world.member(world.community())  # YouTube only
    ref = world.platform.publish(channel_id="tt-owner", platform=Platform.TIKTOK)
    before = world.snapshot()

    with refused("no_channel_linked", platform="tiktok"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_refuses_content_of_an_unlinked_channel(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    stranger = world.member(community)
    ref = world.content(stranger)
    before = world.snapshot()

    with refused("not_your_content"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_the_same_content_twice(world: World) -> None:
    owner = world.member(world.community(welcome_credits=100))
    ref = world.content(owner)
    submit(world, owner, ref)
    before = world.snapshot()

    with refused("duplicate_submission"):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_more_than_the_member_can_pay(world: World) -> None:
    owner = world.member(world.community())
    ref = world.content(owner)
    before = world.snapshot()

    with refused("insufficient_credits", needed=40, available=30):
        submit(world, owner, ref, wanted=4)
    assert world.snapshot() == before


@pytest.mark.parametrize("wanted", [0, -1, 11])
def test_submit_content_refuses_a_feedback_count_outside_one_to_the_maximum(world: World, wanted: int) -> None:
    owner = world.member(world.community(welcome_credits=1000))
    ref = world.content(owner)
    before = world.snapshot()

    world.platform.calls.clear()

    with refused("invalid_feedback_count", wanted=wanted, maximum=10):
        submit(world, owner, ref, wanted=wanted)
    assert world.snapshot() == before
    assert world.platform.calls == []  # refused before reading the platform


@pytest.mark.parametrize(
    "error",
    [PlatformUnavailable("YouTube", "timeout"), ContentUnavailable("https://youtube.example/x", "private")],
    ids=["platform-unavailable", "content-unavailable"],
)
def test_submit_content_stores_nothing_when_the_platform_fails(world: World, error: DomainError) -> None:
    owner = world.member(world.community())
    ref = world.content(owner)
    world.platform.fail_next(error)
    before = world.snapshot()

    with pytest.raises(type(error)):
        submit(world, owner, ref)
    assert world.snapshot() == before


def test_submit_content_refuses_content_that_does_not_exist(world: World) -> None:
    owner = world.member(world.community())
    ref = ContentRef(Platform.YOUTUBE, ContentKind.VIDEO, "gone", "https://youtube.example/gone")
    before = world.snapshot()

    with refused("content_unavailable"):
        submit(world, owner, ref)
    assert world.snapshot() == before


# --- cancelling --------------------------------------------------------------------------------


def test_cancel_submission_without_tasks_refunds_all_its_escrow(world: World) -> None:
    owner = world.member(world.community())
    submission = world.submission(owner)
    uow = world.storage.uow()

    refund = submission_service.cancel_submission(uow, member_id=owner.id, submission_id=submission.id, now=world.now)

    assert refund == 30
    stored = world.reload_submission(submission)
    assert (stored.status, stored.closed_at) == (SubmissionStatus.CANCELLED, world.now)
    assert world.balance(owner) == 30
    assert world.escrow(submission) == 0
    [event] = uow.take_events()
    assert isinstance(event, SubmissionCancelled)
    assert (event.submission_id, event.owner_id, event.refunded, event.occurred_at) == (
        submission.id,
        owner.id,
        30,
        world.now,
    )


def test_cancel_submission_cancels_tasks_not_yet_done_and_refunds_their_share(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    uow = world.storage.uow()

    refund = submission_service.cancel_submission(uow, member_id=owner.id, submission_id=submission.id, now=world.now)

    assert refund == 30
    stored = world.reload_task(task)
    assert (stored.status, stored.reason) == (TaskStatus.CANCELLED, "submission_cancelled")
    assert world.balance(giver) == 30
    assert world.balance(owner) == 30
    events = uow.take_events()
    assert sorted(type(e).__name__ for e in events) == ["SubmissionCancelled", "TaskCancelled"]
    [cancelled] = [e for e in events if isinstance(e, TaskCancelled)]
    assert (cancelled.task_id, cancelled.giver_id, cancelled.reason) == (task.id, giver.id, "submission_cancelled")


def test_cancel_submission_reports_every_task_it_cancelled(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner)
    givers = [world.member(community) for _ in range(3)]
    tasks = [world.task(giver) for giver in givers]
    uow = world.storage.uow()

    submission_service.cancel_submission(uow, member_id=owner.id, submission_id=submission.id, now=world.now)

    cancelled = [e for e in uow.take_events() if isinstance(e, TaskCancelled)]
    assert sorted(e.task_id for e in cancelled) == sorted(t.id for t in tasks)


def test_cancel_submission_keeps_the_share_of_a_task_already_marked_done(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    done = world.done(world.task(giver))

    assert cancel(world, owner, submission) == 20

    assert world.reload_task(done).status is TaskStatus.SUBMITTED
    assert world.balance(owner) == 20
    assert world.escrow(submission) == 10


def test_cancel_submission_does_not_refund_feedback_already_paid(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner)
    world.verified(world.task(giver))

    assert cancel(world, owner, submission) == 20

    assert world.balance(owner) == 20
    assert world.balance(giver) == 40
    assert world.escrow(submission) == 0


def test_a_cancelled_submission_is_no_longer_offered(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    cancel(world, owner, world.submission(owner))

    with refused("no_task_available"):
        world.task(giver)


def test_a_banned_member_may_still_withdraw_their_submission(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    submission = world.submission(owner)
    world.ban(community, owner)

    assert cancel(world, owner, submission) == 30
    assert world.balance(owner) == 30


def test_cancel_submission_refuses_someone_elses_submission(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    other = world.member(community)
    submission = world.submission(owner)
    before = world.snapshot()

    with refused("not_your_submission"):
        cancel(world, other, submission)
    assert world.snapshot() == before


def test_cancel_submission_refuses_a_submission_already_cancelled(world: World) -> None:
    owner = world.member(world.community())
    submission = world.submission(owner)
    cancel(world, owner, submission)
    before = world.snapshot()

    with refused("submission_closed", status="cancelled"):
        cancel(world, owner, submission)
    assert world.snapshot() == before


def test_cancel_submission_refuses_a_completed_submission(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    submission = world.submission(owner, wanted=1)
    world.verified(world.task(giver))
    before = world.snapshot()

    with refused("submission_closed", status="completed"):
        cancel(world, owner, submission)
    assert world.snapshot() == before


def test_cancel_submission_refuses_an_unknown_submission_or_member(world: World) -> None:
    owner = world.member(world.community())
    submission = world.submission(owner)
    before = world.snapshot()

    with refused("submission_not_found", key=UNKNOWN):
        submission_service.cancel_submission(world.uow(), member_id=owner.id, submission_id=UNKNOWN, now=world.now)
    with refused("member_not_found", key=UNKNOWN):
        submission_service.cancel_submission(world.uow(), member_id=UNKNOWN, submission_id=submission.id, now=world.now)
    assert world.snapshot() == before
