"""The ring rule (domain/ring.py) on small exchange graphs: pairs and small groups that mostly serve
each other are flagged with their evidence; honest dense communities and hubs are not."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime

import pytest

from tgexchange.domain.ring import (
    Exchange,
    Ring,
    RingAlreadyDecided,
    RingFinding,
    RingStatus,
    RingThresholds,
    decide,
    find_rings,
    plan_rings,
)

NOW = datetime(2026, 3, 1, tzinfo=UTC)
SLOW = 9000.0  # seconds from a submission to its task: not "at once"


def background(members: range, *, per_member: int, seed: int = 1) -> list[Exchange]:
    """An honest crowd: each member serves ``per_member`` others chosen at random."""
    rng = random.Random(seed)
    pool = list(members)
    return [
        Exchange(giver, owner, waited_s=rng.uniform(3600, 36_000), text=f"honest words {giver} {owner}")
        for giver in pool
        for owner in rng.sample([m for m in pool if m != giver], per_member)
    ]


def serving(giver: int, owner: int, times: int, *, waited_s: float = 300.0, text: str | None = None) -> list[Exchange]:
    return [Exchange(giver, owner, waited_s, text) for _ in range(times)]


def test_a_pair_serving_each_other_inside_a_crowd_is_flagged_with_its_evidence() -> None:
    exchanges = background(range(100, 200), per_member=20)
    exchanges += serving(1, 2, 6, text="the zoom at 1:20 is fast and the caption covers your face")
    exchanges += serving(2, 1, 6, text="the zoom at 3:40 is fast and the music covers your voice")
    exchanges += [Exchange(1, 150, 9000.0), Exchange(2, 160, 9000.0)]  # a little camouflage

    (finding,) = find_rings(exchanges)

    assert finding.member_ids == (1, 2)
    evidence = finding.evidence
    assert evidence["internal_exchanges"] == 12
    assert evidence["internal_share"] > 0.8
    assert evidence["lift"] > 50
    assert evidence["members"]["1"] == {"given_inside": 6, "received_inside": 6, "exchanges": 13, "share_inside": 0.923}
    assert evidence["timing"]["inside_median_h"] < evidence["timing"]["community_median_h"]
    similarity = evidence["text_similarity"]
    assert similarity["across_members"] > similarity["with_outsiders"]


def test_a_triangle_serving_round_the_circle_is_flagged_as_one_group() -> None:
    exchanges = background(range(100, 200), per_member=20)
    for giver, owner in ((1, 2), (2, 3), (3, 1)):
        exchanges += serving(giver, owner, 5)

    (finding,) = find_rings(exchanges)

    assert finding.member_ids == (1, 2, 3)
    assert {m: v["given_inside"] for m, v in finding.evidence["members"].items()} == {"1": 5, "2": 5, "3": 5}


def test_an_honest_dense_community_where_everyone_serves_everyone_is_not_flagged() -> None:
    # Eight members who each served every other one three times: every pair has a strong tie,
    # and any group's internal share is exactly what random matching would give it.
    exchanges = [e for g, o in itertools.permutations(range(1, 9), 2) for e in serving(g, o, 3)]

    assert find_rings(exchanges) == []


def test_a_small_community_that_is_only_a_pair_is_not_flagged() -> None:
    # Two members alone can only serve each other: their share is what matching gives them.
    exchanges = serving(1, 2, 10) + serving(2, 1, 10)

    assert find_rings(exchanges) == []


def test_a_hub_that_serves_many_is_not_flagged() -> None:
    exchanges = background(range(100, 200), per_member=20)
    # Member 1 serves thirty members four times each, and they give a little back.
    for owner in range(100, 130):
        exchanges += serving(1, owner, 4)
        exchanges += serving(owner, 1, 1)

    assert find_rings(exchanges) == []


def test_a_one_way_stream_is_not_a_ring() -> None:
    # A fan who serves one creator over and over, never served back: nobody is colluding with them.
    exchanges = background(range(100, 200), per_member=20) + serving(1, 2, 12)

    assert find_rings(exchanges) == []


def test_a_pair_with_too_few_exchanges_is_not_flagged_until_it_has_enough() -> None:
    # Taken hours after the submissions, as anyone might: the pair needs min_tie (4) exchanges.
    # Three are what two honest members of a 200-member community met by chance in a month
    # (docs/DESIGN-NOTES.md, "Four exchanges make a tie, or three quick ones").
    crowd = background(range(100, 200), per_member=20)
    outside = serving(1, 150, 4, waited_s=SLOW) + serving(2, 160, 4, waited_s=SLOW)
    three = crowd + serving(1, 2, 2, waited_s=SLOW) + serving(2, 1, 1, waited_s=SLOW) + outside
    four = crowd + serving(1, 2, 2, waited_s=SLOW) + serving(2, 1, 2, waited_s=SLOW) + outside

    assert find_rings(three) == []
    assert [f.member_ids for f in find_rings(four)] == [(1, 2)]


def test_three_exchanges_make_a_tie_when_each_was_taken_at_once() -> None:
    # One person's two accounts take each other's content minutes after it appears: three such
    # exchanges are a tie (min_quick_tie); one of them taken hours later, and they are not.
    crowd = background(range(100, 200), per_member=20)
    outside = serving(1, 150, 3, waited_s=SLOW) + serving(2, 160, 3, waited_s=SLOW)
    at_once = crowd + serving(1, 2, 2, waited_s=120.0) + serving(2, 1, 1, waited_s=600.0) + outside
    one_later = crowd + serving(1, 2, 2, waited_s=120.0) + serving(2, 1, 1, waited_s=SLOW) + outside

    assert [f.member_ids for f in find_rings(at_once)] == [(1, 2)]
    assert find_rings(one_later) == []


def test_with_quick_ties_of_two_a_pair_that_takes_each_others_content_at_once_needs_fewer_exchanges() -> None:
    # One exchange each way, each taken minutes after the submission appeared, with a little work
    # for others: a tie of two is enough where quick ties of two are on. They are not by default:
    # honest members who come by early take new content within the hour too.
    crowd = background(range(100, 200), per_member=20)
    outside = serving(1, 150, 2, waited_s=SLOW) + serving(2, 160, 2, waited_s=SLOW)
    at_once = crowd + serving(1, 2, 1, waited_s=120.0) + serving(2, 1, 1, waited_s=600.0) + outside
    one_later = crowd + serving(1, 2, 1, waited_s=120.0) + serving(2, 1, 1, waited_s=SLOW) + outside
    quick = RingThresholds(min_quick_tie=2)

    assert [f.member_ids for f in find_rings(at_once, thresholds=quick)] == [(1, 2)]
    assert find_rings(one_later, thresholds=quick) == []
    assert find_rings(at_once) == []


def test_a_chain_of_groups_larger_than_the_maximum_is_cut_at_its_weakest_ties() -> None:
    exchanges = background(range(100, 200), per_member=20)
    for a, b in itertools.combinations((1, 2, 3, 4), 2):
        exchanges += serving(a, b, 4) + serving(b, a, 4)
    for a, b in itertools.combinations((5, 6, 7, 8), 2):
        exchanges += serving(a, b, 4) + serving(b, a, 4)
    exchanges += serving(4, 5, 2) + serving(5, 4, 1)  # a thin bridge between the two groups

    found = find_rings(exchanges, thresholds=RingThresholds(max_size=4, min_tie=3))

    assert [f.member_ids for f in found] == [(1, 2, 3, 4), (5, 6, 7, 8)]


def test_thresholds_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="sizes"):
        RingThresholds(min_size=1)
    with pytest.raises(ValueError, match="min_share"):
        RingThresholds(min_share=0.0)


def _ring(ring_id: int, members: tuple[int, ...], status: RingStatus = RingStatus.FLAGGED) -> Ring:
    return Ring(ring_id, 1, status, members, {}, NOW, NOW)


def test_a_group_found_again_refreshes_its_flag_and_a_cleared_one_stays_cleared() -> None:
    stored = [_ring(10, (1, 2)), _ring(11, (3, 4), RingStatus.CLEARED), _ring(12, (5, 6))]
    findings = [RingFinding((1, 2), {}), RingFinding((3, 4), {}), RingFinding((5, 6, 7), {}), RingFinding((8, 9), {})]

    plan = plan_rings(stored, findings)

    assert [f.member_ids for f in plan.new] == [(8, 9)]
    assert [(ring_id, f.member_ids) for ring_id, f in plan.refreshed] == [(10, (1, 2)), (12, (5, 6, 7))]
    assert plan.left_cleared == 1


def test_an_admin_clears_or_confirms_a_flagged_group_once() -> None:
    assert decide(_ring(1, (1, 2)), RingStatus.CONFIRMED) is RingStatus.CONFIRMED
    with pytest.raises(RingAlreadyDecided):
        decide(_ring(1, (1, 2), RingStatus.CLEARED), RingStatus.CONFIRMED)
    with pytest.raises(ValueError, match="clears or confirms"):
        decide(_ring(1, (1, 2)), RingStatus.FLAGGED)
