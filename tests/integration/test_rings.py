"""Rings on a real database: the detection reads the judged tasks (verified or rejected), flags the pair that served
each other, matching then keeps the pair apart, and an admin's decision is audited."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from huey import MemoryHuey

from tests.fakes import FakeQualityGate, RecordingNotifier
from tests.outcomes import record_verification_outcome
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.domain.member import Member
from tgexchange.domain.ring import RingAlreadyDecided, RingNotFound, RingStatus
from tgexchange.services import ring as ring_service
from tgexchange.services.task import skip_task
from tgexchange.worker.jobs import register_jobs


def serve(world: World, owner: Member, giver: Member) -> None:
    """``owner`` submits content wanting one feedback; ``giver`` is given it and is verified."""
    submission = world.submission(owner, wanted=1)
    task = world.task(giver)
    assert task.submission_id == submission.id
    world.verified(task)


def pair_in_a_crowd(world: World) -> tuple[Community, Member, Member, list[Member]]:
    """Ten members serving each other along a chain, and a pair serving each other three times
    each way."""
    community = world.community()
    crowd = [world.member(community) for _ in range(10)]
    for owner, giver in zip(crowd, crowd[1:] + crowd[:1], strict=True):
        serve(world, owner, giver)
    first, second = world.member(community, "first"), world.member(community, "second")
    for _ in range(3):
        serve(world, first, second)
        serve(world, second, first)
    return community, first, second, crowd


def test_the_pair_is_flagged_and_matching_stops_giving_them_each_others_content(world: World) -> None:
    community, first, second, crowd = pair_in_a_crowd(world)

    run = ring_service.detect_rings(world.storage.rings, now=world.now)

    (ring,) = world.storage.rings.rings_in([community.id])
    assert run.flagged == [ring.id]
    assert ring.status is RingStatus.FLAGGED
    assert ring.member_ids == (first.id, second.id)
    assert ring.evidence["internal_exchanges"] == 6
    assert ring.evidence["internal_share"] == 1.0
    # The partner's content waits longest, yet the giver is offered the outsider's.
    waiting = world.submission(first, wanted=1)
    world.clock.advance(minutes=5)
    outsider = world.submission(crowd[0], wanted=1)
    assert world.task(second).submission_id == outsider.id
    with world.uow() as uow:
        offered = uow.submissions.candidates(
            community_id=community.id, giver_id=second.id, platforms=frozenset({Platform.YOUTUBE}), limit=10
        )
    assert waiting.id not in {c.submission_id for c in offered}


def test_feedback_the_quality_gate_refused_still_counts_as_an_exchange(world: World) -> None:
    # The pair takes each other's content every time, but what they write is refused: they are
    # still a pair serving each other (and skipped tasks are not exchanges). No health cooldown:
    # the refusals would stop them asking before the third round.
    community = world.community(health_threshold_pct=0)
    crowd = [world.member(community) for _ in range(10)]
    for owner, giver in zip(crowd, crowd[1:] + crowd[:1], strict=True):
        serve(world, owner, giver)
    first, second = world.member(community, "first"), world.member(community, "second")
    for _ in range(3):
        for owner, giver in ((first, second), (second, first)):
            world.submission(owner, wanted=1)
            task = world.done(world.task(giver))
            record_verification_outcome(world.uow(), task_id=task.id, verified=False, reason="spam", now=world.now)
    # A refusal frees the slot: an outsider is offered one of the pair's submissions, and skips it.
    skip_task(world.uow(), member_id=crowd[0].id, task_id=world.task(crowd[0]).id, now=world.now)

    exchanges = world.storage.rings.exchanges(since=world.now - timedelta(days=1))[community.id]
    ring_service.detect_rings(world.storage.rings, now=world.now)

    assert len(exchanges) == 10 + 6
    (ring,) = world.storage.rings.rings_in([community.id])
    assert ring.member_ids == (first.id, second.id)
    assert ring.evidence["internal_exchanges"] == 6


def test_running_the_detection_again_refreshes_the_flag_instead_of_adding_one(world: World) -> None:
    community, *_ = pair_in_a_crowd(world)
    ring_service.detect_rings(world.storage.rings, now=world.now)

    again = ring_service.detect_rings(world.storage.rings, now=world.now)

    assert (again.flagged, again.refreshed) == ([], 1)
    assert len(world.storage.rings.rings_in([community.id])) == 1


def test_an_admin_clears_the_pair_audited_and_matching_serves_them_to_each_other_again(world: World) -> None:
    community, first, second, _ = pair_in_a_crowd(world)
    admin = world.member(community, "admin", admin=True, link=None)
    ring_service.detect_rings(world.storage.rings, now=world.now)
    (ring,) = world.storage.rings.rings_in([community.id])

    cleared = ring_service.decide_ring_as_admin(
        world.uow(),
        world.storage.rings,
        actor_member_id=admin.id,
        ring_id=ring.id,
        verdict=RingStatus.CLEARED,
        now=world.now,
    )

    assert (cleared.status, cleared.decided_by_member_id, cleared.decided_at) == (
        RingStatus.CLEARED,
        admin.id,
        world.now,
    )
    with world.uow() as uow:
        (entry,) = [e for e in uow.audit.recent(community.id, limit=5) if e.action is AuditAction.RING_CLEARED]
    assert entry.actor_member_id == admin.id
    assert f'"ring":{ring.id}' in (entry.detail or "")
    waiting = world.submission(first, wanted=1)
    assert world.task(second).submission_id == waiting.id
    # Their decision stands: the same pair found again is not flagged again.
    assert ring_service.detect_rings(world.storage.rings, now=world.now).left_cleared == 1
    with pytest.raises(RingAlreadyDecided):
        ring_service.decide_ring_as_admin(
            world.uow(),
            world.storage.rings,
            actor_member_id=admin.id,
            ring_id=ring.id,
            verdict=RingStatus.CONFIRMED,
            now=world.now,
        )


def test_only_an_admin_of_the_rings_community_decides(world: World) -> None:
    _, first, _, _ = pair_in_a_crowd(world)
    ring_service.detect_rings(world.storage.rings, now=world.now)
    (ring,) = world.storage.rings.rings_in(None)
    elsewhere = world.member(world.community(), "other admin", admin=True, link=None)

    with pytest.raises(NotAnAdmin):
        ring_service.decide_ring_as_admin(
            world.uow(),
            world.storage.rings,
            actor_member_id=first.id,
            ring_id=ring.id,
            verdict=RingStatus.CLEARED,
            now=world.now,
        )
    with pytest.raises(RingNotFound):
        ring_service.decide_ring_as_admin(
            world.uow(),
            world.storage.rings,
            actor_member_id=elsewhere.id,
            ring_id=ring.id,
            verdict=RingStatus.CLEARED,
            now=world.now,
        )
    assert world.storage.rings.rings_in(None)[0].status is RingStatus.FLAGGED


def test_the_worker_detects_when_due_and_not_before(world: World, tmp_path: Path) -> None:
    community, first, second, _ = pair_in_a_crowd(world)
    container = Container(
        settings=settings_of(TGEXCHANGE_DATA_DIR=str(tmp_path), RING_DETECTION_EVERY_H="6"),
        storage=world.storage,
        clock=world.clock,
        _readers=(world.platform, world.platform),
        _quality_gate=FakeQualityGate(),
        _notifier=RecordingNotifier(),
    )
    jobs = register_jobs(MemoryHuey(utc=True), container)

    first_run = jobs.huey.execute(jobs.detect_rings.s())
    again = jobs.huey.execute(jobs.detect_rings.s())
    world.clock.advance(hours=6)
    later = jobs.huey.execute(jobs.detect_rings.s())

    assert (first_run["found"], first_run["flagged"]) == (1, 1)
    assert again == {"due": False}
    assert (later["flagged"], later["refreshed"]) == (0, 1)
    (ring,) = world.storage.rings.rings_in([community.id])
    assert ring.member_ids == (first.id, second.id)


def test_a_run_that_flags_groups_tells_each_admin_once_and_a_refresh_tells_nobody(world: World) -> None:
    community, *_ = pair_in_a_crowd(world)
    admins = [world.member(community, name, admin=True, link=None) for name in ("admin", "other admin")]
    quiet = world.community()
    world.member(quiet, "admin elsewhere", admin=True, link=None)

    run = ring_service.detect_rings(world.storage.rings, now=world.now)
    told = ring_service.tell_admins(world.uow(), run, now=world.now)
    again = ring_service.detect_rings(world.storage.rings, now=world.now)

    assert len(told) == len(admins)
    pending = world.storage.outbox.claim(now=world.now, hold_until=world.now, ids=told)
    assert sorted(p.notice.member_id or 0 for p in pending) == [a.id for a in admins]
    assert {p.notice.kind for p in pending} == {ring_service.RINGS_FLAGGED}
    assert pending[0].notice.params == {"community_id": community.id, "count": 1, "rings": run.flagged}
    assert ring_service.tell_admins(world.uow(), again, now=world.now) == []
