"""The dashboard's fair-play reads on SQLite and PostgreSQL: the appeals queue with each penalty and
member in one statement however long it is (it used to read two rows per appeal, inside a unit of
work holding SQLite's write lock), events with the member's name or the refused newcomer's Telegram
id, counts per kind from the database, and names for the rings' members."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from tests.world import World
from tgexchange.domain.penalty import PenaltyAction, PenaltyKind
from tgexchange.services import appeal as appeal_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services.ports import ADMISSION_REFUSED, COOLDOWN_STARTED, FairPlayEvent


def appealing(world: World, count: int) -> list[int]:
    """``count`` members of a fresh community banned and appealing; their ids."""
    community = world.community()
    admin = world.member(community, admin=True, link=None)
    ids = []
    for n in range(count):
        member = world.member(community, f"Appellant {n}", link=None)
        penalty_service.apply_penalty(
            world.uow(),
            action=PenaltyAction.BAN,
            actor_member_id=admin.id,
            target_member_id=member.id,
            reason=f"reason {n}",
            now=world.now,
            rule="near_copy",
        )
        appeal_service.file_appeal(world.uow(), member_id=member.id, text=f"appeal {n}", now=world.now)
        world.clock.advance(minutes=1)
        ids.append(member.id)
    return ids


def test_the_queue_is_one_statement_with_penalties_and_names(any_world: World) -> None:
    world = any_world
    first = appealing(world, 6)
    second = appealing(world, 2)
    reads = world.storage.fair_play_dashboard
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(world.storage.engine, "before_cursor_execute", record)
    try:
        everyone = reads.pending_appeals(None, limit=50)
    finally:
        event.remove(world.storage.engine, "before_cursor_execute", record)

    assert len([s for s in statements if "appeals" in s or "penalties" in s]) == 1, statements
    assert [q.appeal.member_id for q in everyone] == first + second  # oldest first
    assert [q.member_name for q in everyone][:2] == ["Appellant 0", "Appellant 1"]
    assert all(q.penalty.id == q.appeal.penalty_id and q.penalty.kind is PenaltyKind.BAN for q in everyone)
    assert [(q.penalty.reason, q.penalty.rule, q.appeal.text) for q in everyone][5] == (
        "reason 5",
        "near_copy",
        "appeal 5",
    )
    theirs = reads.pending_appeals([everyone[-1].appeal.community_id], limit=50)
    assert [q.appeal.member_id for q in theirs] == second
    assert [q.appeal.member_id for q in reads.pending_appeals(None, limit=3)] == first[:3]


def test_events_come_named_newest_first_and_counted_per_kind(any_world: World) -> None:
    world = any_world
    ours, theirs = world.community(), world.community()
    member = world.member(ours, "Cora", link=None)
    other = world.member(theirs, "Dan", link=None)
    start = world.now
    with world.uow() as uow:
        for n in range(3):
            at = start + timedelta(minutes=n)
            uow.fair_play.log_event(
                FairPlayEvent(community_id=ours.id, kind=COOLDOWN_STARTED, at=at, member_id=member.id, score=0.4)
            )
        uow.fair_play.log_event(
            FairPlayEvent(
                community_id=ours.id, kind=ADMISSION_REFUSED, at=start + timedelta(minutes=5), telegram_user_id=777
            )
        )
        uow.fair_play.log_event(
            FairPlayEvent(community_id=theirs.id, kind=COOLDOWN_STARTED, at=start, member_id=other.id, score=0.3)
        )
        uow.fair_play.log_event(  # before the window
            FairPlayEvent(
                community_id=ours.id, kind=COOLDOWN_STARTED, at=start - timedelta(days=2), member_id=member.id
            )
        )
        uow.commit()
    reads = world.storage.fair_play_dashboard
    since = start - timedelta(hours=24)

    listed = reads.recent_events([ours.id], since=since, limit=2)

    assert [(n.event.kind, n.member_name, n.event.telegram_user_id) for n in listed] == [
        (ADMISSION_REFUSED, None, 777),
        (COOLDOWN_STARTED, "Cora", None),
    ]
    assert reads.event_counts([ours.id], since=since) == {COOLDOWN_STARTED: 3, ADMISSION_REFUSED: 1}
    assert reads.event_counts(None, since=since) == {COOLDOWN_STARTED: 4, ADMISSION_REFUSED: 1}
    assert reads.event_counts([theirs.id], since=start + timedelta(hours=1)) == {}
    assert reads.member_names([member.id, other.id, 10**9]) == {member.id: "Cora", other.id: "Dan"}
    assert reads.member_names([]) == {}


def test_on_sqlite_the_operators_reads_seek_by_time_and_status(world: World) -> None:
    """Every community's events and queue (the operator's page) are read through their indexes:
    without them each refresh scanned every event ever logged (200k events: ~110 ms a call)."""
    plans: list[str] = []

    def explain(conn: object, cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "fair_play_events" in statement or "FROM appeals" in statement:
            plans.extend(str(row) for row in cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))  # type: ignore[attr-defined]

    reads = world.storage.fair_play_dashboard
    event.listen(world.storage.engine, "before_cursor_execute", explain)
    try:
        reads.event_counts(None, since=world.now)
        reads.recent_events(None, since=world.now, limit=20)
        reads.pending_appeals(None, limit=50)
    finally:
        event.remove(world.storage.engine, "before_cursor_execute", explain)

    assert sum("COVERING INDEX ix_fair_play_events_at_kind" in plan for plan in plans) == 1, plans
    assert sum("INDEX ix_fair_play_events_at_kind" in plan for plan in plans) == 2, plans
    assert any("ix_appeals_status_created" in plan for plan in plans), plans
    assert not any("SCAN" in plan for plan in plans), plans
