"""bench/ml.py's core on a tiny simulation: the reciprocity model trained through the CLI's code and
scored on the same test tasks as the simulator's oracle and the members' own records."""

from __future__ import annotations

import pytest
from bench.ml import evaluate, goals

from tgexchange.adapters.quality import ClassifierQualityGate


@pytest.mark.slow
def test_the_model_is_scored_against_the_oracle_and_the_baseline() -> None:
    result = evaluate(seed=3, members=60, days=8, gate=ClassifierQualityGate())

    for key in ("model_auc", "oracle_auc", "baseline_auc", "brier", "baseline_brier", "ece"):
        assert isinstance(result[key], float), key
    assert result["oracle_auc"] > 0.5  # the latent probabilities say who gives back
    assert 0.0 <= result["ece"] <= 1.0
    assert result["samples"]["test"] > 0
    assert set(goals(result)) == {"auc_vs_oracle", "auc_vs_baseline", "brier_vs_baseline", "ece"}
