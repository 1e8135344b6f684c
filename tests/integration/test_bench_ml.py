"""bench/ml.py's core on a tiny simulation: the reciprocity model trained through the CLI's code and
scored on the same test tasks as the simulator's oracle and the members' own records."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

import numpy as np
import pytest
from bench.ml import chance_ece, effect, effect_directions, effect_groups, effect_summary, evaluate, goals
from bench.ml_forward import forward_check, forward_section
from bench.ml_young import young_check, young_section

from tests.reciprocity_history import START
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.domain import matching
from tgexchange.domain.content import Platform
from tgexchange.ml.features import FEATURE_NAMES, Dataset


@pytest.mark.slow
def test_the_model_is_scored_against_the_oracle_and_the_baseline() -> None:
    result = evaluate(seed=3, members=60, days=8, gate=ClassifierQualityGate())

    for key in (
        "model_auc",
        "oracle_auc",
        "baseline_auc",
        "brier",
        "baseline_brier",
        "ece",
        "oracle_ece",
        "chance_ece",
    ):
        assert isinstance(result[key], float), key
    assert result["oracle_auc"] > 0.5  # the latent probabilities say who gives back
    assert 0.0 <= result["ece"] <= 1.0
    assert result["samples"]["test"] > 0
    assert set(goals(result)) == {"auc_vs_oracle", "auc_vs_baseline", "brier_vs_baseline", "ece"}
    assert isinstance(result["young"], dict)  # empty: this history is shorter than the smallest size
    forward = result["forward"]
    assert 0 < forward["trained_on"] < result["samples"]["train"] + result["samples"]["calibration"] + 1
    for model in ("holdout", "served"):
        assert isinstance(forward[model]["brier"], float), model


def _dataset(rows: int) -> Dataset:
    rng = np.random.default_rng(4)
    features = rng.random((rows, len(FEATURE_NAMES)))
    labels = (rng.random(rows) < np.where(features[:, 0] > 0.5, 0.8, 0.2)).astype(np.int8)
    times = [START + timedelta(minutes=i) for i in range(rows)]
    return Dataset(features, labels, times, np.arange(rows) % 40, features[:, 0].copy(), np.arange(rows))


def test_the_forward_check_trains_on_what_was_known_at_the_cut_and_scores_what_came_after() -> None:
    dataset = _dataset(3000)
    # Every tenth task's outcome was known only a day later: those given just before the cut
    # could not be learnt from.
    decided = {
        int(task): at + timedelta(days=1 if task % 10 == 0 else 0, minutes=30)
        for task, at in zip(dataset.task_ids, dataset.assigned_at, strict=True)
    }
    labels = dict(zip(dataset.task_ids.tolist(), dataset.labels.tolist(), strict=True))

    check = forward_check(dataset, decided, lambda ids: np.asarray([labels[int(i)] for i in ids], dtype=float))

    moment = dataset.assigned_at[2400]
    assert check["scored_on"] == 600
    assert check["trained_on"] == sum(1 for t in range(2400) if decided[t] <= moment)
    assert check["trained_on"] < 2400 - 100  # the open ones were left out
    assert check["oracle_auc"] == 1.0  # the oracle given is the one scored
    assert check["served"]["roc_auc"] > 0.7
    lines = forward_section([{"seed": 9, "forward": check}, {"seed": 3}])
    rows = [line for line in lines if line.startswith(("| 9 |", "| 3 |"))]
    assert len(rows) == 1  # runs saved before the check are left out
    assert rows[0].startswith(f"| 9 | {check['trained_on']} | 600 | ")
    assert "over 1 seeds" in lines[-2]


def test_chance_ece_is_what_a_calibrated_model_shows_on_that_many_tasks() -> None:
    points = [{"predicted": 0.2, "observed": 0.0, "count": 300}, {"predicted": 0.7, "observed": 0.0, "count": 100}]
    # Labels drawn from the predictions themselves: calibrated by construction.
    rng = np.random.default_rng(5)
    drawn = [
        (300 * abs(rng.binomial(300, 0.2) / 300 - 0.2) + 100 * abs(rng.binomial(100, 0.7) / 100 - 0.7)) / 400
        for _ in range(4000)
    ]
    assert chance_ece(points) == pytest.approx(float(np.mean(drawn)), rel=0.05)
    assert chance_ece([{"predicted": 0.5, "observed": 0.5, "count": 100}]) == pytest.approx(0.0399, abs=1e-4)
    assert chance_ece([]) == 0.0


def _arm(honest: float, unreliable: float, mean_wait: float | None, verified: int = 100) -> dict[str, object]:
    return {
        "honest_share": honest,
        "unreliable_share": unreliable,
        "reliable_first_feedback_mean_h": mean_wait,
        "share_received": {"honest": honest, "leecher": unreliable, "slow": 1 - honest - unreliable},
        "verified": verified,
    }


def test_the_effect_summary_counts_each_direction_per_community_and_horizon() -> None:
    effects = [
        # Every direction holds.
        {"seed": 1, "days": 10, "off": _arm(0.50, 0.10, 6.0), "on": _arm(0.55, 0.08, 5.0, verified=120)},
        # Honest share down, the rest holds.
        {"seed": 2, "days": 10, "off": _arm(0.50, 0.10, 6.0), "on": _arm(0.49, 0.09, 5.5)},
        # A longer horizon is summed apart; nobody got feedback with the model on: not sooner.
        {"seed": 1, "days": 30, "off": _arm(0.60, 0.05, 5.0), "on": _arm(0.60, 0.05, None)},
        # On three platforms, a community of its own, after the YouTube-only one.
        {
            "seed": 1,
            "days": 10,
            "platforms": ["youtube", "tiktok", "instagram"],
            "off": _arm(0.5, 0.1, 6.0),
            "on": _arm(0.6, 0.05, 5.0),
        },
        # Where requests outnumber givers, summed apart too, listed after the community as simulated.
        {
            "seed": 1,
            "days": 10,
            "demand": "scarce",
            "off": _arm(0.4, 0.2, 9.0) | {"reliable_first_feedback_restricted_mean_h": 50.0},
            "on": _arm(0.5, 0.1, 8.0) | {"reliable_first_feedback_restricted_mean_h": 45.0},
        },
        # The same community with fair play on is a community of its own, after it.
        {
            "seed": 1,
            "days": 10,
            "demand": "scarce",
            "fair_play": True,
            "off": _arm(0.4, 0.2, 9.0),
            "on": _arm(0.3, 0.3, 9.5),
        },
        # The model's order without the hold (--no-hold) is a group of its own, after the held one.
        {
            "seed": 1,
            "days": 10,
            "demand": "scarce",
            "hold": False,
            "off": _arm(0.4, 0.2, 9.0),
            "on": _arm(0.45, 0.19, 9.5),
        },
    ]
    assert effect_directions(effects[0]) == {"honest_up": True, "unreliable_down": True, "first_feedback_sooner": True}
    assert effect_directions(effects[1])["honest_up"] is False
    assert effect_directions(effects[2]) == {
        "honest_up": False,
        "unreliable_down": False,
        "first_feedback_sooner": False,
    }
    groups = effect_groups(effects)
    assert [(label, len(runs)) for label, runs in groups] == [
        ("As simulated, 10 days", 2),
        ("As simulated, 30 days", 1),
        ("As simulated, on youtube + tiktok + instagram, 10 days", 1),
        ("Requests outnumber givers, 10 days", 1),
        ("Requests outnumber givers, without the hold, 10 days", 1),
        ("Requests outnumber givers, fair play on, 10 days", 1),
    ]
    summaries = [effect_summary(label, runs) for label, runs in groups]
    (ten, ten_received), (thirty, _), (everywhere, _), (scarce, counting_all, _), (unheld, _), (fair, _) = summaries
    # Each mean change with its standard error over the seeds (changes +0.05 and -0.01: SE 0.03).
    assert ten.startswith("As simulated, 10 days, 2 seeds: honest share up on 1 (mean +0.0200 ± 0.0300)")
    assert "leechers + spammers down on 2 (mean -0.0150 ± 0.0050)" in ten
    assert "sooner (mean hours) on 2 (mean -0.75 ± 0.25 h); all three on 1." in ten
    assert thirty.startswith("As simulated, 30 days, 1 seeds: honest share up on 0 (mean +0.0000)")  # no spread
    assert thirty.endswith("all three on 0.")
    assert scarce.startswith("Requests outnumber givers, 10 days, 1 seeds: honest share up on 1 (mean +0.1000)")
    assert scarce.endswith("all three on 1.")
    # Runs that read the restricted mean (every submission counted) add a line of their own.
    assert counting_all.startswith("Counting every reliable submission (Requests outnumber givers, 10 days;")
    assert counting_all.endswith("the wait shorter on 1 of 1 (mean -5.00 h); with the two shares, all three on 1.")
    assert everywhere.endswith("on 1 (mean -1.00 h); all three on 1.")
    assert unheld.endswith("sooner (mean hours) on 0 (mean +0.50 h); all three on 0.")
    assert fair.startswith("Requests outnumber givers, fair play on, 10 days, 1 seeds: honest share up on 0")
    assert fair.endswith("all three on 0.")
    # What each profile received, not its share: seed 1 verified 20 more in all with the model on, so
    # honest members received 66 against 50 while their share rose by 0.05 only; seed 2 49 against 50.
    assert ten_received.startswith("Received, not shared (As simulated, 10 days;")
    assert "honest +7.5 ± 8.5, leecher -0.7 ± 0.3, slow +3.2 ± 1.2; all verified feedback +10.0 ± 10.0." in ten_received
    # Leechers' share fell by 0.02 and 0.01: on seed 1 by 9.6 against 10 received (-0.0033 of 120) and
    # by 20 more verified in all (10 of 120 against 10 of 100: -0.0167); on seed 2 by what they received.
    assert ten_received.endswith(
        "Leechers' and spammers' share moved by -0.0067 ± 0.0033 for what they received and -0.0083 ± 0.0083"
        " for what all received."
    )
    # Runs saved before shares per profile were kept add no such line.
    bare = {"seed": 3, "days": 10, "off": _arm(0.5, 0.1, 6.0), "on": _arm(0.5, 0.1, 6.0)}
    del bare["on"]["share_received"]  # type: ignore[attr-defined]
    assert len(effect_summary("As simulated, 10 days", [bare])) == 1


def test_the_young_check_trains_on_the_first_tasks_with_both_calibration_maps() -> None:
    dataset = _dataset(3000)

    check = young_check(dataset, sizes=(400, 5000))

    assert list(check) == ["400"]  # a size beyond the history is left out
    isotonic, mean = check["400"]["isotonic"], check["400"]["isotonic+sigmoid"]
    for run in (isotonic, mean):
        assert {"brier", "ece", "log_loss", "extreme", "promoted"} <= set(run)
        assert run["log_loss"] < 1.0
    assert isotonic != mean  # two maps, two models' numbers
    assert mean["extreme"] <= isotonic["extreme"]
    # A run saved before the check, and one saved when it compared plain and shrunk isotonic
    # maps, are left out.
    before = {"400": {"plain": isotonic, "shrunk": isotonic, "baseline_brier": 0.25}}
    lines = young_section([{"seed": 1, "young": check}, {"seed": 2}, {"seed": 3, "young": before}])
    rows = [line for line in lines if line.startswith("| 400 |")]
    assert len(rows) == 1
    assert rows[0].startswith("| 400 | 1 | ")
    assert f"| {isotonic['log_loss']:.3f} → {mean['log_loss']:.3f} |" in rows[0]


@pytest.mark.slow
def test_without_the_hold_no_giver_asks_as_one_from_whom_anything_is_held() -> None:
    held: list[bool] = []  # per giver asking for a task: was anything held from them?
    asking = matching.Giver.asking

    def spy(member_id: int, platforms: frozenset[Platform], *, now: datetime, hold: bool) -> matching.Giver:
        giver = asking(member_id, platforms, now=now, hold=hold)
        held.append(giver.holds_made_after is not None)
        return giver

    with mock.patch.object(matching.Giver, "asking", staticmethod(spy)):
        # Fair play off, as the hold was measured first: more verified feedback in 4 days, so
        # there are scores to hold by.
        assert effect(seed=3, members=60, days=4, fair_play=False)["hold"] is True
        # Matching by reciprocity holds in the "on" arm only.
        assert any(held)
        assert not all(held)
        held.clear()
        assert effect(seed=3, members=60, days=4, fair_play=False, hold=False)["hold"] is False
        assert held
        assert not any(held)
    assert matching.Giver.asking == asking
