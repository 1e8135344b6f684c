"""Read-only views: balance, report, submissions, leaderboard and the ledger check, on a SQLite file."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from tests.outcomes import record_verification_outcome
from tests.refusals import refused
from tests.world import World
from tgexchange.domain.content import Platform
from tgexchange.domain.reliability import MemberStats
from tgexchange.domain.task import TaskStatus
from tgexchange.services import stats as stats_service
from tgexchange.services import task as task_service

UNKNOWN = 999_999


def test_member_balance_is_the_members_wallet(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    world.submission(owner, wanted=2)

    assert stats_service.member_balance(world.storage.member_reader, member_id=owner.id) == 10


def test_member_report_gathers_balance_stats_channels_and_recent_tasks_newest_first(any_world: World) -> None:
    world = any_world
    community = world.community(welcome_credits=100)
    giver = world.member(community)
    for _ in range(3):
        world.submission(world.member(community))
        world.clock.advance(hours=1)
    first = world.verified(world.task(giver))
    second = world.task(giver)
    task_service.skip_task(world.uow(), member_id=giver.id, task_id=second.id, now=world.now)
    third = world.task(giver)

    report = stats_service.member_report(world.storage.member_reader, member_id=giver.id, history=2)

    assert report.balance == 110
    assert report.stats == MemberStats(tasks_taken=3, verified=1, skipped=1)
    assert [(c.platform, c.channel_id) for c in report.channels] == [(Platform.YOUTUBE, world.channel_of[giver.id])]
    assert [(t.id, t.status, t.assigned_at, t.decided_at) for t in report.recent_tasks] == [
        (third.id, TaskStatus.ASSIGNED, third.assigned_at, None),
        (second.id, TaskStatus.SKIPPED, second.assigned_at, world.now),
    ]
    assert first.id not in {t.id for t in report.recent_tasks}
    assert stats_service.member_report(world.storage.member_reader, member_id=giver.id).recent_tasks[-1].id == (
        first.id
    )


def test_a_member_without_channels_or_tasks_reads_as_zero(any_world: World) -> None:
    newcomer = any_world.member(any_world.community(welcome_credits=7), link=None)

    report = stats_service.member_report(any_world.storage.member_reader, member_id=newcomer.id)

    assert (report.balance, report.stats, report.channels, report.recent_tasks) == (7, MemberStats(), [], [])


def test_member_reads_never_wait_for_a_writer_on_sqlite(world: World) -> None:
    member = world.member(world.community(welcome_credits=3))
    reader = world.storage.member_reader
    started = time.perf_counter()
    with world.uow() as uow:
        uow.session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: this writer now holds the lock
        balance = reader.balance(member.id)
        report = reader.report(member.id, history=5)

    assert time.perf_counter() - started < 5  # a reader that wanted the lock would wait 30 s
    assert balance == 3
    assert report is not None
    assert report.balance == 3


def test_member_submissions_lists_the_members_own_submissions_newest_first(world: World) -> None:
    community = world.community(welcome_credits=100)
    owner = world.member(community)
    other = world.member(community)
    older = world.submission(owner, wanted=1)
    newer = world.submission(owner, wanted=1)
    world.submission(other, wanted=1)

    listed = stats_service.member_submissions(world.uow(), member_id=owner.id)

    assert [s.id for s in listed] == [newer.id, older.id]
    assert [s.id for s in stats_service.member_submissions(world.uow(), member_id=owner.id, limit=1)] == [newer.id]


def test_member_views_refuse_an_unknown_member(world: World) -> None:
    world.member(world.community())
    before = world.snapshot()

    with refused("member_not_found", key=UNKNOWN):
        stats_service.member_balance(world.storage.member_reader, member_id=UNKNOWN)
    with refused("member_not_found", key=UNKNOWN):
        stats_service.member_report(world.storage.member_reader, member_id=UNKNOWN)
    with refused("member_not_found", key=UNKNOWN):
        stats_service.member_submissions(world.uow(), member_id=UNKNOWN)
    assert world.snapshot() == before


def test_leaderboard_ranks_by_verified_feedback_then_by_feedback_received_then_by_seniority(world: World) -> None:
    community = world.community()
    owner = world.member(community, "Olga")
    ana = world.member(community, "Ana")
    ben = world.member(community, "Ben")
    cid = world.member(community, "Cid")
    world.submission(owner, wanted=2)
    world.verified(world.task(ana))
    world.verified(world.task(ben))
    world.submission(ana, wanted=1)
    world.verified(world.task(cid))
    # Everyone above has verified once, except Olga; Ana also received feedback.

    rows = stats_service.leaderboard(world.uow(), community_id=community.id)

    assert [(r.display_name, r.verified, r.feedback_received, r.balance) for r in rows] == [
        ("Ben", 1, 0, 40),
        ("Cid", 1, 0, 40),
        ("Ana", 1, 1, 30),
        ("Olga", 0, 2, 10),
    ]
    assert rows[0].reliability == pytest.approx(2 / 3)
    assert rows[-1].reliability == pytest.approx(1 / 2)


def test_leaderboard_leaves_out_banned_members_and_other_communities(world: World) -> None:
    community = world.community()
    kept = world.member(community)
    banned = world.member(community)
    world.member(world.community())
    world.ban(community, banned)

    rows = stats_service.leaderboard(world.uow(), community_id=community.id)

    assert banned.id not in {r.member_id for r in rows}
    assert kept.id in {r.member_id for r in rows}
    assert len(rows) == 2  # kept and the admin who banned


def test_leaderboard_stops_at_the_limit(world: World) -> None:
    community = world.community()
    members = [world.member(community, link=None) for _ in range(4)]

    rows = stats_service.leaderboard(world.uow(), community_id=community.id, limit=3)

    assert [r.member_id for r in rows] == [m.id for m in members[:3]]


def test_leaderboard_refuses_an_unknown_community(world: World) -> None:
    with refused("community_not_found", key=UNKNOWN):
        stats_service.leaderboard(world.uow(), community_id=UNKNOWN)


def test_is_ledger_balanced_holds_through_the_whole_exchange(world: World) -> None:
    community = world.community()
    other_community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    world.member(other_community)
    world.submission(owner)
    world.verified(world.task(giver))
    task = world.done(world.task(world.member(community)))
    record_verification_outcome(world.uow(), task_id=task.id, verified=False, now=world.now)

    assert stats_service.is_ledger_balanced(world.uow(), community_id=community.id) is True
    assert stats_service.is_ledger_balanced(world.uow(), community_id=other_community.id) is True
    assert stats_service.is_ledger_balanced(world.uow()) is True


def test_is_ledger_balanced_notices_a_balance_changed_behind_the_ledgers_back(world: World) -> None:
    community = world.community()
    member = world.member(community)
    with world.storage.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE accounts SET balance = balance + 5 WHERE kind = 'member'")

    assert world.balance(member) == 35
    assert stats_service.is_ledger_balanced(world.uow(), community_id=community.id) is False
