"""ml/words.py must give the spam model's text pipeline probabilities bit for bit: the quality
gate's verdicts (and the simulator's goldens) depend on them."""

from __future__ import annotations

import random

import numpy as np
import pytest
from sklearn import config_context
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from tests.shipped_arrays import shipped_replicas
from tgexchange.ml import dataset, words
from tgexchange.ml.artifact import load_fitted_spam_model
from tgexchange.ml.spam_model import SpamModel, classifier_input, prepare
from tgexchange.simulation import texts as sim_texts

ODD = ["", "   ", "zzzz qqqq", "ñandú 🙂 güey", "a " * 400, "http://x.y/z?q=1", "CHECK OUT MY VIDEO!!!"]


@pytest.fixture(scope="module")
def model() -> SpamModel:
    return load_fitted_spam_model()


@pytest.fixture(scope="module")
def inputs(model: SpamModel) -> list[str]:
    return [
        classifier_input(prepare(c.text), delete_topic_words=model.delete_topic_words)
        for c in dataset.load_collection()
    ]


def expected(model: SpamModel, batch: list[str]) -> np.ndarray:
    return np.asarray(model.text_pipeline.predict_proba(batch), dtype=np.float64)[:, 1]


def replica(model: SpamModel) -> words.WordScores:
    found = words.WordScores.of(model.text_pipeline)
    # Else every call falls back to predict_proba and the speed-up silently disappears.
    assert found is not None
    return found


def test_the_whole_collection_scores_exactly_as_predict_proba(model: SpamModel, inputs: list[str]) -> None:
    assert np.array_equal(replica(model).spam_probability(inputs), expected(model, inputs))


def test_every_text_alone_and_in_small_batches_scores_exactly(model: SpamModel, inputs: list[str]) -> None:
    scores = replica(model)
    batches = [[text] for text in inputs + ODD] + [inputs[i : i + 7] for i in range(0, len(inputs), 7)]
    differing = [b for b in batches if not np.array_equal(scores.spam_probability(b), expected(model, b))]
    assert differing == []


def test_the_shipped_arrays_score_the_collection_alone_and_in_batches_exactly(
    model: SpamModel, inputs: list[str]
) -> None:
    scores, _ = shipped_replicas()
    assert np.array_equal(scores.spam_probability(inputs), expected(model, inputs))
    batches = [[text] for text in inputs + ODD] + [inputs[i : i + 7] for i in range(0, len(inputs), 7)]
    assert [b for b in batches if not np.array_equal(scores.spam_probability(b), expected(model, b))] == []


def test_the_simulators_comments_score_exactly_inside_the_gates_config(model: SpamModel) -> None:
    rng = random.Random(5)
    comments = [sim_texts.comment(rng, style, None) for style in ("substantive", "padding", "spam") for _ in range(60)]
    batch = [classifier_input(prepare(text)) for text in comments]
    with config_context(assume_finite=True, skip_parameter_validation=True):
        assert np.array_equal(replica(model).spam_probability(batch), expected(model, batch))


def test_a_pipeline_of_another_shape_is_not_replicated() -> None:
    texts, labels = ["good video", "buy now cheap", "nice edit", "click my link"] * 3, [0, 1, 0, 1] * 3

    def fitted(*vectorizers: TfidfVectorizer) -> Pipeline:
        union = FeatureUnion([(f"v{i}", v) for i, v in enumerate(vectorizers)])
        return Pipeline([("features", union), ("classifier", LogisticRegression())]).fit(texts, labels)

    assert words.WordScores.of(fitted(TfidfVectorizer(sublinear_tf=True))) is not None
    assert words.WordScores.of(fitted(TfidfVectorizer())) is None  # not sublinear
    assert words.WordScores.of(fitted(TfidfVectorizer(sublinear_tf=True, norm="l1"))) is None
    assert words.WordScores.of(fitted(TfidfVectorizer(sublinear_tf=True, binary=True))) is None
    assert words.WordScores.of(LogisticRegression()) is None
