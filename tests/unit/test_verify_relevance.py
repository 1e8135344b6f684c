"""The off-topic rule in the use cases: a submission keeps its content's topic, and verification
(public comments or pasted text) hands it to the gate only where the community checks relevance.
Real use cases on a SQLite file, a fake platform ("A video" is every title) and the rule-based fake
gate (off topic: no word shared with the title)."""

from __future__ import annotations

import pytest

from tests.fakes import FakeQualityGate
from tests.world import World
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import InvalidSettings
from tgexchange.domain.member import Member
from tgexchange.domain.submission import Submission
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import task as task_service
from tgexchange.services import verification

ABOUT_IT = "The colour grading of this video is lovely, but the second half needs a tighter cut"
ELSEWHERE = "The intro hook is strong but the middle drags, trim the second example and add chapters please"


def setup(world: World, *, check: bool, platform: Platform = Platform.YOUTUBE) -> tuple[Member, Submission, Task]:
    community = world.community(check_relevance=check)
    owner = world.member(community, link=platform)
    giver = world.member(community, link=platform)
    submission = world.submission(owner, wanted=2, platform=platform)
    return giver, submission, world.task(giver)


def verify(world: World, gate: FakeQualityGate, submission: Submission) -> verification.VerificationRun:
    return verification.verify_submission(world.uow(), world.platform, gate, submission_id=submission.id, now=world.now)


def test_a_submission_keeps_the_topic_of_its_content(world: World) -> None:
    _, submission, _ = setup(world, check=False)
    with world.uow() as uow:
        stored = uow.submissions.find(submission.id)
        assert stored is not None
        assert stored.topic is not None
        assert (stored.topic.title, stored.topic.content_id) == ("A video", submission.content_id)
        assert stored.topic.channel_name is not None


def test_the_relevance_check_is_off_by_default_and_stored_when_switched_on(world: World) -> None:
    assert CommunitySettings().check_relevance is False
    community = world.community()
    admin = world.member(community, admin=True)
    community_service.update_settings(world.uow(), actor_member_id=admin.id, now=world.now, check_relevance=True)
    with world.uow() as uow:
        stored = uow.communities.find(community.id)
        assert stored is not None
        assert stored.settings.check_relevance is True
    assert CommunitySettings.from_json({}).check_relevance is False  # settings stored before it existed


def test_the_check_must_be_on_or_off() -> None:
    with pytest.raises(InvalidSettings, match="relevance"):
        CommunitySettings(check_relevance=1)  # type: ignore[arg-type]


def test_with_the_check_on_a_comment_about_something_else_is_rejected_off_topic(world: World) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=True)
    world.clock.advance(minutes=10)
    world.comment(giver, submission, ELSEWHERE)
    world.done(task)

    run = verify(world, gate, submission)

    assert (run.verified, run.rejected) == (0, 1)
    stored = world.task_row(task.id)
    assert (stored.status, stored.reason) == (TaskStatus.REJECTED, "off_topic")
    assert gate.topics[-1] is not None
    assert gate.topics[-1].content_id == submission.content_id


def test_with_the_check_on_a_comment_about_the_video_is_verified(world: World) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=True)
    world.clock.advance(minutes=10)
    world.comment(giver, submission, ABOUT_IT)
    world.done(task)

    assert verify(world, gate, submission).verified == 1


def test_with_the_check_off_the_gate_gets_no_topic_and_the_same_comment_is_verified(world: World) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=False)
    world.clock.advance(minutes=10)
    world.comment(giver, submission, ELSEWHERE)
    world.done(task)

    assert verify(world, gate, submission).verified == 1
    assert gate.topics == [None]


@pytest.mark.parametrize("check", [True, False])
def test_the_gate_always_gets_the_content_id_so_a_link_to_it_is_not_self_promotion(world: World, check: bool) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=check)
    world.clock.advance(minutes=10)
    world.comment(giver, submission, ABOUT_IT)
    world.done(task)
    verify(world, gate, submission)
    assert gate.content_ids == [submission.content_id]


def test_pasted_feedback_is_judged_with_the_content_id_with_the_check_off(world: World) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=False, platform=Platform.TIKTOK)
    task_service.judge_pasted_feedback(
        world.uow(), gate, member_id=giver.id, task_id=task.id, text=ABOUT_IT, now=world.now
    )
    assert (gate.topics, gate.content_ids) == ([None], [submission.content_id])


def test_pasted_feedback_is_judged_against_the_topic_before_it_is_handed_in(world: World) -> None:
    gate = FakeQualityGate()
    giver, _, task = setup(world, check=True, platform=Platform.TIKTOK)
    verdict = task_service.judge_pasted_feedback(
        world.uow(), gate, member_id=giver.id, task_id=task.id, text=ELSEWHERE, now=world.now
    )
    assert verdict.rule == "off_topic"
    verdict = task_service.judge_pasted_feedback(
        world.uow(), gate, member_id=giver.id, task_id=task.id, text=ABOUT_IT, now=world.now
    )
    assert verdict.accepted


def test_pasted_feedback_off_topic_is_rejected_without_asking_the_owner(world: World) -> None:
    gate = FakeQualityGate()
    giver, submission, task = setup(world, check=True, platform=Platform.TIKTOK)
    task_service.mark_task_done(
        world.uow(), member_id=giver.id, task_id=task.id, now=world.now, feedback_text=ELSEWHERE
    )
    verify(world, gate, submission)
    stored = world.task_row(task.id)
    assert (stored.status, stored.reason, stored.review_stage) == (TaskStatus.REJECTED, "off_topic", None)
