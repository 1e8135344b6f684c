"""Which submission a giver is offered next: hard eligibility rules, then one score."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import T0
from tgexchange.domain.content import Platform
from tgexchange.domain.matching import (
    HOLD,
    HOLD_SHARE,
    Candidate,
    Giver,
    Ineligible,
    MatchWeights,
    is_eligible,
    is_held,
    pick,
    rank,
    score,
    why_ineligible,
)

GIVER_ID = 1
NOW = T0 + timedelta(days=10)
NO_NOISE = MatchWeights(noise=0.0)


def giver(platforms: frozenset[Platform] = frozenset({Platform.YOUTUBE})) -> Giver:
    return Giver(member_id=GIVER_ID, platforms=platforms)


def candidate(submission_id: int = 100, *, waited_h: float = 5.0, **overrides: Any) -> Candidate:
    base = Candidate(
        submission_id=submission_id,
        owner_id=2,
        platform=Platform.YOUTUBE,
        waiting_since=NOW - timedelta(hours=waited_h),
        free_slots=1,
        owner_reliability=0.5,
        owner_reciprocity=1.0,
    )
    return replace(base, **overrides)


def ids(candidates: Iterable[Candidate]) -> list[int]:
    return [c.submission_id for c in candidates]


def test_a_plain_candidate_is_eligible() -> None:
    assert is_eligible(giver(), candidate())


def test_a_giver_is_never_offered_their_own_submission() -> None:
    own = candidate(owner_id=GIVER_ID)

    assert not is_eligible(giver(), own)
    assert pick(giver(), [own], now=NOW) is None


def test_a_giver_is_never_offered_a_submission_already_served() -> None:
    assert why_ineligible(giver(), candidate(served_by_giver=True)) is Ineligible.SERVED
    assert is_eligible(giver(), candidate(served_by_giver=False))


def test_a_banned_owners_submission_is_not_offered() -> None:
    assert why_ineligible(giver(), candidate(owner_banned=True)) is Ineligible.OWNER_BANNED


def test_a_giver_is_only_offered_platforms_where_they_have_a_channel() -> None:
    tiktok = candidate(platform=Platform.TIKTOK)

    assert not is_eligible(giver(frozenset({Platform.YOUTUBE})), tiktok)
    assert is_eligible(giver(frozenset({Platform.YOUTUBE, Platform.TIKTOK})), tiktok)


def test_a_fully_booked_submission_is_not_offered() -> None:
    assert why_ineligible(giver(), candidate(free_slots=0)) is Ineligible.FULL


def holding_giver(score: float | None = 0.3) -> tuple[Giver, Candidate]:
    """A giver in a community matching by reciprocity, and a submission made a minute ago, no
    feedback verified yet, by an owner scored 0.8, with the giver's own score on its platform."""
    fresh = candidate(
        created_at=NOW - timedelta(minutes=1), predicted_reciprocity=0.8, giver_predicted_reciprocity=score
    )
    return Giver.asking(GIVER_ID, frozenset({Platform.YOUTUBE}), now=NOW, hold=True), fresh


def test_a_new_submission_is_held_from_a_giver_who_gives_back_less_than_half_what_its_owner_does() -> None:
    asking, fresh = holding_giver(score=0.3)

    assert why_ineligible(asking, fresh) is Ineligible.HELD
    assert rank(asking, [fresh], now=NOW) == []


def test_the_hold_ends_at_half_the_owners_score_at_the_first_verified_feedback_and_after_six_hours() -> None:
    asking, fresh = holding_giver(score=0.3)

    assert is_held(asking, replace(fresh, giver_predicted_reciprocity=HOLD_SHARE * 0.8 - 1e-9))
    assert not is_held(asking, replace(fresh, giver_predicted_reciprocity=HOLD_SHARE * 0.8))
    assert not is_held(asking, replace(fresh, verified_so_far=1))
    assert is_held(asking, replace(fresh, created_at=NOW - HOLD + timedelta(seconds=1)))
    assert not is_held(asking, replace(fresh, created_at=NOW - HOLD))


def test_nothing_is_held_from_or_for_a_member_without_a_score_nor_where_matching_ignores_scores() -> None:
    asking, fresh = holding_giver(score=None)
    assert is_eligible(asking, fresh)  # a newcomer giver gets the benefit of the doubt
    asking, fresh = holding_giver(score=0.1)
    assert is_eligible(asking, replace(fresh, predicted_reciprocity=None))  # and a newcomer owner
    assert is_eligible(asking, replace(fresh, created_at=None))
    off = Giver.asking(GIVER_ID, frozenset({Platform.YOUTUBE}), now=NOW, hold=False)
    assert off.holds_made_after is None
    assert is_eligible(off, fresh)


def test_rank_drops_every_ineligible_candidate() -> None:
    pool = [
        candidate(1, owner_id=GIVER_ID),
        candidate(2),
        candidate(3, platform=Platform.INSTAGRAM),
        candidate(4, free_slots=0),
        candidate(5, served_by_giver=True),
        candidate(6, owner_banned=True),
    ]

    assert sorted(ids(rank(giver(), pool, now=NOW))) == [2]


def test_pick_returns_none_when_nothing_is_eligible() -> None:
    assert pick(giver(), [], now=NOW) is None
    assert pick(giver(), [candidate(free_slots=0)], now=NOW) is None


def test_pick_returns_the_best_ranked_candidate() -> None:
    pool = [candidate(1, waited_h=1), candidate(2, waited_h=30), candidate(3, waited_h=5)]

    best = pick(giver(), pool, now=NOW)

    assert best is not None
    assert best.submission_id == rank(giver(), pool, now=NOW)[0].submission_id == 2


def test_a_submission_that_waited_longer_ranks_first() -> None:
    pool = [candidate(1, waited_h=1), candidate(2, waited_h=24), candidate(3, waited_h=6)]

    for seed in range(20):
        assert ids(rank(giver(), pool, now=NOW, seed=seed)) == [2, 3, 1]


@given(
    shorter=st.floats(min_value=0, max_value=10_000, allow_nan=False),
    extra=st.floats(min_value=0.01, max_value=10_000, allow_nan=False),
)
def test_without_noise_any_longer_wait_ranks_first(shorter: float, extra: float) -> None:
    pool = [candidate(1, waited_h=shorter), candidate(2, waited_h=shorter + extra)]

    assert ids(rank(giver(), pool, now=NOW, weights=NO_NOISE)) == [2, 1]


def test_a_less_reliable_owner_ranks_later() -> None:
    pool = [candidate(1, owner_reliability=0.2), candidate(2, owner_reliability=0.9)]

    for seed in range(20):
        assert ids(rank(giver(), pool, now=NOW, seed=seed)) == [2, 1]


def test_a_less_reciprocal_owner_ranks_later() -> None:
    pool = [candidate(1, owner_reciprocity=0.25), candidate(2, owner_reciprocity=1.0)]

    for seed in range(20):
        assert ids(rank(giver(), pool, now=NOW, seed=seed)) == [2, 1]


@given(percents=st.lists(st.integers(min_value=2, max_value=100), min_size=2, max_size=2, unique=True))
def test_without_noise_a_less_reliable_owner_always_ranks_later(percents: list[int]) -> None:
    low, high = sorted(p / 100 for p in percents)
    pool = [candidate(1, owner_reliability=low), candidate(2, owner_reliability=high)]

    assert ids(rank(giver(), pool, now=NOW, weights=NO_NOISE)) == [2, 1]


def test_reciprocity_above_one_counts_as_one() -> None:
    generous = candidate(1, owner_reciprocity=4.0)
    balanced = candidate(1, owner_reciprocity=1.0)

    assert score(generous, giver_id=GIVER_ID, now=NOW, weights=NO_NOISE, seed=0) == score(
        balanced, giver_id=GIVER_ID, now=NOW, weights=NO_NOISE, seed=0
    )


def test_a_zero_reliability_owner_still_gets_a_finite_score() -> None:
    value = score(
        candidate(owner_reliability=0.0, owner_reciprocity=0.0),
        giver_id=GIVER_ID,
        now=NOW,
        weights=MatchWeights(),
        seed=0,
    )

    assert math.isfinite(value)


def test_a_submission_waiting_since_the_future_counts_as_not_waiting() -> None:
    future = candidate(waited_h=-5)
    fresh = candidate(waited_h=0)

    assert score(future, giver_id=GIVER_ID, now=NOW, weights=NO_NOISE, seed=0) == score(
        fresh, giver_id=GIVER_ID, now=NOW, weights=NO_NOISE, seed=0
    )


def exact_ties(count: int = 12) -> list[Candidate]:
    return [candidate(n, owner_id=100 + n) for n in range(1, count + 1)]


def test_ranking_is_deterministic_for_a_seed() -> None:
    pool = exact_ties()

    first = ids(rank(giver(), pool, now=NOW, seed=7))

    assert ids(rank(giver(), pool, now=NOW, seed=7)) == first
    assert ids(rank(giver(), list(reversed(pool)), now=NOW, seed=7)) == first


def test_different_seeds_can_reorder_exact_ties() -> None:
    pool = exact_ties()

    orders = {tuple(ids(rank(giver(), pool, now=NOW, seed=seed))) for seed in range(10)}

    assert len(orders) > 1
    assert all(sorted(order) == list(range(1, 13)) for order in orders)


def test_without_noise_exact_ties_fall_back_to_submission_order() -> None:
    pool = exact_ties()

    assert ids(rank(giver(), list(reversed(pool)), now=NOW, weights=NO_NOISE, seed=3)) == list(range(1, 13))


@given(predicted=st.floats(min_value=0.0, max_value=1.0, allow_nan=False), seed=st.integers(0, 1000))
def test_predicted_reciprocity_at_weight_zero_is_neutral(predicted: float, seed: int) -> None:
    weights = MatchWeights(predicted_reciprocity=0.0)
    without = candidate(predicted_reciprocity=None)
    with_prediction = candidate(predicted_reciprocity=predicted)

    assert score(with_prediction, giver_id=GIVER_ID, now=NOW, weights=weights, seed=seed) == score(
        without, giver_id=GIVER_ID, now=NOW, weights=weights, seed=seed
    )


def test_predicted_reciprocity_at_weight_zero_does_not_change_the_order() -> None:
    plain = [candidate(1, waited_h=3), candidate(2, waited_h=9), candidate(3, waited_h=6)]
    predicted = [replace(c, predicted_reciprocity=p) for c, p in zip(plain, [1.0, 0.0, 0.5], strict=True)]

    assert ids(rank(giver(), predicted, now=NOW)) == ids(rank(giver(), plain, now=NOW)) == [2, 3, 1]


def test_predicted_reciprocity_with_weight_ranks_a_likely_taker_later() -> None:
    weights = MatchWeights(predicted_reciprocity=1.0)
    pool = [candidate(1, predicted_reciprocity=0.1), candidate(2, predicted_reciprocity=0.9)]

    assert ids(rank(giver(), pool, now=NOW, weights=weights)) == [2, 1]


def test_a_missing_prediction_falls_back_to_the_owners_own_record() -> None:
    weights = MatchWeights(predicted_reciprocity=2.0, noise=0.0)

    unscored = candidate(predicted_reciprocity=None, owner_reliability=0.3)
    as_cold_start = candidate(predicted_reciprocity=0.3, owner_reliability=0.3)
    assert score(unscored, giver_id=GIVER_ID, now=NOW, weights=weights, seed=0) == score(
        as_cold_start, giver_id=GIVER_ID, now=NOW, weights=weights, seed=0
    )


def test_a_better_predicted_owner_ranks_first_only_when_the_weight_is_on() -> None:
    likely = candidate(submission_id=1, predicted_reciprocity=0.9)
    unlikely = candidate(submission_id=2, predicted_reciprocity=0.2)
    giver = Giver(member_id=GIVER_ID, platforms=frozenset(Platform))
    on = MatchWeights(predicted_reciprocity=2.0, noise=0.0)
    assert [c.submission_id for c in rank(giver, [unlikely, likely], now=NOW, weights=on)] == [1, 2]
    off = MatchWeights(noise=0.0)
    assert score(likely, giver_id=GIVER_ID, now=NOW, weights=off, seed=0) == score(
        unlikely, giver_id=GIVER_ID, now=NOW, weights=off, seed=0
    )
