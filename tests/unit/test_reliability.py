"""How reliably a member gives feedback, and how much they give back for what they receive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tgexchange.domain.reliability import MemberStats

counts = st.integers(min_value=0, max_value=10_000)


def test_a_newcomer_starts_in_the_middle_for_reliability() -> None:
    assert MemberStats().reliability == 0.5


def test_a_newcomer_starts_balanced_for_reciprocity() -> None:
    assert MemberStats().reciprocity_ratio == 1.0


def test_decided_counts_verified_rejected_and_expired_but_not_skipped() -> None:
    stats = MemberStats(tasks_taken=20, verified=3, rejected=2, expired=1, skipped=7)

    assert stats.decided == 6


@pytest.mark.parametrize(
    ("stats", "reliability"),
    [
        (MemberStats(verified=1), 2 / 3),
        (MemberStats(rejected=1), 1 / 3),
        (MemberStats(expired=2), 1 / 4),
        (MemberStats(verified=8, rejected=1, expired=1), 9 / 12),
        (MemberStats(verified=98), 99 / 100),
        (MemberStats(skipped=5), 1 / 2),  # giving a task back is not a failure
    ],
)
def test_reliability_is_verified_plus_one_over_decided_plus_two(stats: MemberStats, reliability: float) -> None:
    assert stats.reliability == pytest.approx(reliability)


@pytest.mark.parametrize(
    ("stats", "ratio"),
    [
        (MemberStats(verified=3), 4.0),
        (MemberStats(feedback_received=3), 1 / 4),
        (MemberStats(verified=2, feedback_received=2), 1.0),
        (MemberStats(verified=4, feedback_received=9, rejected=5), 1 / 2),  # only verified feedback counts
    ],
)
def test_reciprocity_is_verified_plus_one_over_received_plus_one(stats: MemberStats, ratio: float) -> None:
    assert stats.reciprocity_ratio == pytest.approx(ratio)


@given(verified=counts, rejected=counts, expired=counts)
def test_reliability_stays_strictly_between_zero_and_one(verified: int, rejected: int, expired: int) -> None:
    assert 0 < MemberStats(verified=verified, rejected=rejected, expired=expired).reliability < 1


@given(verified=counts, rejected=counts, expired=counts)
def test_one_more_verified_task_raises_reliability(verified: int, rejected: int, expired: int) -> None:
    before = MemberStats(verified=verified, rejected=rejected, expired=expired)
    after = MemberStats(verified=verified + 1, rejected=rejected, expired=expired)

    assert after.reliability > before.reliability


@given(verified=counts, rejected=counts, expired=counts)
def test_one_more_failed_task_lowers_reliability(verified: int, rejected: int, expired: int) -> None:
    before = MemberStats(verified=verified, rejected=rejected, expired=expired)

    assert MemberStats(verified=verified, rejected=rejected + 1, expired=expired).reliability < before.reliability
    assert MemberStats(verified=verified, rejected=rejected, expired=expired + 1).reliability < before.reliability


@given(verified=counts, received=counts)
def test_a_pure_taker_falls_toward_zero_reciprocity(verified: int, received: int) -> None:
    stats = MemberStats(verified=verified, feedback_received=received)
    more_taken = MemberStats(verified=verified, feedback_received=received + 1)

    assert stats.reciprocity_ratio > 0
    assert more_taken.reciprocity_ratio < stats.reciprocity_ratio
