"""Recipient ratings through the real use case on SQLite files: only the recipient rates, marks
are fixed after 24 h, and what givers see is refreshed only every 5th rating."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.world import World
from tgexchange.adapters.db.engine import make_engine
from tgexchange.bootstrap import storage_on
from tgexchange.domain.community import Community, CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.errors import IllegalTransition
from tgexchange.domain.member import Member
from tgexchange.domain.rating import InvalidMark, NotTheRecipient, RatingLocked, Statement
from tgexchange.domain.reliability import with_ratings
from tgexchange.domain.task import Task
from tgexchange.services import rating as rating_service
from tgexchange.services.health import fair_play_record, member_health

S, A, R = Statement.SPECIFIC, Statement.ACTIONABLE, Statement.RESPECTFUL


def rate(world: World, member: Member, task: Task, statement: Statement, mark: int) -> None:
    rating_service.rate_feedback(
        world.uow(), member_id=member.id, task_id=task.id, statement=statement, mark=mark, now=world.now
    )


def verified_task(world: World, community: Community, owner: Member, giver: Member) -> Task:
    world.submission(owner, wanted=1)
    return world.verified(world.task(giver))


def test_the_owner_rates_each_statement_with_one_tap(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    task = verified_task(world, community, owner, giver)

    for statement, mark in ((S, 4), (A, 2), (R, 5)):
        rate(world, owner, task, statement, mark)

    rating = rating_service.find_rating(world.uow(), task_id=task.id)
    assert rating is not None
    assert (rating.specific, rating.actionable, rating.respectful, rating.is_complete) == (4, 2, 5, True)


def test_a_mark_can_change_within_24_hours_and_not_after(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    task = verified_task(world, community, owner, giver)
    rate(world, owner, task, S, 2)

    world.clock.advance(hours=23, minutes=59)
    rate(world, owner, task, S, 4)
    world.clock.advance(minutes=1)
    with pytest.raises(RatingLocked):
        rate(world, owner, task, S, 5)

    rating = rating_service.find_rating(world.uow(), task_id=task.id)
    assert rating is not None
    assert rating.specific == 4


def test_only_verified_feedback_is_rated(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    world.submission(owner, wanted=1)
    task = world.task(giver)

    with pytest.raises(IllegalTransition):
        rate(world, owner, task, S, 3)


def test_a_mark_outside_one_to_five_is_refused(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    task = verified_task(world, community, owner, giver)

    with pytest.raises(InvalidMark):
        rate(world, owner, task, S, 6)


def test_what_the_giver_sees_changes_only_at_every_fifth_rating(world: World) -> None:
    community = world.community(welcome_credits=100)
    giver = world.member(community)
    seen = []
    for n in range(1, 11):
        owner = world.member(community)
        task = verified_task(world, community, owner, giver)
        rate(world, owner, task, S, 1 if n <= 5 else 5)
        record = fair_play_record(
            world.storage.fair_play_reader, member_id=giver.id, stats=world.stats(giver), now=world.now, threshold=0.3
        )
        seen.append((record.ratings.ratings, record.ratings.average(S), record.ratings_to_go))

    assert seen[:4] == [(0, None, 4), (0, None, 3), (0, None, 2), (0, None, 1)]
    assert seen[4] == (5, 1.0, 5)
    assert seen[5:9] == [(5, 1.0, 4), (5, 1.0, 3), (5, 1.0, 2), (5, 1.0, 1)]
    assert seen[9] == (10, 3.0, 5)


def test_a_published_rating_moves_reliability_by_a_small_weight() -> None:
    assert with_ratings(0.5, None) == 0.5
    assert with_ratings(0.5, 3.0) == 0.5
    assert with_ratings(0.5, 5.0) == pytest.approx(0.6)
    assert with_ratings(0.5, 1.0) == pytest.approx(0.4)
    assert with_ratings(0.95, 5.0) == 1.0


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    who=st.lists(st.sampled_from(["giver", "stranger", "admin", "owner"]), min_size=1, max_size=6),
    marks=st.lists(st.integers(1, 5), min_size=6, max_size=6),
)
def test_nobody_but_the_recipient_can_make_or_change_a_rating(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path, who: list[str], marks: list[int]
) -> None:
    path = tmp_path_factory.mktemp("rating") / "t.db"
    shutil.copy(sqlite_template, path)
    storage = storage_on(make_engine(f"sqlite:///{path}"))
    try:
        world = World(storage)
        community = world.community()
        owner, giver = world.member(community), world.member(community)
        people = {"owner": owner, "giver": giver, "stranger": world.member(community)}
        people["admin"] = world.member(community, admin=True)
        task = verified_task(world, community, owner, giver)
        expected = None
        for name, mark in zip(who, marks, strict=False):
            if name == "owner":
                rate(world, owner, task, S, mark)
                expected = mark
            else:
                with pytest.raises(NotTheRecipient):
                    rate(world, people[name], task, S, mark)
        rating = rating_service.find_rating(world.uow(), task_id=task.id)
        assert (None if rating is None else rating.specific) == expected
    finally:
        storage.dispose()


def test_matching_reads_an_owners_published_rating_as_a_giver(world: World) -> None:
    community = world.community(welcome_credits=100)
    owner, third = world.member(community), world.member(community)
    for _ in range(5):  # the owner gives feedback five times and is rated 5 on every statement
        other = world.member(community)
        task = verified_task(world, community, other, owner)
        for statement in Statement:
            rate(world, other, task, statement, 5)
    world.submission(owner, wanted=1)

    with world.uow() as uow:
        stats = uow.stats.get(owner.id)
        (candidate,) = [
            c
            for c in uow.submissions.candidates(
                community_id=community.id, giver_id=third.id, platforms=frozenset({Platform.YOUTUBE}), limit=50
            )
            if c.owner_id == owner.id
        ]

    assert candidate.owner_reliability == pytest.approx(with_ratings(stats.reliability, 5.0))
    assert candidate.owner_reliability > stats.reliability


def test_settings_stored_before_credit_by_substance_existed_read_it_as_off() -> None:
    stored = CommunitySettings().to_json()
    stored.pop("credit_by_substance")

    assert CommunitySettings.from_json(stored).credit_by_substance is False
    assert CommunitySettings.from_json({**stored, "credit_by_substance": True}).credit_by_substance is True


def test_a_first_mark_racing_another_is_a_conflict_the_use_case_retries(world: World) -> None:
    from tgexchange.services.conflicts import ConcurrencyConflict

    community = world.community()
    owner, giver = world.member(community), world.member(community)
    task = verified_task(world, community, owner, giver)
    rate(world, owner, task, S, 3)
    rating = rating_service.find_rating(world.uow(), task_id=task.id)
    assert rating is not None

    with world.uow() as uow, pytest.raises(ConcurrencyConflict):
        uow.ratings.save(rating, new=True)  # what the loser of the race would do


def test_published_ratings_weigh_on_health_in_me_and_in_the_cooldown_check_alike(world: World) -> None:
    community = world.community(welcome_credits=100)
    giver = world.member(community)

    def health_now() -> tuple[float, float]:
        record = fair_play_record(
            world.storage.fair_play_reader, member_id=giver.id, stats=world.stats(giver), now=world.now, threshold=0.3
        )
        return record.health, member_health(world.uow(), member_id=giver.id, now=world.now)

    for n in range(1, 6):
        owner = world.member(community)
        task = verified_task(world, community, owner, giver)
        before = health_now()
        rate(world, owner, task, S, 1)
        if n < 5:
            assert health_now() == before  # nothing published yet: neutral
    low = health_now()

    assert low[0] == low[1]
    assert low[0] < before[0]


def test_several_marks_at_once_write_what_one_call_per_mark_writes(world: World) -> None:
    """The simulator's owners rate all three statements in one transaction: the ratings and the
    summary published on the 5th (which then holds only that rating's first mark) must be the
    same as with one call per statement."""
    community = world.community(welcome_credits=100)
    one_by_one, at_once = world.member(community), world.member(community)
    marks = [((S, 2), (A, 4), (R, 5)), ((S, 1), (A, 3), (R, 2)), ((S, 5), (A, 5), (R, 1))] * 2
    for giver in (one_by_one, at_once):
        for chosen in marks[:5]:
            owner = world.member(community)
            task = verified_task(world, community, owner, giver)
            if giver is one_by_one:
                for statement, mark in chosen:
                    rate(world, owner, task, statement, mark)
            else:
                rating_service.rate_feedback_marks(
                    world.uow(), member_id=owner.id, task_id=task.id, marks=chosen, now=world.now
                )
            rating = rating_service.find_rating(world.uow(), task_id=task.id)
            assert rating is not None
            assert rating.marks == dict(chosen)

    with world.uow() as uow:
        summaries = [uow.ratings.summary(giver.id) for giver in (one_by_one, at_once)]
    assert summaries[0] == summaries[1]
    # Four complete ratings and the fifth's first mark only: 5 specific, 4 actionable, 4 respectful.
    assert summaries[1].ratings == 5
    assert summaries[1].counts == (5, 4, 4)


def test_several_marks_at_once_write_nothing_when_one_is_refused(world: World) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    task = verified_task(world, community, owner, giver)

    with pytest.raises(InvalidMark):
        rating_service.rate_feedback_marks(
            world.uow(), member_id=owner.id, task_id=task.id, marks=((S, 4), (A, 9)), now=world.now
        )

    assert rating_service.find_rating(world.uow(), task_id=task.id) is None
