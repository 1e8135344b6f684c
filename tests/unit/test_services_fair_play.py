"""Fair play's use cases on a real SQLite file: the ladder with reasons and evidence, expiry,
appeals (once each, decided once), cooldowns on requesting feedback, and the admission cap."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.errors import MemberBanned, NotAnAdmin
from tgexchange.domain.health import AdmissionClosed, CooldownActive
from tgexchange.domain.member import Member, MemberStatus
from tgexchange.domain.penalty import (
    AppealAlreadyDecided,
    AppealAlreadyFiled,
    AppealNotFound,
    AppealStatus,
    NothingToAppeal,
    PenaltyAction,
    PenaltyKind,
)
from tgexchange.services import appeal as appeal_service
from tgexchange.services import community as community_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services.health import fair_play_record
from tgexchange.services.joining import Joiner, join_many
from tgexchange.services.ports import ADMISSION_REFUSED, COOLDOWN_STARTED


def penalize(world: World, admin: Member, target: Member, reason: str = "copied feedback", **kw: object) -> PenaltyKind:
    _, step = penalty_service.penalize(
        world.uow(),
        actor_member_id=admin.id,
        target_member_id=target.id,
        reason=reason,
        now=world.now,
        **kw,  # type: ignore[arg-type]
    )
    return step


def member_now(world: World, member: Member) -> Member:
    with world.uow() as uow:
        found = uow.members.find(member.id)
    assert found is not None
    return found


def audit_actions(world: World, community: Community) -> list[AuditAction]:
    with world.uow() as uow:
        return [e.action for e in reversed(uow.audit.recent(community.id, limit=50))]


def test_the_ladder_climbs_warn_cooldown_ban_and_stores_why(world: World) -> None:
    community = world.community()
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    owner = world.member(community, "Olga")
    world.submission(owner)
    task = world.task(bob)

    steps = [penalize(world, admin, bob, task_ids=[task.id, 999_999]) for _ in range(4)]

    assert steps == [PenaltyKind.WARN, PenaltyKind.COOLDOWN, PenaltyKind.BAN, PenaltyKind.BAN]
    with world.uow() as uow:
        stored = list(reversed(uow.fair_play.penalties_of(bob.id)))
    assert [p.kind for p in stored] == steps
    assert {p.reason for p in stored} == {"copied feedback"}
    assert stored[0].task_ids == (task.id,)  # a task of another community, or none, is not evidence
    assert stored[0].rule == "admin"
    assert stored[1].ends_at == world.now + timedelta(hours=24)
    assert stored[2].ends_at is None
    assert member_now(world, bob).status is MemberStatus.BANNED
    assert audit_actions(world, community).count(AuditAction.COOLDOWN) == 1


def test_an_expired_warning_lets_the_member_start_again_at_the_bottom(world: World) -> None:
    community = world.community(warning_expiry_days=7)
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    assert penalize(world, admin, bob) is PenaltyKind.WARN
    world.clock.advance(days=6)
    assert [p.kind for p in penalty_service.active_penalties(world.uow(), member_id=bob.id, now=world.now)] == [
        PenaltyKind.WARN
    ]
    world.clock.advance(days=1, seconds=1)
    assert penalty_service.active_penalties(world.uow(), member_id=bob.id, now=world.now) == []
    assert penalize(world, admin, bob) is PenaltyKind.WARN


def test_a_banned_member_appeals_once_and_an_upheld_appeal_lets_them_back_once(world: World) -> None:
    community = world.community()
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    penalty_service.apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=bob.id,
        reason="spam",
        now=world.now,
    )
    uow = world.uow()
    appeal, penalty = appeal_service.file_appeal(uow, member_id=bob.id, text="I never spammed", now=world.now)
    assert penalty.kind is PenaltyKind.BAN
    assert len(uow.take_notices()) == 1  # the admin is told
    with world.storage.engine.connect() as connection:
        told = connection.execute(sa.select(tables.outbox.c.member_id, tables.outbox.c.kind)).all()
    assert (admin.id, "appeal_opened") in [tuple(row) for row in told]
    with pytest.raises(AppealAlreadyFiled):
        appeal_service.file_appeal(world.uow(), member_id=bob.id, text="again", now=world.now)
    queue = appeal_service.admin_queue(world.uow(), actor_member_id=admin.id)
    assert [v.appeal.id for v in queue] == [appeal.id]

    decided = appeal_service.decide_appeal(
        world.uow(), appeal_id=appeal.id or 0, upheld=True, now=world.now, actor_member_id=admin.id
    )

    assert decided.status is AppealStatus.UPHELD
    assert member_now(world, bob).status is MemberStatus.ACTIVE
    assert penalty_service.active_penalties(world.uow(), member_id=bob.id, now=world.now) == []
    with pytest.raises(AppealAlreadyDecided):
        appeal_service.decide_appeal(
            world.uow(), appeal_id=appeal.id or 0, upheld=False, now=world.now, actor_member_id=admin.id
        )
    assert appeal_service.admin_queue(world.uow(), actor_member_id=admin.id) == []
    assert audit_actions(world, community)[-2:] == [AuditAction.APPEAL, AuditAction.APPEAL_UPHELD]


def test_a_declined_appeal_leaves_the_penalty_and_nothing_is_left_to_appeal(world: World) -> None:
    community = world.community()
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    with pytest.raises(NothingToAppeal):
        appeal_service.file_appeal(world.uow(), member_id=bob.id, text="why", now=world.now)
    penalize(world, admin, bob)
    appeal, _ = appeal_service.file_appeal(world.uow(), member_id=bob.id, text="why", now=world.now)
    appeal_service.decide_appeal(
        world.uow(), appeal_id=appeal.id or 0, upheld=False, now=world.now, actor_member_id=admin.id
    )
    assert member_now(world, bob).warnings == 1
    assert [p.kind for p in penalty_service.active_penalties(world.uow(), member_id=bob.id, now=world.now)] == [
        PenaltyKind.WARN
    ]
    with pytest.raises(AppealAlreadyFiled):
        appeal_service.file_appeal(world.uow(), member_id=bob.id, text="please", now=world.now)


def test_only_an_admin_of_the_appeals_community_decides_it(world: World) -> None:
    community, other = world.community(), world.community()
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    stranger_admin, carol = world.member(other, admin=True), world.member(community, "Carol")
    penalize(world, admin, bob)
    appeal, _ = appeal_service.file_appeal(world.uow(), member_id=bob.id, text="why", now=world.now)
    with pytest.raises(AppealNotFound):
        appeal_service.decide_appeal(
            world.uow(), appeal_id=appeal.id or 0, upheld=True, now=world.now, actor_member_id=stranger_admin.id
        )
    with pytest.raises(NotAnAdmin):
        appeal_service.decide_appeal(
            world.uow(), appeal_id=appeal.id or 0, upheld=True, now=world.now, actor_member_id=carol.id
        )
    # The operator (the dashboard's token) may decide any community's.
    appeal_service.decide_appeal(world.uow(), appeal_id=appeal.id or 0, upheld=True, now=world.now)
    assert member_now(world, bob).warnings == 0
    assert member_now(world, bob).status is MemberStatus.ACTIVE


def test_a_cooldown_penalty_stops_requests_for_feedback_until_it_ends(world: World) -> None:
    community = world.community(penalty_ladder=(PenaltyKind.COOLDOWN, PenaltyKind.BAN), penalty_cooldown_hours=6)
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    penalize(world, admin, bob)
    before = world.snapshot()["submissions"]
    with pytest.raises(CooldownActive) as refused:
        world.submission(bob)
    assert refused.value.until == world.now + timedelta(hours=6)
    assert refused.value.cause == "penalty"
    assert world.snapshot()["submissions"] == before
    world.clock.advance(hours=6, seconds=1)
    assert world.submission(bob).owner_id == bob.id


def poor_health(world: World, community: Community, name: str = "Rex") -> Member:
    """A member whose feedback was rejected five times (health about 0.2)."""
    rex = world.member(community, name)
    for n in range(5):
        owner = world.member(community, f"owner {n}")
        world.submission(owner, wanted=1)
        task = world.task(rex)
        world.done(task)
        record_verification_outcome(world.uow(), task_id=task.id, verified=False, now=world.now, reason="too_short")
    return rex


def test_low_health_starts_a_scaled_cooldown_once_and_logs_it(world: World) -> None:
    community = world.community()
    rex = poor_health(world, community)
    record = fair_play_record(
        world.storage.fair_play_reader, member_id=rex.id, stats=world.stats(rex), now=world.now, threshold=0.3
    )
    assert record.health < 0.3

    with pytest.raises(CooldownActive) as refused:
        world.submission(rex)

    wait = refused.value.until - world.now
    assert refused.value.cause == "health"
    assert timedelta(0) < wait < timedelta(hours=24)
    expected = timedelta(minutes=round((0.3 - record.health) / 0.3 * 24 * 60))
    assert wait == expected
    world.clock.advance(minutes=1)
    with pytest.raises(CooldownActive) as again:  # the same cooldown, not a new one
        world.submission(rex)
    assert again.value.until == refused.value.until
    with world.uow() as uow:
        events = uow.fair_play.recent_events(None, since=world.now - timedelta(days=1), limit=10)
    assert [(e.kind, e.member_id, e.until) for e in events] == [(COOLDOWN_STARTED, rex.id, refused.value.until)]
    # Once it ends the member may ask (one cooldown a day at most), and giving feedback is never blocked.
    world.clock.advance(seconds=wait.total_seconds())
    assert world.submission(rex).owner_id == rex.id


def test_a_threshold_of_zero_turns_the_health_cooldown_off(world: World) -> None:
    community = world.community(health_threshold_pct=0)
    rex = poor_health(world, community)
    assert world.submission(rex).owner_id == rex.id


def test_the_admission_cap_refuses_the_next_newcomer_until_the_next_utc_day(world: World) -> None:
    community = world.community(admission_cap_per_day=2)
    first, second = world.member(community, link=None), world.member(community, link=None)
    with pytest.raises(AdmissionClosed) as refused:
        world.member(community, "raider", link=None)
    midnight = (world.now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert refused.value.reopens_at == midnight
    # Who already joined comes back freely; an admin (who runs the group) is never capped.
    again = community_service.join_community(
        world.uow(), community_id=community.id, telegram_user_id=first.telegram_user_id, display_name="x", now=world.now
    )
    assert not again.is_new
    assert second.is_stored
    assert world.member(community, "admin", admin=True, link=None).is_admin
    with world.uow() as uow:
        events = uow.fair_play.recent_events([community.id], since=world.now - timedelta(hours=1), limit=10)
    assert [(e.kind, e.until) for e in events] == [(ADMISSION_REFUSED, midnight)]
    world.clock.current = midnight
    assert world.member(community, "tomorrow", link=None).community_id == community.id


def test_the_admission_count_reads_one_index_range(world: World) -> None:
    community = world.community(admission_cap_per_day=100)
    world.member(community, link=None)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    sa.event.listen(world.storage.engine, "before_cursor_execute", seen)
    try:
        world.member(community, link=None)
    finally:
        sa.event.remove(world.storage.engine, "before_cursor_execute", seen)
    counts = [s for s in statements if "count(" in s.lower() and "members" in s]
    assert len(counts) == 1
    with world.storage.engine.connect() as connection:
        plan = " ".join(
            str(row[-1])
            for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + counts[0], (community.id, world.now.isoformat())
            )
        )
    assert "ix_members_community_joined" in plan


def test_a_banned_member_stays_banned_for_requests(world: World) -> None:
    community = world.community()
    admin, bob = world.member(community, admin=True), world.member(community, "Bob")
    penalty_service.apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=bob.id,
        reason="spam",
        now=world.now,
    )
    with pytest.raises(MemberBanned):
        world.submission(bob)
    with world.storage.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(tables.penalties)).scalar_one() == 1


def test_a_join_burst_past_the_cap_admits_the_room_left_with_one_count(world: World) -> None:
    community = world.community(admission_cap_per_day=3)
    world.member(community, link=None)
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    joiners = [Joiner(9000 + n, f"burst {n}") for n in range(4)] + [Joiner(9100, "an admin", is_admin=True)]
    sa.event.listen(world.storage.engine, "before_cursor_execute", seen)
    try:
        outcomes = join_many(world.uow(), community_id=community.id, joiners=joiners, now=world.now)
    finally:
        sa.event.remove(world.storage.engine, "before_cursor_execute", seen)

    assert [type(o).__name__ for o in outcomes] == [
        "JoinResult",
        "JoinResult",
        "AdmissionClosed",
        "AdmissionClosed",
        "JoinResult",  # admins run the group: never capped
    ]
    assert len([s for s in statements if "count(" in s.lower() and "members" in s]) == 1
    with world.uow() as uow:
        refused = uow.fair_play.recent_events([community.id], since=world.now - timedelta(hours=1), limit=10)
    assert sorted(e.telegram_user_id or 0 for e in refused) == [9002, 9003]
