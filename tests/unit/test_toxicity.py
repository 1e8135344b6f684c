"""ml/toxicity.py must give alt-profanity-check's probabilities bit for bit: the quality gate's
verdicts (and the simulator's goldens) depend on them."""

from __future__ import annotations

import numpy as np
import pytest
from profanity_check import predict_prob
from profanity_check import profanity_check as packaged
from sklearn import config_context
from sklearn.linear_model import LogisticRegression

from tgexchange.ml import dataset, model_arrays, toxicity
from tgexchange.simulation import texts as sim_texts

ODD = ["", "   ", "FUCK this", "you are an idiot!!!", "ñandú 🙂 güey", "a " * 400, "http://x.y/z?q=1"]


@pytest.fixture(scope="module")
def collection() -> list[str]:
    return [comment.text for comment in dataset.load_collection()]


def expected(batch: list[str]) -> np.ndarray:
    return np.asarray(predict_prob(batch), dtype=np.float64)


def test_the_packaged_model_is_the_shape_replicated() -> None:
    # Else every call falls back to predict_prob and the speed-up silently disappears.
    replica = toxicity.packaged_scores()
    assert replica is not None
    assert len(replica.terms) == len(packaged.model.calibrated_classifiers_)


def test_the_gate_scores_with_the_arrays_made_from_the_installed_package() -> None:
    # Else the gate imports profanity-check and scikit-learn at start-up (~1 s).
    from_arrays = model_arrays.load_toxicity()
    assert from_arrays is not None
    assert toxicity.scorer() is not None


def test_the_arrays_score_the_collection_alone_and_in_batches_exactly_as_predict_prob(collection: list[str]) -> None:
    from_arrays = model_arrays.load_toxicity()
    assert from_arrays is not None
    assert np.array_equal(from_arrays.probability(collection), expected(collection))
    batches = [[text] for text in collection + ODD] + [collection[i : i + 7] for i in range(0, len(collection), 7)]
    assert [b for b in batches if not np.array_equal(from_arrays.probability(b), expected(b))] == []


def test_the_whole_collection_scores_exactly_as_predict_prob(collection: list[str]) -> None:
    assert np.array_equal(toxicity.toxicity(collection), expected(collection))


def test_every_text_alone_and_in_small_batches_scores_exactly_as_predict_prob(collection: list[str]) -> None:
    batches = [[text] for text in collection + ODD] + [collection[i : i + 7] for i in range(0, len(collection), 7)]
    differing = [batch for batch in batches if not np.array_equal(toxicity.toxicity(batch), expected(batch))]
    assert differing == []


def test_the_simulators_comments_score_exactly_as_predict_prob_inside_the_gates_config() -> None:
    import random

    rng = random.Random(5)
    comments = [sim_texts.comment(rng, style, None) for style in ("substantive", "padding", "spam") for _ in range(60)]
    with config_context(assume_finite=True, skip_parameter_validation=True):
        assert np.array_equal(toxicity.toxicity(comments), expected(comments))


def test_a_model_of_another_shape_is_not_replicated() -> None:
    other = LogisticRegression().fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    assert toxicity.ProfanityScores.of(packaged.vectorizer, other) is None
    assert toxicity.ProfanityScores.of(packaged.vectorizer, packaged.vectorizer) is None
    assert toxicity.ProfanityScores.of(other, packaged.model) is None
