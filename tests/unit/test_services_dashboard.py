"""The dashboard's use cases on a SQLite file: login links, who sees what, and the views."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.dashboard import LoginLinkInvalid, NotYourCommunity, Period, SessionEnded, Viewer
from tgexchange.domain.errors import NotAnAdmin
from tgexchange.domain.member import Member
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.domain.task import Task
from tgexchange.services import community as community_service
from tgexchange.services import dashboard, dashboard_export
from tgexchange.services import task as task_service
from tgexchange.services.dashboard import GroupOrder
from tgexchange.services.dashboard_export import ExportEntity
from tgexchange.services.penalty import apply_penalty

OPERATOR = Viewer.operator()


def reject(world: World, task: Task, reason: str = "too_short") -> Task:
    world.done(task)
    return record_verification_outcome(world.uow(), task_id=task.id, verified=False, reason=reason, now=world.now)


def busy_community(world: World, *, verified: int, rejected: int = 0) -> tuple[Community, Member, list[Member]]:
    """A community whose owner received ``verified`` feedback and saw ``rejected`` refused."""
    community = world.community(welcome_credits=1000, max_feedback_per_submission=50)
    owner = world.member(community, "owner")
    world.submission(owner, wanted=verified + rejected)
    givers = [world.member(community, f"giver {n}") for n in range(verified + rejected)]
    for n, giver in enumerate(givers):
        task = world.task(giver)
        if n < verified:
            world.verified(task)
        else:
            reject(world, task)
    return community, owner, givers


def admin_of(world: World, community: Community, telegram_user_id: int = 777) -> Member:
    return community_service.join_community(
        world.uow(),
        community_id=community.id,
        telegram_user_id=telegram_user_id,
        display_name="Admin",
        now=world.now,
        is_admin=True,
    ).member


# Login links -------------------------------------------------------------------------------------


def test_an_admin_gets_a_link_to_the_public_address_valid_for_ten_minutes(world: World) -> None:
    community = world.community()
    admin_of(world, community)

    link = dashboard.issue_login_link(
        world.uow(), telegram_user_id=777, now=world.now, base_url="https://dash.example/"
    )

    assert link.url == f"https://dash.example/exchange/dashboard/login?token={link.token}"
    assert link.expires_at == world.now + timedelta(minutes=10)
    assert link.community_ids == frozenset({community.id})
    assert len(link.token) >= 40


def test_a_link_names_every_community_the_user_runs_but_not_the_ones_they_only_joined(world: World) -> None:
    first, second, third = world.community(), world.community(), world.community()
    admin_of(world, first)
    admin_of(world, second)
    community_service.join_community(
        world.uow(), community_id=third.id, telegram_user_id=777, display_name="Admin", now=world.now
    )

    link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)

    assert link.community_ids == frozenset({first.id, second.id})


def test_a_member_who_is_no_admin_gets_no_link(world: World) -> None:
    community = world.community()
    member = world.member(community)

    with pytest.raises(NotAnAdmin):
        dashboard.issue_login_link(world.uow(), telegram_user_id=member.telegram_user_id, now=world.now)
    with pytest.raises(NotAnAdmin):
        dashboard.issue_login_link(world.uow(), telegram_user_id=424242, now=world.now)


def test_a_banned_admin_gets_no_link(world: World) -> None:
    community = world.community()
    banned = admin_of(world, community)
    other = admin_of(world, community, telegram_user_id=778)
    apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=other.id,
        target_member_id=banned.id,
        reason="x",
        now=world.now,
    )

    with pytest.raises(NotAnAdmin):
        dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)


def test_a_link_works_once(world: World) -> None:
    admin_of(world, world.community())
    link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)

    assert dashboard.redeem_login_link(world.uow(), token=link.token, now=world.now).telegram_user_id == 777
    with pytest.raises(LoginLinkInvalid):
        dashboard.redeem_login_link(world.uow(), token=link.token, now=world.now)


def test_a_link_expires_after_ten_minutes(world: World) -> None:
    admin_of(world, world.community())
    link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)

    with pytest.raises(LoginLinkInvalid):
        dashboard.redeem_login_link(world.uow(), token=link.token, now=world.now + timedelta(minutes=10))


@pytest.mark.parametrize("token", ["", "x", "a" * 500])
def test_unknown_or_absurd_tokens_are_refused(world: World, token: str) -> None:
    with pytest.raises(LoginLinkInvalid):
        dashboard.redeem_login_link(world.uow(), token=token, now=world.now)


def test_storage_keeps_only_a_digest_of_the_token(world: World) -> None:
    admin_of(world, world.community())
    link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)

    assert link.token not in repr(world.snapshot()["dashboard_logins"])


def test_issuing_a_link_purges_links_that_expired_over_a_day_ago(world: World) -> None:
    admin_of(world, world.community())
    dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)
    dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now + timedelta(hours=2))
    assert len(world.snapshot()["dashboard_logins"]) == 2

    dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now + timedelta(days=2))

    assert len(world.snapshot()["dashboard_logins"]) == 1


# Who sees what -------------------------------------------------------------------------------------


def test_the_viewer_of_a_session_is_looked_up_now_so_a_demoted_admin_sees_nothing(world: World) -> None:
    community = world.community()
    admin = admin_of(world, community)
    reader = world.storage.dashboard_reader

    assert dashboard.admin_viewer(reader, telegram_user_id=777, session_epoch=0).community_ids == frozenset(
        {community.id}
    )

    community_service.mirror_admin_role(
        world.uow(), community_id=community.id, telegram_user_id=admin.telegram_user_id, told=False, now=world.now
    )

    with pytest.raises(NotAnAdmin):
        dashboard.admin_viewer(reader, telegram_user_id=777, session_epoch=0)


def test_each_redeemed_link_starts_a_new_session_epoch_and_ends_the_older_ones(world: World) -> None:
    admin_of(world, world.community())
    reader = world.storage.dashboard_reader

    def redeem() -> dashboard.Login:
        link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)
        return dashboard.redeem_login_link(world.uow(), token=link.token, now=world.now)

    first, second = redeem(), redeem()

    assert (first.epoch, second.epoch) == (1, 2)
    assert dashboard.admin_viewer(reader, telegram_user_id=777, session_epoch=second.epoch).telegram_user_id == 777
    with pytest.raises(SessionEnded):
        dashboard.admin_viewer(reader, telegram_user_id=777, session_epoch=first.epoch)


def test_ending_the_sessions_refuses_the_current_epoch_too(world: World) -> None:
    admin_of(world, world.community())
    link = dashboard.issue_login_link(world.uow(), telegram_user_id=777, now=world.now)
    login = dashboard.redeem_login_link(world.uow(), token=link.token, now=world.now)

    dashboard.end_sessions(world.uow(), telegram_user_id=777)

    with pytest.raises(SessionEnded):
        dashboard.admin_viewer(world.storage.dashboard_reader, telegram_user_id=777, session_epoch=login.epoch)


def test_an_admin_cannot_read_another_community(world: World) -> None:
    mine, theirs = world.community(), world.community()
    admin_of(world, mine)
    viewer = dashboard.admin_viewer(world.storage.dashboard_reader, telegram_user_id=777, session_epoch=0)

    with pytest.raises(NotYourCommunity):
        dashboard.overview(
            world.storage.dashboard_reader,
            viewer=viewer,
            period=Period.ALL,
            community_id=theirs.id,
            today=world.now.date(),
        )
    assert dashboard.visible_communities(world.storage.dashboard_reader, viewer=viewer) == {mine.id: mine.title}


# Views -----------------------------------------------------------------------------------------------


def test_overview_totals_match_what_happened(world: World) -> None:
    busy_community(world, verified=3, rejected=1)
    reader = world.storage.dashboard_reader

    view = dashboard.overview(reader, viewer=OPERATOR, period=Period.ALL, community_id=None, today=world.now.date())

    assert (view.totals.assigned, view.totals.verified, view.totals.rejected) == (4, 3, 1)
    assert view.totals.credits_moved == 30
    assert view.totals.roi == pytest.approx(3 / 4)
    assert [p.platform for p in view.platforms] == list(Platform)  # every platform, zeros included
    assert view.platforms[0].counts.assigned == 4
    assert view.verified_per_day[-1].day == world.now.date()
    assert view.verified_per_day[-1].verified == 3
    assert len(view.verified_per_day) == 1  # all time starts at the first day with data


def test_the_all_time_series_starts_at_the_first_day_with_any_task_within_ninety_days(world: World) -> None:
    reader = world.storage.dashboard_reader
    community = world.community(welcome_credits=500)
    world.submission(world.member(community), wanted=3)
    world.task(world.member(community))  # assigned, never verified: still a day with data
    world.clock.advance(days=4)
    world.verified(world.task(world.member(community)))
    world.clock.advance(days=2)

    def series() -> list[tuple[int, int]]:
        view = dashboard.overview(reader, viewer=OPERATOR, period=Period.ALL, community_id=None, today=world.now.date())
        return [((world.now.date() - d.day).days, d.verified) for d in view.verified_per_day]

    assert series() == [(6, 0), (5, 0), (4, 0), (3, 0), (2, 1), (1, 0), (0, 0)]
    world.clock.advance(days=200)
    assert len(series()) == 90  # a long history: the last 90 days
    empty = dashboard.overview(
        reader, viewer=OPERATOR, period=Period.ALL, community_id=world.community().id, today=world.now.date()
    )
    assert [(d.day, d.verified) for d in empty.verified_per_day] == [(world.now.date(), 0)]


def test_overview_of_one_community_leaves_the_others_out(world: World) -> None:
    first, _, _ = busy_community(world, verified=2)
    busy_community(world, verified=5)
    reader = world.storage.dashboard_reader

    view = dashboard.overview(
        reader, viewer=OPERATOR, period=Period.DAILY, community_id=first.id, today=world.now.date()
    )

    assert view.totals.verified == 2
    assert len(view.verified_per_day) == 1


def test_periods_count_only_their_days(world: World) -> None:
    busy_community(world, verified=2)
    world.clock.advance(days=8)
    busy_community(world, verified=1)
    reader = world.storage.dashboard_reader
    today = world.now.date()

    def verified(period: Period) -> int:
        return dashboard.overview(
            reader, viewer=OPERATOR, period=period, community_id=None, today=today
        ).totals.verified

    assert (verified(Period.DAILY), verified(Period.WEEKLY), verified(Period.MONTHLY), verified(Period.ALL)) == (
        1,
        1,
        3,
        3,
    )


def test_groups_are_sorted_by_the_asked_measure_with_empty_communities_last(world: World) -> None:
    many, _, _ = busy_community(world, verified=4, rejected=2)
    precise, _, _ = busy_community(world, verified=2)
    idle = world.community()
    reader = world.storage.dashboard_reader

    def order(sort_by: GroupOrder) -> list[int | None]:
        rows = dashboard.groups(
            reader, viewer=OPERATOR, period=Period.ALL, sort_by=sort_by, limit=10, today=world.now.date()
        )
        return [row.community_id for row in rows]

    assert order(GroupOrder.INTERACTIONS) == [many.id, precise.id, idle.id]
    assert order(GroupOrder.ROI_RATIO) == [precise.id, many.id, idle.id]
    assert order(GroupOrder.EFFICIENCY) == [precise.id, many.id, idle.id]


def test_users_show_completed_failed_reliability_trust_and_roi(world: World) -> None:
    community, _, _ = busy_community(world, verified=1)
    reliable = world.member(community, "reliable")
    for _ in range(5):
        world.submission(world.member(community), wanted=1)
        world.verified(world.task(reliable))
    sloppy = world.member(community, "sloppy")
    world.submission(world.member(community), wanted=1)
    reject(world, world.task(sloppy))

    rows = dashboard.users(
        world.storage.dashboard_reader,
        viewer=OPERATOR,
        community_id=community.id,
        min_interactions=1,
        limit=20,
        period=Period.ALL,
        today=world.now.date(),
    )
    by_name = {row.display_name: row for row in rows}

    assert rows[0].display_name == "reliable"  # most verified feedback first
    assert (by_name["reliable"].completed, by_name["reliable"].failed, by_name["reliable"].trusted) == (5, 0, True)
    assert by_name["reliable"].reliability == pytest.approx(6 / 7)
    assert by_name["reliable"].roi == 0
    assert (by_name["sloppy"].completed, by_name["sloppy"].failed, by_name["sloppy"].trusted) == (0, 1, False)
    assert "owner" not in by_name  # took no task: below min_interactions=1
    everyone = dashboard.users(
        world.storage.dashboard_reader,
        viewer=OPERATOR,
        community_id=community.id,
        min_interactions=0,
        limit=100,
        period=Period.ALL,
        today=world.now.date(),
    )
    assert {row.display_name: row.roi for row in everyone}["owner"] is None  # received 1, gave none


def test_users_of_a_period_rank_by_what_they_gave_in_it_and_keep_their_all_time_standing(world: World) -> None:
    community = world.community(welcome_credits=1000, max_feedback_per_submission=50)
    veteran, newcomer = world.member(community, "veteran"), world.member(community, "newcomer")
    for _ in range(6):
        world.submission(world.member(community), wanted=1)
        world.verified(world.task(veteran))
    world.clock.advance(days=10)
    world.submission(world.member(community), wanted=2)
    world.verified(world.task(newcomer))
    reader = world.storage.dashboard_reader

    def top(period: Period) -> list[tuple[str, int, int]]:
        rows = dashboard.users(
            reader,
            viewer=OPERATOR,
            community_id=community.id,
            min_interactions=1,
            limit=10,
            period=period,
            today=world.now.date(),
        )
        return [(row.display_name, row.completed, row.interactions) for row in rows]

    assert top(Period.ALL) == [("veteran", 6, 6), ("newcomer", 1, 1)]
    assert top(Period.WEEKLY) == [("newcomer", 1, 1)]  # the veteran gave nothing these 7 days
    assert top(Period.MONTHLY) == [("veteran", 6, 6), ("newcomer", 1, 1)]
    world.clock.advance(days=1)
    world.verified(world.task(veteran))
    weekly = dashboard.users(
        reader,
        viewer=OPERATOR,
        community_id=None,
        min_interactions=0,
        limit=10,
        period=Period.DAILY,
        today=world.now.date(),
    )
    assert [(row.display_name, row.completed, row.trusted) for row in weekly if row.interactions] == [
        ("veteran", 1, True)  # trusted for their 7 verified of all time, though 1 is today's
    ]


def test_groups_narrow_to_the_community_asked_for(world: World) -> None:
    first, _, _ = busy_community(world, verified=2)
    second, _, _ = busy_community(world, verified=1)
    admin_of(world, first)
    admin_of(world, second)
    viewer = dashboard.admin_viewer(world.storage.dashboard_reader, telegram_user_id=777, session_epoch=0)

    rows = dashboard.groups(
        world.storage.dashboard_reader,
        viewer=viewer,
        period=Period.ALL,
        sort_by=GroupOrder.INTERACTIONS,
        limit=10,
        today=world.now.date(),
        community_id=second.id,
    )

    assert [(row.community_id, row.counts.verified) for row in rows] == [(second.id, 1)]
    with pytest.raises(NotYourCommunity):
        dashboard.groups(
            world.storage.dashboard_reader,
            viewer=viewer,
            period=Period.ALL,
            sort_by=GroupOrder.INTERACTIONS,
            limit=10,
            today=world.now.date(),
            community_id=world.community().id,
        )


def test_the_users_export_of_a_period_counts_that_period(world: World) -> None:
    community, _, _ = busy_community(world, verified=2)
    world.clock.advance(days=3)
    late = world.member(community, "late giver")
    world.submission(world.member(community), wanted=1)
    world.verified(world.task(late))

    with dashboard_export.export(
        world.storage.dashboard_reader,
        viewer=OPERATOR,
        entity=ExportEntity.USERS,
        community_id=community.id,
        period=Period.DAILY,
        today=world.now.date(),
    ) as table:
        rows = [dict(zip(table.columns, row, strict=True)) for batch in table.batches for row in batch]

    assert [(row["display_name"], row["completed"]) for row in rows if row["interactions"]] == [("late giver", 1)]


def test_platforms_report_mean_time_to_verify(world: World) -> None:
    community = world.community(welcome_credits=100)
    owner = world.member(community, link=Platform.TIKTOK)
    giver = world.member(community, link=Platform.TIKTOK)
    world.submission(owner, wanted=1, platform=Platform.TIKTOK)
    task = world.task(giver)
    world.clock.advance(hours=3)
    world.verified(task)

    rows = dashboard.platforms(
        world.storage.dashboard_reader, viewer=OPERATOR, community_id=None, period=Period.ALL, today=world.now.date()
    )
    tiktok = next(row for row in rows if row.platform is Platform.TIKTOK)

    assert tiktok.counts.mean_verify_s == 3 * 3600
    assert tiktok.counts.success_rate == 1.0


def test_errors_show_rejections_with_the_giver_and_job_failures_newest_first(world: World) -> None:
    community, _, givers = busy_community(world, verified=0, rejected=2)
    with world.uow() as uow:
        uow.failures.record(
            kind="platform_unavailable",
            job="verify_submission",
            detail="YouTube answered 503",
            at=world.now + timedelta(minutes=5),
            platform=Platform.YOUTUBE,
            community_id=community.id,
        )
        uow.commit()
    world.clock.advance(minutes=10)

    view = dashboard.errors(
        world.storage.dashboard_reader, viewer=OPERATOR, community_id=None, hours=24, limit=10, now=world.now
    )

    assert [(c.source, c.type, c.count) for c in view.by_type] == [
        ("rejection", "too_short", 2),
        ("job", "platform_unavailable", 1),
    ]
    assert view.recent[0].detail == "YouTube answered 503"
    assert {row.member for row in view.recent[1:]} == {givers[0].display_name, givers[1].display_name}


def test_errors_leave_out_what_is_older_than_the_window(world: World) -> None:
    busy_community(world, verified=0, rejected=1)
    world.clock.advance(hours=30)

    view = dashboard.errors(
        world.storage.dashboard_reader, viewer=OPERATOR, community_id=None, hours=24, limit=10, now=world.now
    )

    assert (view.by_type, view.recent) == ([], [])


def test_the_error_counts_and_the_error_rows_cover_one_window(world: World) -> None:
    world.clock.current = world.now.replace(hour=12, minute=0, second=0, microsecond=0)
    busy_community(world, verified=0, rejected=1)  # at 12:00
    world.clock.advance(minutes=50)
    busy_community(world, verified=0, rejected=1)  # at 12:50
    world.clock.advance(hours=24, minutes=-20)  # 12:30 the next day: one 24.5 h old, one 23.7 h

    view = dashboard.errors(
        world.storage.dashboard_reader, viewer=OPERATOR, community_id=None, hours=24, limit=10, now=world.now
    )

    assert view.since == world.now.replace(minute=0) - timedelta(hours=24)  # 12:00 yesterday, a whole hour
    assert sum(c.count for c in view.by_type) == len(view.recent) == 2


def test_exports_stream_every_row_in_batches(world: World) -> None:
    community, _, _ = busy_community(world, verified=5)
    reader = world.storage.dashboard_reader

    def rows(entity: ExportEntity) -> tuple[tuple[str, ...], list[list[tuple[object, ...]]]]:
        with dashboard_export.export(
            reader,
            viewer=OPERATOR,
            entity=entity,
            community_id=community.id,
            period=Period.ALL,
            today=world.now.date(),
            batch_size=2,
        ) as table:
            return table.columns, list(table.batches)

    columns, batches = rows(ExportEntity.TASKS)
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert columns[:2] == ("id", "community_id")
    columns, batches = rows(ExportEntity.USERS)
    assert sum(len(b) for b in batches) == 6
    assert "display_name" in columns
    columns, batches = rows(ExportEntity.GROUPS)
    assert batches[0][0][:3] == (community.id, community.title, 5)


def test_assigned_tasks_still_open_count_as_open(world: World) -> None:
    community = world.community()
    world.submission(world.member(community), wanted=2)
    world.task(world.member(community))
    task = world.task(world.member(community))
    task_service.skip_task(world.uow(), member_id=task.giver_id, task_id=task.id, now=world.now)

    view = dashboard.overview(
        world.storage.dashboard_reader, viewer=OPERATOR, period=Period.ALL, community_id=None, today=world.now.date()
    )

    assert (view.totals.assigned, view.totals.skipped, view.totals.open) == (2, 1, 1)
    assert world.storage.dashboard_reader.tasks_by_status()["assigned"] == 1


def test_dashboard_reads_never_wait_for_a_writer_on_sqlite(world: World) -> None:
    busy_community(world, verified=1)
    reader = world.storage.dashboard_reader
    started = time.perf_counter()
    with world.uow() as uow:
        uow.session.execute(sa.text("SELECT 1"))  # BEGIN IMMEDIATE: this writer now holds the lock
        counts = reader.counts_by_platform(None, first_day=None)
        at_head = world.storage.is_at_head()

    assert time.perf_counter() - started < 5  # a reader that wanted the lock would wait 30 s
    assert sum(row.counts.verified for row in counts) == 1
    assert at_head


def test_the_operators_rejection_counts_are_every_communitys_summed(world: World) -> None:
    first, _, _ = busy_community(world, verified=0, rejected=2)
    second, _, _ = busy_community(world, verified=1, rejected=1)
    reader = world.storage.dashboard_reader
    since = world.now - timedelta(hours=1)

    everyone = reader.failure_counts(None, since=since)
    each = [reader.failure_counts(frozenset({c.id}), since=since) for c in (first, second)]

    assert [(c.type, c.count) for c in everyone] == [("too_short", 3)]
    assert [c.count for counts in each for c in counts] == [2, 1]
