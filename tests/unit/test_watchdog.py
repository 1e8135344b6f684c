"""The watchdog over real use cases on a SQLite file: what it finds, the episodes it keeps, the
alerts it writes once, and what it pauses on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.fakes import FakeQualityGate
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.bot.notifications import render_notice
from tgexchange.bot.texts import Texts
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.operations import AnomalyKind, Finding, WatchdogPolicy, over_threshold, spam_wave_severity
from tgexchange.services import community as community_service
from tgexchange.services import verification, watchdog
from tgexchange.services.ports import Notice
from tgexchange.services.watchdog import BreakerView, Observations

POLICY = WatchdogPolicy()
OPERATOR = 777_000_001
SPAM = "sub4sub check my channel please subscribe back to me now"


def spam_from(world: World, community: Community, givers: int) -> Member:
    """``givers`` members each post spam for a task, and verification rejects every one."""
    owners = [world.member(community) for _ in range((givers + 2) // 3)]
    submissions = [world.submission(owner, wanted=3) for owner in owners]  # 30 welcome credits buy 3
    for _ in range(givers):
        giver = world.member(community)
        task = world.task(giver)
        submission = next(s for s in submissions if s.id == task.submission_id)
        world.comment(giver, submission, SPAM)
        world.done(task)
    for submission in submissions:
        run = verification.verify_submission(
            world.uow(), world.platform, FakeQualityGate(), submission_id=submission.id, now=world.now
        )
        assert run.verified == 0
    return owners[0]


def outbox(world: World) -> list[tuple[str, int | None, int | None]]:
    o = tables.outbox
    with world.storage.engine.connect() as connection:
        rows = connection.execute(sa.select(o.c.kind, o.c.member_id, o.c.telegram_user_id).order_by(o.c.id))
        return [tuple(row) for row in rows if row.kind.startswith("anomaly")]


def tick(world: World, seen: Observations | None = None, policy: WatchdogPolicy = POLICY) -> watchdog.WatchResult:
    findings = watchdog.detect(world.uow(), seen or Observations(), policy=policy, now=world.now)
    return watchdog.watch(world.uow(), findings, policy=policy, operators=[OPERATOR], now=world.now)


def test_a_spam_wave_pauses_that_community_only_with_one_alert_and_one_recovery_notice(world: World) -> None:
    raided, calm = world.community(), world.community()
    admin = world.member(raided, admin=True, link=None)
    world.member(calm, admin=True, link=None)
    world.clock.advance(days=2)
    spam_from(world, raided, 12)
    spam_from(world, calm, 2)

    first = tick(world)

    (anomaly,) = first.opened
    assert (anomaly.kind, anomaly.community_id) == (AnomalyKind.SPAM_WAVE, raided.id)
    assert anomaly.severity >= 0.8
    assert anomaly.evidence["last_hour"] == 12
    assert first.paused_communities == [raided.id]
    assert not first.paused_everything
    with world.uow() as uow:
        stored_raided, stored_calm = uow.communities.find(raided.id), uow.communities.find(calm.id)
        assert uow.operations.kill_switch() is None
    assert stored_raided is not None
    assert stored_calm is not None
    assert stored_raided.is_paused
    assert f"anomaly #{anomaly.id}" in (stored_raided.pause_reason or "")
    assert not stored_calm.is_paused
    assert outbox(world) == [("anomaly_opened", None, OPERATOR), ("anomaly_opened", admin.id, None)]

    world.clock.advance(seconds=30)
    again = tick(world)  # the same episode: no second alert, no second pause
    assert (again.opened, [a.id for a in again.still_open], again.paused_communities) == ([], [anomaly.id], [])
    assert len(outbox(world)) == 2

    world.clock.advance(hours=3)  # the wave has left the last hour
    over = tick(world)
    assert [a.id for a in over.cleared] == [anomaly.id]
    assert outbox(world)[2:] == [("anomaly_cleared", None, OPERATOR), ("anomaly_cleared", admin.id, None)]
    with world.uow() as uow:
        still = uow.communities.find(raided.id)
    assert still is not None
    assert still.is_paused  # a human resumes


def test_a_quiet_communitys_few_rejections_are_no_wave(world: World) -> None:
    community = world.community()
    world.clock.advance(days=1)
    spam_from(world, community, 9)  # under WATCHDOG_SPAM_MIN_PER_HOUR

    assert tick(world).opened == []


def test_verification_failing_everywhere_pauses_everything_and_tells_every_admin(world: World) -> None:
    first, second = world.community(), world.community()
    admins = [world.member(first, admin=True, link=None), world.member(second, admin=True, link=None)]

    result = tick(world, Observations(passes=40, pass_errors=36))

    (anomaly,) = result.opened
    assert anomaly.kind is AnomalyKind.VERIFICATION_ERRORS
    assert anomaly.severity == pytest.approx(over_threshold(0.9, 0.3, full_at=1.0))
    assert result.paused_everything
    with world.uow() as uow:
        pause = uow.operations.kill_switch()
    assert pause is not None
    assert pause.by == "watchdog"
    assert pause.anomaly_id == anomaly.id
    told = {member_id for _, member_id, _ in outbox(world) if member_id is not None}
    assert told == {a.id for a in admins}


def test_with_automatic_pauses_off_a_severe_anomaly_only_alerts(world: World) -> None:
    world.community()
    policy = WatchdogPolicy(auto_pause=False)

    result = tick(world, Observations(passes=40, pass_errors=40), policy)

    assert result.opened
    assert not result.paused_everything
    with world.uow() as uow:
        assert uow.operations.kill_switch() is None


def test_too_few_passes_say_nothing_about_an_error_rate(world: World) -> None:
    assert tick(world, Observations(passes=3, pass_errors=3)).opened == []


def test_an_open_breaker_is_an_outage_that_never_pauses_anything(world: World) -> None:
    world.community()
    down = BreakerView("youtube", "open", 5, datetime(2026, 3, 2, tzinfo=UTC))

    result = tick(world, Observations(breakers=[down, BreakerView("tiktok", "closed", 0)]))

    (anomaly,) = result.opened
    assert (anomaly.kind, anomaly.platform) == (AnomalyKind.PLATFORM_OUTAGE, "youtube")
    assert anomaly.severity < POLICY.pause_severity
    assert not result.paused_everything
    assert not result.paused_communities


def test_a_slow_queue_and_a_job_failing_again_and_again_are_found(world: World) -> None:
    findings = watchdog.detect(
        world.uow(),
        Observations(queue_lateness_s=900, queue_depth=5000, job_errors={"sweep": 12, "watchdog": 1}),
        policy=POLICY,
        now=world.now,
    )

    assert [(f.kind, f.job) for f in findings] == [
        (AnomalyKind.QUEUE_BACKLOG, None),
        (AnomalyKind.JOB_FAILURES, "sweep"),
    ]


def test_tasks_nobody_looked_at_for_long_are_stuck(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    world.submission(owner)
    world.start_verifying(world.done(world.task(giver)).id)  # the pass marks when to look again
    world.clock.advance(hours=2)  # and nobody ever did

    (finding,) = watchdog.detect(world.uow(), Observations(), policy=POLICY, now=world.now)

    assert (finding.kind, finding.evidence["count"]) == (AnomalyKind.STUCK_TASKS, 1)


def test_severity_is_half_at_the_threshold_and_full_far_beyond() -> None:
    assert over_threshold(0.29, 0.3, full_at=1.0) == 0.0
    assert over_threshold(0.3, 0.3, full_at=1.0) == 0.5
    assert over_threshold(1.0, 0.3, full_at=1.0) == 1.0
    assert over_threshold(9.0, 1.0, full_at=2.0, ceiling=0.7) == 0.7
    assert spam_wave_severity(50, 10.0, POLICY) == 0.5  # five times normal
    assert spam_wave_severity(100, 10.0, POLICY) == 1.0
    with pytest.raises(ValueError, match="severity"):
        Finding(AnomalyKind.SPAM_WAVE, 1.5, "x", {})


def test_an_alert_reads_in_the_admins_language(world: World) -> None:
    community = world.community()
    admin = world.member(community, admin=True, link=None)
    community_service.set_language(world.uow(), member_id=admin.id, language="es")
    world.clock.advance(days=2)
    spam_from(world, community, 12)
    tick(world)
    with world.storage.engine.connect() as connection:
        params = connection.execute(
            sa.select(tables.outbox.c.params).where(tables.outbox.c.member_id == admin.id)
        ).scalar_one()

    (spanish,) = render_notice(Texts(strict=True), world.uow, Notice(admin.id, "anomaly_opened", params), now=world.now)
    (english,) = render_notice(
        Texts(strict=True), world.uow, Notice(None, "anomaly_opened", params, OPERATOR), now=world.now
    )

    assert spanish.chat_id == admin.telegram_user_id
    assert "Una ola de spam" in spanish.text
    assert "Se pausó automáticamente" in spanish.text
    assert english.chat_id == OPERATOR
    assert "A wave of spam" in english.text
    assert "12 pieces of feedback" in english.text
