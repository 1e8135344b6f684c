"""The simulator's ground truth for the reciprocity model: latent give-back probabilities that vary
within a profile, drift within bounds, and depend on the seed only."""

from __future__ import annotations

import statistics

import pytest

from tgexchange.simulation.latent import CEILING, FLOOR, Drift, LatentGiveBack, expit, logit


def test_members_of_a_profile_differ_around_its_mean() -> None:
    latent = LatentGiveBack([0.8] * 2000, seed=1)
    levels = [latent.probability(i) for i in range(len(latent))]
    assert statistics.fmean(levels) == pytest.approx(0.8, abs=0.01)
    # Beta(0.8·12, 0.2·12): sd = sqrt(0.8·0.2 / 13) ≈ 0.111
    assert statistics.pstdev(levels) == pytest.approx(0.111, abs=0.01)
    assert 0.0 < min(levels) < 0.6
    assert 0.95 < max(levels) < 1.0


def test_profiles_at_zero_or_one_are_kept_off_the_edges() -> None:
    latent = LatentGiveBack([0.0] * 500 + [1.0] * 500, seed=2)
    never = statistics.fmean(latent.probability(i) for i in range(500))
    always = statistics.fmean(latent.probability(i) for i in range(500, 1000))
    assert never == pytest.approx(FLOOR, abs=0.01)
    assert always == pytest.approx(CEILING, abs=0.01)


def test_drift_moves_members_but_stays_within_its_bound() -> None:
    drift = Drift(busy_rate=0.0)  # the walk alone
    latent = LatentGiveBack([0.7] * 300, seed=3, drift=drift)
    start = [latent.probability(i) for i in range(len(latent))]
    for _ in range(365):
        latent.advance_day()
        assert max(abs(d) for d in latent.deviation) <= drift.bound
    moved = [abs(logit(latent.probability(i)) - logit(start[i])) for i in range(len(latent))]
    assert statistics.fmean(moved) > 0.2  # a member improves or fades...
    assert max(moved) <= drift.bound + 1e-9  # ...within reason


def test_a_busy_spell_lowers_the_probability_then_ends() -> None:
    drift = Drift(step_sd=0.0, busy_rate=1.0, busy_days=(3, 3), busy_shift=2.0)
    latent = LatentGiveBack([0.9], seed=4, drift=drift)
    level = latent.probability(0)
    latent.advance_day()
    assert latent.probability(0) == pytest.approx(expit(logit(level) - 2.0))
    assert latent.busy_left[0] == 3


def test_the_same_seed_gives_the_same_truth_and_another_seed_another() -> None:
    def trajectory(seed: int) -> list[float]:
        latent = LatentGiveBack([0.95, 0.8, 0.0, 1.0], seed=seed)
        out = []
        for _ in range(30):
            latent.advance_day()
            out += [latent.probability(i) for i in range(len(latent))]
        return out

    assert trajectory(7) == trajectory(7)
    assert trajectory(7) != trajectory(8)


def test_the_summary_reports_each_group() -> None:
    latent = LatentGiveBack([0.95] * 10 + [0.0] * 10, seed=5)
    latent.advance_day()
    summary = latent.summary({"honest": range(10), "leecher": range(10, 20)})
    assert set(summary) == {"honest", "leecher"}
    assert summary["honest"]["start_mean"] > 0.8
    assert summary["leecher"]["start_mean"] < 0.2
    assert set(summary["honest"]) == {"start_mean", "start_sd", "end_mean", "end_min", "end_max", "busy_now"}
