"""The dashboard rollups on SQLite and PostgreSQL: kept in step with every task transition,
equal to a rebuild from the tasks, untouched by work that rolls back, and computed by the
migration for data that existed before it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command

from tests.fakes import FakeQualityGate
from tests.outcomes import record_verification_outcome
from tests.refusals import refused
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.adapters.db.migrate import alembic_config, upgrade
from tgexchange.adapters.db.rollup import ROLLUP_TABLES, rebuild_rollups
from tgexchange.bootstrap import Storage
from tgexchange.domain.content import Platform
from tgexchange.services import community as community_service
from tgexchange.services import task as task_service
from tgexchange.services.ports import AskedInVain
from tgexchange.simulation.runner import Simulation

Rows = dict[str, list[tuple[Any, ...]]]


def rollups(world: World) -> Rows:
    with world.storage.engine.connect() as connection:
        return {t.name: sorted(tuple(r) for r in connection.execute(sa.select(t))) for t in ROLLUP_TABLES}


def a_busy_history(world: World) -> None:
    """Every way a task can end, on two platforms, over three days, in two communities."""
    community = world.community(welcome_credits=500)
    other = world.community(welcome_credits=500)
    world.submission(world.member(community, link=Platform.YOUTUBE), wanted=6)
    world.submission(world.member(community, link=Platform.TIKTOK), wanted=2, platform=Platform.TIKTOK)
    givers = [world.member(community) for _ in range(6)]
    for giver in givers[:2]:
        world.link(giver, Platform.TIKTOK)
    tasks = [world.task(giver) for giver in givers]
    world.verified(tasks[0])
    world.clock.advance(days=1)
    world.done(tasks[1])
    record_verification_outcome(
        world.uow(), task_id=tasks[1].id, verified=False, reason="self_promotion", now=world.now
    )
    task_service.skip_task(world.uow(), member_id=tasks[2].giver_id, task_id=tasks[2].id, now=world.now)
    world.clock.advance(days=2, hours=1)
    task_service.expire_overdue_tasks(world.uow(), now=world.now)
    world.submission(world.member(other), wanted=1)
    world.task(world.member(other))
    community_service.pause_community(
        world.uow(), community_id=other.id, actor_member_id=None, reason="maintenance", now=world.now
    )


def test_rollups_kept_by_the_transitions_equal_a_rebuild_from_the_tasks(any_world: World) -> None:
    a_busy_history(any_world)
    kept = rollups(any_world)

    with any_world.storage.engine.begin() as connection:
        rebuilt_communities = rebuild_rollups(connection)
    assert rebuilt_communities == 2
    assert rollups(any_world) == kept
    totals = {name: sum(row[2 + i] for row in kept["rollup_totals"]) for i, name in enumerate(("assigned", "verified"))}
    assert totals == {"assigned": 7, "verified": 1}


def test_times_a_hair_before_the_hour_or_the_day_rebuild_into_the_same_buckets(any_world: World) -> None:
    # The kept rollups cut times to whole seconds; SQLite's date functions would round .9998 s up.
    any_world.clock.current = datetime(2026, 3, 2, 12, 0, 0, 100000, tzinfo=UTC)
    community = any_world.community(welcome_credits=500)
    any_world.submission(any_world.member(community), wanted=2)
    waited, rejected = (any_world.task(any_world.member(community)) for _ in range(2))
    any_world.clock.current = datetime(2026, 3, 2, 23, 59, 59, 999800, tzinfo=UTC)  # the day's last instant
    any_world.verified(waited)  # waited 43199.9 s: counted as 43199
    any_world.done(rejected)
    record_verification_outcome(
        any_world.uow(), task_id=rejected.id, verified=False, reason="too_short", now=any_world.now
    )
    kept = rollups(any_world)

    with any_world.storage.engine.begin() as connection:
        rebuild_rollups(connection)

    assert rollups(any_world) == kept


def test_each_members_days_add_up_to_their_stats(any_world: World) -> None:
    a_busy_history(any_world)
    d, ms = tables.rollup_member_daily, tables.member_stats
    counters = tables.MEMBER_DAY_COUNTERS
    with any_world.storage.engine.connect() as connection:
        days = {
            row[0]: tuple(row[1:])
            for row in connection.execute(
                sa.select(d.c.member_id, *[sa.func.sum(d.c[name]) for name in counters]).group_by(d.c.member_id)
            )
        }
        stats = {
            row[0]: tuple(row[1:])
            for row in connection.execute(sa.select(ms.c.member_id, *[ms.c[name] for name in counters]))
            if any(row[1:])
        }
        spread = connection.execute(sa.select(sa.func.count(sa.distinct(d.c.day)))).scalar_one()

    assert days == stats
    assert spread == 3  # each count on the day it happened


def test_every_outcome_lands_in_its_counter(any_world: World) -> None:
    a_busy_history(any_world)
    t = tables.rollup_totals
    with any_world.storage.engine.connect() as connection:
        sums = connection.execute(
            sa.select(*[sa.func.sum(t.c[name]) for name in ("verified", "rejected", "expired", "skipped", "cancelled")])
        ).one()
        reasons = connection.execute(sa.select(tables.rollup_rejections.c.reason)).scalars().all()

    assert tuple(sums) == (1, 1, 3, 1, 1)
    assert reasons == ["self_promotion"]


def test_work_that_is_not_committed_leaves_the_rollups_alone(any_world: World) -> None:
    community = any_world.community()
    any_world.submission(any_world.member(community), wanted=1)
    task = any_world.task(any_world.member(community))
    before = rollups(any_world)

    with any_world.uow() as uow:
        loaded = uow.tasks.find(task.id)
        assert loaded is not None
        loaded.skip(member_id=task.giver_id, now=any_world.now)
        uow.flush()  # written, then rolled back when the block ends without commit()

    assert rollups(any_world) == before


def test_the_migration_computes_rollups_for_tasks_that_existed_before_it(any_world: World) -> None:
    a_busy_history(any_world)
    kept = rollups(any_world)
    engine = any_world.storage.engine
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0002")
    assert "rollup_daily" not in sa.inspect(engine).get_table_names()

    upgrade(engine)

    assert rollups(any_world) == kept
    assert kept["rollup_daily"]


def test_a_simulated_community_on_every_platform_with_outages_keeps_its_rollups_exact(
    sqlite_storage: Storage,
) -> None:
    simulation = Simulation(
        sqlite_storage,
        members=16,
        days=3,
        seed=5,
        gate=FakeQualityGate(),
        platforms=tuple(Platform),
        outage_rate=0.3,
        chat_id=-77,
        fair_play=False,  # every member asks for 3 feedbacks: enough reads for outages in 3 days
    )
    result = simulation.run()
    world = World(sqlite_storage)
    kept = rollups(world)
    with sqlite_storage.engine.begin() as connection:
        rebuild_rollups(connection)

    assert rollups(world) == kept
    assert result.ledger_balanced
    platforms = {row[1] for row in kept["rollup_totals"]}
    assert platforms == set(Platform)
    with sqlite_storage.engine.connect() as connection:
        outages = connection.execute(
            sa.select(sa.func.count()).where(tables.job_failures.c.kind == "platform_unavailable")
        ).scalar_one()
    assert outages > 0


def test_members_who_asked_in_vain_are_counted_per_utc_day_period_and_community(any_world: World) -> None:
    world = any_world
    community, other = world.community(), world.community()
    first, second = world.member(community), world.member(community)
    elsewhere = world.member(other)
    world.clock.current = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    for member in (first, second, first, elsewhere):  # nothing was ever submitted: all in vain
        with refused("no_task_available"):
            world.task(member)
    world.clock.current = datetime(2026, 3, 3, 0, 10, tzinfo=UTC)  # the next UTC day
    task_service.note_no_tasks(world.uow(), [first.id], community_id=community.id, now=world.now)
    reader = world.storage.dashboard_reader

    def count(scope: frozenset[int] | None, day: int) -> int:
        on = datetime(2026, 3, day, tzinfo=UTC).date()
        return reader.asked_in_vain(scope, first_day=on, last_day=on).members

    assert count(frozenset({community.id}), 2) == 2  # first asked twice in the hour: one member
    assert count(frozenset({community.id}), 3) == 1
    assert count(frozenset({other.id}), 2) == 1
    assert count(None, 2) == 3
    assert count(frozenset({community.id}), 4) == 0
    # Over a period (the dashboard's): each member once, each member's hour once.
    since_the_2nd = reader.asked_in_vain(frozenset({community.id}), first_day=datetime(2026, 3, 2, tzinfo=UTC).date())
    assert since_the_2nd == AskedInVain(members=2, member_hours=3)  # first at 23:00 and 00:00, second at 23:00
    assert reader.asked_in_vain(None, first_day=None) == AskedInVain(members=3, member_hours=4)
    assert reader.asked_in_vain(None, first_day=datetime(2026, 3, 3, tzinfo=UTC).date()) == AskedInVain(1, 1)
