"""On SQLite the member reader runs its statements straight on the driver (sqlite_query.py): what
it reads must be exactly what the same statements read through SQLAlchemy, value types included
(enums, aware datetimes, JSON evidence), for a member with something in every part of /me."""

from __future__ import annotations

from datetime import UTC

from tests.world import World
from tgexchange.adapters.db.member_reader import SqlMemberReader
from tgexchange.domain.content import Platform
from tgexchange.domain.penalty import PenaltyKind
from tgexchange.domain.rating import Statement
from tgexchange.domain.task import TaskStatus
from tgexchange.services import appeal as appeal_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services import rating as rating_service


def busy_member(world: World) -> int:
    """A giver with two channels, rated feedback (published), an open task, and two penalties
    not lifted, the newer one appealed."""
    community = world.community(welcome_credits=100)
    admin = world.member(community, admin=True)
    giver = world.member(community, "Gina")
    world.link(giver, Platform.TIKTOK)
    for mark in (5, 4, 3, 5, 2):
        owner = world.member(community)
        world.submission(owner, wanted=1)
        task = world.verified(world.task(giver))
        for statement in Statement:
            rating_service.rate_feedback(
                world.uow(), member_id=owner.id, task_id=task.id, statement=statement, mark=mark, now=world.now
            )
        world.clock.advance(hours=1)
    world.submission(world.member(community), wanted=1)
    world.task(giver)
    for _ in range(2):
        penalty_service.penalize(
            world.uow(),
            actor_member_id=admin.id,
            target_member_id=giver.id,
            reason="copied feedback",
            now=world.now,
            task_ids=[1, 2],
        )
        world.clock.advance(minutes=5)
    appeal_service.file_appeal(world.uow(), member_id=giver.id, text="not copied", now=world.now)
    return giver.id


def test_the_driver_reads_what_sqlalchemy_reads(world: World) -> None:
    member_id = busy_member(world)
    through_driver = world.storage.member_reader
    through_sqlalchemy = SqlMemberReader(world.storage.engine)
    through_sqlalchemy._sqlite = None  # the reader as on PostgreSQL, on the same file

    report = through_driver.report(member_id, history=10, fair_play=True)

    assert report is not None
    assert report == through_sqlalchemy.report(member_id, history=10, fair_play=True)
    assert [c.platform for c in report.channels] == [Platform.YOUTUBE, Platform.TIKTOK]
    assert [t.status for t in report.recent_tasks] == [TaskStatus.ASSIGNED] + [TaskStatus.VERIFIED] * 5
    assert all(t.assigned_at.tzinfo is UTC for t in report.recent_tasks)
    assert report.fair_play is not None
    assert [(p.kind, appealed) for p, appealed in report.fair_play.penalties] == [
        (PenaltyKind.COOLDOWN, True),
        (PenaltyKind.WARN, False),
    ]
    assert report.fair_play.penalties[0][0].task_ids == (1, 2)
    assert (report.fair_play.ratings.ratings, report.fair_play.ratings_received) == (5, 5)
    assert report.stats.verified == 5
    assert through_driver.report(member_id, history=10) == through_sqlalchemy.report(member_id, history=10)
    assert through_driver.standing(member_id) == through_sqlalchemy.standing(member_id)
    assert through_driver.standing(member_id) is not None
    assert through_driver.standing(member_id).linked == {Platform.YOUTUBE, Platform.TIKTOK}  # type: ignore[union-attr]
    assert through_driver.balance(member_id) == through_sqlalchemy.balance(member_id) == report.balance


def test_an_unknown_member_reads_as_none_both_ways(world: World) -> None:
    world.member(world.community())
    through_sqlalchemy = SqlMemberReader(world.storage.engine)
    through_sqlalchemy._sqlite = None  # the reader as on PostgreSQL, on the same file

    for reader in (world.storage.member_reader, through_sqlalchemy):
        assert reader.report(999_999, history=5, fair_play=True) is None
        assert reader.standing(999_999) is None
        assert reader.balance(999_999) is None


def test_whether_a_telegram_user_is_a_member_anywhere(any_world: World) -> None:
    world = any_world
    first, second = world.community(), world.community()
    member = world.member(first, link=None)
    world.member(second, link=None)
    world.ban(first, member)
    reader = world.storage.member_reader

    assert reader.has_memberships(member.telegram_user_id)  # banned, still a member of the community
    assert not reader.has_memberships(999_999)
