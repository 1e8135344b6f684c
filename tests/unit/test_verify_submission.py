"""Verification from public comments and from the owner's confirmation, through the real use
cases on a SQLite file, with a fake platform and a rule-based fake quality gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.fakes import FakeQualityGate, RecordingNotifier
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import (
    CommunityPaused,
    IllegalTransition,
    NotAnAdmin,
    NotYourTask,
    PlatformUnavailable,
    TaskNotFound,
)
from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import ReviewStage, Task, TaskStatus
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services import channel as channel_service
from tgexchange.services import community as community_service
from tgexchange.services import review, sweep, verification
from tgexchange.services import task as task_service
from tgexchange.services.notifications import deliver_notices

GOOD = "The intro hook is strong but the middle drags, trim the second example and add chapters please"
POLICY = VerificationPolicy()


@pytest.fixture
def gate() -> FakeQualityGate:
    return FakeQualityGate()


def setup(
    world: World, givers: int = 1, *, platform: Platform = Platform.YOUTUBE, wanted: int = 3
) -> tuple[Member, list[Member], Submission, list[Task]]:
    community = world.community()
    owner = world.member(community, link=platform)
    members = [world.member(community, link=platform) for _ in range(givers)]
    submission = world.submission(owner, wanted=wanted, platform=platform)
    tasks = [world.task(giver) for giver in members]
    return owner, members, submission, tasks


def verify(world: World, gate: FakeQualityGate, submission: Submission) -> verification.VerificationRun:
    return verification.verify_submission(world.uow(), world.platform, gate, submission_id=submission.id, now=world.now)


def test_a_comment_by_the_givers_channel_after_assignment_verifies_and_pays(
    world: World, gate: FakeQualityGate
) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.clock.advance(minutes=20)
    world.comment(giver, submission, GOOD)
    world.done(task)

    run = verify(world, gate, submission)

    assert (run.verified, run.rejected, run.waiting) == (1, 0, 0)
    stored = world.task_row(task.id)
    assert stored.status is TaskStatus.VERIFIED
    assert stored.feedback_text == GOOD
    assert stored.comment_id is not None
    assert world.balance(giver) == 40


def test_a_missing_comment_waits_with_backoff_and_is_verified_when_it_appears(
    world: World, gate: FakeQualityGate
) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.done(task)

    first = verify(world, gate, submission)
    assert first.waiting == 1
    assert first.retry_in == POLICY.retry_delay(1)
    stored = world.task_row(task.id)
    assert stored.status is TaskStatus.VERIFYING
    assert stored.next_check_at == world.now + POLICY.retry_delay(1)

    world.clock.advance(minutes=3)
    second = verify(world, gate, submission)
    assert second.retry_in == POLICY.retry_delay(2)

    world.comment(giver, submission, GOOD)
    world.clock.advance(minutes=6)
    third = verify(world, gate, submission)
    assert third.verified == 1
    assert world.task_row(task.id).verification_attempts == 3


def test_a_comment_still_missing_after_the_deadline_is_rejected_as_not_found_when_the_owner_is_not_asked(
    world: World, gate: FakeQualityGate
) -> None:
    # By default the owner is asked first (held for review): tests/unit/test_held_for_review.py.
    _, (giver,), submission, (task,) = setup(world)
    world.done(task)
    world.clock.advance(hours=49)

    run = verification.verify_submission(
        world.uow(),
        world.platform,
        gate,
        submission_id=submission.id,
        now=world.now,
        policy=VerificationPolicy(ask_owner_when_not_found=False),
    )

    assert run.rejected == 1
    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "not_found")
    assert world.balance(giver) == 30


def test_the_deadline_gives_a_late_done_some_grace(world: World, gate: FakeQualityGate) -> None:
    _, _, submission, (task,) = setup(world)
    world.clock.advance(hours=47, minutes=50)
    world.done(task)
    world.clock.advance(hours=1)  # past the task deadline, within the grace after "done"

    run = verify(world, gate, submission)

    assert run.waiting == 1
    assert world.task_row(task.id).status is TaskStatus.VERIFYING


def test_a_comment_by_someone_elses_channel_does_not_count(world: World, gate: FakeQualityGate) -> None:
    _, (_giver, other), submission, (task, _) = setup(world, 2)
    world.comment(other, submission, GOOD)
    world.done(task)

    run = verify(world, gate, submission)

    assert run.verified == 0
    assert world.task_row(task.id).status is TaskStatus.VERIFYING


def test_a_comment_from_any_channel_the_giver_linked_on_the_platform_counts(
    world: World, gate: FakeQualityGate
) -> None:
    _, (giver,), submission, (task,) = setup(world)
    second = "UCsecond-channel-of-the-giver"
    proof = channel_service.start_channel_proof(
        world.uow(), member_id=giver.id, platform=Platform.YOUTUBE, now=world.now
    )
    ref = world.platform.publish(channel_id=second)
    world.platform.comment(ref, author_channel_id=second, text=f"proof {proof.code}", at=world.now)
    channel_service.confirm_channel_proof(
        world.uow(), world.platform, world.platform, member_id=giver.id, ref=ref, now=world.now
    )
    world.platform.comment(world.ref_of(submission), author_channel_id=second, text=GOOD, at=world.now)
    world.done(task)

    run = verify(world, gate, submission)

    assert run.verified == 1
    assert world.task_row(task.id).feedback_text == GOOD


def test_a_comment_written_before_the_task_was_given_does_not_count(world: World, gate: FakeQualityGate) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.comment(giver, submission, GOOD, at=world.now - timedelta(hours=3))
    world.done(task)

    assert verify(world, gate, submission).verified == 0


def test_an_estimated_time_is_read_with_its_precision(world: World, gate: FakeQualityGate) -> None:
    _, (giver,), submission, (task,) = setup(world)
    # yt-dlp shows "5 hours ago" for a comment written 4.5 hours ago: the estimate is earlier
    # than the assignment, but within its one-hour precision.
    world.clock.advance(hours=5)
    world.comment(giver, submission, GOOD, at=task.assigned_at - timedelta(minutes=30), estimate=True)
    world.done(task)

    assert verify(world, gate, submission).verified == 1


def test_one_fetch_serves_every_member_waiting_on_the_submission(world: World, gate: FakeQualityGate) -> None:
    _, givers, submission, tasks = setup(world, 3)
    for giver, task in zip(givers, tasks, strict=True):
        world.comment(giver, submission, f"{GOOD} ({giver.id})")
        world.done(task)
    world.platform.calls.clear()

    run = verify(world, gate, submission)

    assert run.verified == 3
    assert world.platform.calls == [("read_comments", submission.content_id)]


def test_an_outage_never_rejects_and_the_task_is_verified_after_recovery(world: World, gate: FakeQualityGate) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.comment(giver, submission, GOOD)
    world.done(task)
    world.platform.fail_next(PlatformUnavailable("YouTube", "HTTP 503"))
    world.clock.advance(hours=60)  # even past the deadline an outage is not the member's fault

    outage = verify(world, gate, submission)
    assert outage.error == "platform_unavailable"
    assert outage.retry_in is not None
    assert world.task_row(task.id).status is TaskStatus.VERIFYING
    with world.storage.engine.connect() as connection:
        failures = connection.execute(sa.select(tables.job_failures.c.kind)).scalars().all()
    assert failures == ["platform_unavailable"]

    recovered = verify(world, gate, submission)
    assert recovered.verified == 1


def test_a_rate_limit_answer_waits_at_least_as_long_as_the_platform_asks(world: World, gate: FakeQualityGate) -> None:
    _, _, submission, (task,) = setup(world)
    world.done(task)
    world.platform.fail_next(PlatformUnavailable("YouTube", "HTTP 429", retry_after_s=3600))

    run = verify(world, gate, submission)

    assert run.retry_in == timedelta(hours=1)
    assert world.task_row(task.id).next_check_at == world.now + timedelta(hours=1)


def test_feedback_failing_the_quality_gate_is_rejected_naming_the_rule(world: World, gate: FakeQualityGate) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.comment(giver, submission, "nice video check http://spam.example")
    world.done(task)

    verify(world, gate, submission)

    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "self_promotion")


def test_a_copy_of_the_members_earlier_feedback_is_rejected(world: World, gate: FakeQualityGate) -> None:
    community = world.community()
    owners = [world.member(community), world.member(community)]
    giver = world.member(community)
    submissions = {s.id: s for s in (world.submission(owner, wanted=1) for owner in owners)}
    for _ in submissions:
        task = world.task(giver)
        submission = submissions[task.submission_id]
        world.comment(giver, submission, GOOD)
        world.done(task)
        verify(world, gate, submission)

    with world.uow() as uow:
        outcomes = [t.reason for t in uow.tasks.list_for_giver(giver.id, statuses=frozenset(TaskStatus))]
    assert sorted(outcomes, key=str) == sorted([None, "near_copy"], key=str)


def test_nothing_is_decided_while_the_community_is_paused(world: World, gate: FakeQualityGate) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.comment(giver, submission, GOOD)
    world.done(task)
    community_service.pause_community(
        world.uow(), community_id=submission.community_id, actor_member_id=None, reason="maintenance", now=world.now
    )

    run = verify(world, gate, submission)

    assert run.paused
    assert world.task_row(task.id).status is TaskStatus.SUBMITTED


def test_vanished_content_waits_then_rejects_without_hurting_the_givers_reliability(
    world: World, gate: FakeQualityGate
) -> None:
    _, (giver,), submission, (task,) = setup(world)
    world.done(task)
    world.platform._content.clear()  # the owner deleted the video

    assert verify(world, gate, submission).waiting == 1
    world.clock.advance(hours=60)
    verify(world, gate, submission)

    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "content_unavailable")
    with world.uow() as uow:
        assert uow.stats.get(giver.id).rejected == 0


# --- platforms without public comments: the owner confirms ------------------------------------------


def tiktok_done(world: World, gate: FakeQualityGate, text: str = GOOD) -> tuple[Member, Member, Task]:
    owner, (giver,), submission, (task,) = setup(world, platform=Platform.TIKTOK)
    task_service.mark_task_done(world.uow(), member_id=giver.id, task_id=task.id, now=world.now, feedback_text=text)
    verify(world, gate, submission)
    return owner, giver, world.task_row(task.id)


def test_on_tiktok_the_pasted_text_goes_to_the_owner_once_it_passes_the_gate(
    world: World, gate: FakeQualityGate
) -> None:
    uow = world.uow()
    owner, _, submission, (task,) = setup(world, platform=Platform.TIKTOK)
    task_service.mark_task_done(
        world.uow(), member_id=task.giver_id, task_id=task.id, now=world.now, feedback_text=GOOD
    )
    verification.verify_submission(uow, world.platform, gate, submission_id=submission.id, now=world.now)

    stored = world.task_row(task.id)
    assert stored.review_stage is ReviewStage.OWNER
    assert ("read_comments", submission.content_id) not in world.platform.calls
    notifier = RecordingNotifier()
    deliver_notices(world.storage.outbox, notifier, now=world.now, ids=uow.take_notices())
    assert notifier.kinds_for(owner.id) == ["confirm_feedback"]
    assert notifier.notices[0].params["text"] == GOOD


def test_on_tiktok_pasted_text_failing_the_gate_is_rejected_without_asking_the_owner(
    world: World, gate: FakeQualityGate
) -> None:
    _, _, task = tiktok_done(world, gate, text="nice")

    assert (task.status, task.reason, task.review_stage) == (TaskStatus.REJECTED, "too_short", None)


def test_the_owner_confirming_verifies_and_pays(world: World, gate: FakeQualityGate) -> None:
    owner, giver, task = tiktok_done(world, gate)

    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED
    assert world.balance(giver) == 40


def test_only_the_owner_may_answer_and_only_once(world: World, gate: FakeQualityGate) -> None:
    owner, giver, task = tiktok_done(world, gate)
    with pytest.raises(NotYourTask):
        review.answer_owner_review(
            world.uow(), owner_member_id=giver.id, task_id=task.id, confirmed=True, now=world.now
        )
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now)
    with pytest.raises(IllegalTransition):
        review.answer_owner_review(
            world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now
        )


def test_a_denial_can_be_disputed_and_an_admin_decides(world: World, gate: FakeQualityGate) -> None:
    owner, giver, task = tiktok_done(world, gate)
    admin = world.member(community_of(world, task), admin=True)

    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now)
    assert world.task_row(task.id).review_stage is ReviewStage.DISPUTE_WINDOW
    uow = world.uow()
    review.dispute_denial(uow, giver_member_id=giver.id, task_id=task.id, now=world.now)
    notifier = RecordingNotifier()
    deliver_notices(world.storage.outbox, notifier, now=world.now, ids=uow.take_notices())
    assert notifier.kinds_for(admin.id) == ["dispute_opened"]

    with pytest.raises(NotAnAdmin):
        review.resolve_dispute(world.uow(), admin_member_id=giver.id, task_id=task.id, verified=True, now=world.now)
    review.resolve_dispute(world.uow(), admin_member_id=admin.id, task_id=task.id, verified=True, now=world.now)
    assert world.task_row(task.id).status is TaskStatus.VERIFIED
    assert world.balance(giver) == 40


def test_an_admin_of_another_community_cannot_settle_the_dispute(world: World, gate: FakeQualityGate) -> None:
    owner, giver, task = tiktok_done(world, gate)
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now)
    review.dispute_denial(world.uow(), giver_member_id=giver.id, task_id=task.id, now=world.now)
    stranger = world.member(world.community(), admin=True)

    with pytest.raises(TaskNotFound):
        review.resolve_dispute(world.uow(), admin_member_id=stranger.id, task_id=task.id, verified=True, now=world.now)


def test_reviews_nobody_finishes_close_on_time(world: World, gate: FakeQualityGate) -> None:
    _owner, _giver, silent = tiktok_done(world, gate)
    world.clock.advance(hours=73)

    result = sweep.sweep(world.uow(), now=world.now)

    assert result.reviews_closed == 1
    assert world.task_row(silent.id).status is TaskStatus.VERIFIED  # an owner's silence confirms


def test_an_undisputed_denial_stands_when_the_window_closes(world: World, gate: FakeQualityGate) -> None:
    owner, giver, task = tiktok_done(world, gate)
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=False, now=world.now)
    world.clock.advance(hours=25)

    sweep.sweep(world.uow(), now=world.now)

    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "owner_denied")
    assert world.balance(giver) == 30


def test_the_sweeper_requeues_a_done_whose_pass_was_never_queued(world: World, gate: FakeQualityGate) -> None:
    # The process that recorded the Done died before queueing its pass: the sweeper asks for one
    # once the first pass is overdue (debounce, then the slack), not after the in-flight marker.
    _, _, submission, (task,) = setup(world)
    world.done(task)

    assert sweep.sweep(world.uow(), now=world.now).to_verify == []
    assert sweep.sweep(world.uow(), now=world.now, after_restart=True).to_verify == [submission.id]
    world.clock.advance(seconds=(POLICY.debounce + POLICY.sweep_slack).total_seconds() - 1)
    assert sweep.sweep(world.uow(), now=world.now).to_verify == []  # its pass may be just late
    world.clock.advance(seconds=2)
    assert sweep.sweep(world.uow(), now=world.now).to_verify == [submission.id]


def test_the_sweeper_requeues_tasks_whose_pass_died(world: World, gate: FakeQualityGate) -> None:
    # A pass that started marks its tasks in flight for ``stuck_after``; one that died mid-way
    # (its worker died reading the platform) is looked at again after that and the slack.
    _, _, submission, (task,) = setup(world)
    world.done(task)
    world.clock.advance(seconds=POLICY.debounce.total_seconds())
    world.platform.fail_next(RuntimeError("the worker died reading comments"))
    with pytest.raises(RuntimeError):
        verify(world, gate, submission)
    assert world.task_row(task.id).status is TaskStatus.VERIFYING

    world.clock.advance(seconds=(POLICY.stuck_after + POLICY.sweep_slack).total_seconds() - 1)
    assert sweep.sweep(world.uow(), now=world.now).to_verify == []  # its job may be just late
    world.clock.advance(seconds=2)
    assert sweep.sweep(world.uow(), now=world.now).to_verify == [submission.id]


def community_of(world: World, task: Task) -> Community:
    with world.uow() as uow:
        community = uow.communities.find(task.community_id)
    assert community is not None
    return community


def test_escrow_is_untouched_while_waiting(world: World, gate: FakeQualityGate) -> None:
    _, _, submission, (task,) = setup(world)
    world.done(task)
    verify(world, gate, submission)
    assert world.balance(AccountKey.escrow(submission.id)) == 30


def test_an_outage_that_outlasts_the_limit_calls_the_task_off_without_blame(
    world: World, gate: FakeQualityGate
) -> None:
    _, (giver,), submission, (task,) = setup(world, wanted=1)
    world.done(task)
    deadline = world.task_row(task.id).verification_deadline(POLICY.grace)

    world.clock.advance(seconds=(deadline - world.now).total_seconds() + POLICY.outage_limit.total_seconds() - 60)
    world.platform.fail_next(PlatformUnavailable("YouTube", "an error yt-dlp has not seen before"))
    assert verify(world, gate, submission).waiting == 1  # a minute short of the limit: still waiting
    assert world.task_row(task.id).status is TaskStatus.VERIFYING

    world.clock.advance(minutes=2)
    world.platform.fail_next(PlatformUnavailable("YouTube", "an error yt-dlp has not seen before"))
    run = verify(world, gate, submission)

    stored = world.task_row(task.id)
    assert (run.rejected, run.waiting) == (1, 0)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "platform_unavailable")
    with world.uow() as uow:
        assert uow.stats.get(giver.id).rejected == 0  # not the giver's fault
    # Its escrow slot is free again: another member can give the feedback the owner paid for.
    with world.uow() as uow:
        community = uow.communities.find(giver.community_id)
    assert community is not None
    newcomer = world.member(community, link=Platform.YOUTUBE)
    assert world.task(newcomer).submission_id == submission.id


def test_the_kill_switch_stops_owner_review_payouts_and_gives_the_window_back(
    world: World, gate: FakeQualityGate
) -> None:
    owner, giver, task = tiktok_done(world, gate)
    world.pause(task.community_id, reason="fraud check")

    with pytest.raises(CommunityPaused):
        review.answer_owner_review(
            world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now
        )
    world.clock.advance(hours=100)  # the review's 72 hours run out while paused
    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 0
    assert world.balance(giver) == 30

    community_service.resume_community(world.uow(), community_id=task.community_id, actor_member_id=None, now=world.now)
    assert sweep.sweep(world.uow(), now=world.now).reviews_closed == 0  # its 72 hours are back
    review.answer_owner_review(world.uow(), owner_member_id=owner.id, task_id=task.id, confirmed=True, now=world.now)
    assert world.balance(giver) == 40
