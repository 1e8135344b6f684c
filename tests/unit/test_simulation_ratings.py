"""The simulator's owners rate through the real rating use case (SQLite files): colluders praise
their own other accounts, padding rates below specific feedback, and a retaliator who sees their
published average fall rates the next feedbacks 1 whoever wrote them."""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.world import World
from tgexchange.domain.community import Community
from tgexchange.domain.member import Member
from tgexchange.domain.rating import Statement
from tgexchange.services import rating as rating_service
from tgexchange.simulation.profiles import Profile
from tgexchange.simulation.ratings import GRUDGE_RATINGS, OwnerRatings


@dataclass
class Account:
    member_id: int
    profile: Profile
    ring: int | None = None


def verified(world: World, owner: Member, giver: Member) -> tuple[int, int]:
    submission = world.submission(owner, wanted=1)
    task = world.verified(world.task(giver))
    assert submission.id is not None
    assert task.id is not None
    return submission.id, task.id


def marks_of(world: World, task_id: int) -> tuple[int | None, ...]:
    rating = rating_service.find_rating(world.uow(), task_id=task_id)
    assert rating is not None
    return rating.specific, rating.actionable, rating.respectful


def owners_who_always_rate(world: World, accounts: dict[int, Account]) -> OwnerRatings:
    ratings = OwnerRatings(world.storage, random.Random(5), accounts.get)
    ratings.rng.random = lambda: 0.0  # type: ignore[method-assign]  # every owner rates
    return ratings


def members(world: World, community: Community, count: int) -> list[Member]:
    return [world.member(community) for _ in range(count)]


def test_colluders_praise_their_partners_and_padding_rates_below_specific_feedback(world: World) -> None:
    community = world.community(welcome_credits=100)
    ring_a, ring_b, padder, honest, owner = members(world, community, 5)
    accounts = {
        ring_a.id: Account(ring_a.id, Profile.RING, ring=1),
        ring_b.id: Account(ring_b.id, Profile.RING, ring=1),
        padder.id: Account(padder.id, Profile.PADDER),
        honest.id: Account(honest.id, Profile.HONEST),
        owner.id: Account(owner.id, Profile.HONEST),
    }
    ratings = owners_who_always_rate(world, accounts)
    in_ring = verified(world, ring_a, ring_b)
    padded = verified(world, owner, padder)
    specific = verified(world, owner, honest)

    ratings.rate([in_ring[0], padded[0], specific[0]], now=world.now)
    ratings.rate([in_ring[0], padded[0], specific[0]], now=world.now)  # each is rated once

    assert marks_of(world, in_ring[1]) == (5, 5, 5)
    assert sum(marks_of(world, padded[1])[:2]) <= 4  # type: ignore[arg-type]  # specific, actionable: 1-2
    assert sum(marks_of(world, specific[1])[:2]) >= 7  # type: ignore[arg-type]
    summary = ratings.summary()
    assert summary["mean_mark_by_giver_profile"]["padder"] < summary["mean_mark_by_giver_profile"]["honest"]
    assert summary["grudge_ratings"] == 0


def test_a_retaliator_rates_everyone_low_for_a_while_after_their_average_falls(world: World) -> None:
    community = world.community(welcome_credits=1000)
    retaliator = world.member(community)
    givers = members(world, community, GRUDGE_RATINGS + 2)
    accounts = {m.id: Account(m.id, Profile.HONEST) for m in givers}
    accounts[retaliator.id] = Account(retaliator.id, Profile.RETALIATOR)
    ratings = owners_who_always_rate(world, accounts)
    ratings.seen[retaliator.id] = 5.0  # what /me showed them last time
    # Their published average is now lower: five owners rated their feedback 2 (publication is
    # due at every 5th rating).
    for _ in range(5):
        owner = world.member(community)
        _, task_id = verified(world, owner, retaliator)
        for statement in Statement:
            rating_service.rate_feedback(
                world.uow(), member_id=owner.id, task_id=task_id, statement=statement, mark=2, now=world.now
            )
    tasks = [verified(world, retaliator, giver) for giver in givers]

    ratings.rate([submission for submission, _ in tasks], now=world.now)

    marks = [marks_of(world, task_id) for _, task_id in tasks]
    assert marks[:GRUDGE_RATINGS] == [(1, 1, 1)] * GRUDGE_RATINGS
    assert all(mark != (1, 1, 1) for mark in marks[GRUDGE_RATINGS:])  # the grudge is spent
    assert ratings.summary()["grudge_ratings"] == GRUDGE_RATINGS
