"""ml/trees.py must give the spam model's gradient-boosted trees' probabilities bit for bit: the
quality gate's verdicts (and the simulator's goldens) depend on them."""

from __future__ import annotations

import random
from collections.abc import Iterator

import numpy as np
import pytest
from sklearn import config_context
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # scikit-learn's own dependency

from tests.shipped_arrays import shipped_replicas
from tgexchange.ml import dataset, trees
from tgexchange.ml.artifact import load_fitted_spam_model
from tgexchange.ml.spam_features import hand_features
from tgexchange.ml.spam_model import SpamModel, prepare
from tgexchange.simulation import texts as sim_texts


@pytest.fixture(scope="module")
def model() -> Iterator[SpamModel]:
    # One OpenMP thread, as the gate scores: scikit-learn's trees on two threads take ~20 ms a call
    # of a few rows on a shared machine, and this module calls them ~1,300 times.
    with threadpool_limits(limits=1, user_api="openmp"):
        yield load_fitted_spam_model()


@pytest.fixture(scope="module")
def features() -> np.ndarray:
    return hand_features([prepare(comment.text) for comment in dataset.load_collection()])


def expected(model: SpamModel, rows: np.ndarray) -> np.ndarray:
    return np.asarray(model.feature_model.predict_proba(rows), dtype=np.float64)[:, 1]


def test_the_shipped_model_is_the_shape_replicated(model: SpamModel) -> None:
    # Else every call falls back to predict_proba and the speed-up silently disappears.
    assert trees.BoostedTrees.of(model.feature_model) is not None


def test_the_whole_collection_scores_exactly_as_predict_proba(model: SpamModel, features: np.ndarray) -> None:
    replica = trees.BoostedTrees.of(model.feature_model)
    assert replica is not None
    assert np.array_equal(replica.spam_probability(features), expected(model, features))


def test_every_row_alone_and_in_small_batches_scores_exactly(model: SpamModel, features: np.ndarray) -> None:
    replica = trees.BoostedTrees.of(model.feature_model)
    assert replica is not None
    batches = [features[i : i + 1] for i in range(len(features))]
    batches += [features[i : i + 7] for i in range(0, len(features), 7)]
    differing = [b for b in batches if not np.array_equal(replica.spam_probability(b), expected(model, b))]
    assert differing == []


def test_the_shipped_arrays_score_every_row_exactly(model: SpamModel, features: np.ndarray) -> None:
    _, replica = shipped_replicas()
    assert np.array_equal(replica.spam_probability(features), expected(model, features))
    holed = features.copy()
    for column in range(holed.shape[1]):
        holed[column :: holed.shape[1] + 1, column] = np.nan
    assert np.array_equal(replica.spam_probability(holed), expected(model, holed))
    rows = [features[i : i + 1] for i in range(len(features))]
    assert [r for r in rows if not np.array_equal(replica.spam_probability(r), expected(model, r))] == []


def test_missing_values_take_the_models_side(model: SpamModel, features: np.ndarray) -> None:
    replica = trees.BoostedTrees.of(model.feature_model)
    assert replica is not None
    holed = features.copy()
    for column in range(holed.shape[1]):
        holed[column :: holed.shape[1] + 1, column] = np.nan
    assert np.array_equal(replica.spam_probability(holed), expected(model, holed))


def test_the_simulators_comments_score_as_the_model_inside_the_gates_config(model: SpamModel) -> None:
    rng = random.Random(5)
    comments = [sim_texts.comment(rng, style, None) for style in ("substantive", "padding", "spam") for _ in range(60)]
    prepared = [prepare(text) for text in comments]
    rows = hand_features(prepared)
    with config_context(assume_finite=True, skip_parameter_validation=True):
        want = expected(model, rows)
        # score_prepared averages with the text pipeline: the same average as the model's own.
        words = np.asarray(model.text_pipeline.predict_proba(model_inputs(model, prepared)))[:, 1]
        assert np.array_equal(model.score_prepared(prepared), (words + want) / 2.0)


def model_inputs(model: SpamModel, prepared: list[str]) -> list[str]:
    from tgexchange.ml.spam_model import classifier_input

    return [classifier_input(text, delete_topic_words=model.delete_topic_words) for text in prepared]


def test_a_model_of_another_shape_is_not_replicated() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]] * 10)
    y = np.array([0, 1, 0, 1] * 10)
    assert trees.BoostedTrees.of(LogisticRegression().fit(x, y)) is None
    three = HistGradientBoostingClassifier(max_iter=3).fit(x, np.array([0, 1, 2, 1] * 10))
    assert trees.BoostedTrees.of(three) is None
    categorical = HistGradientBoostingClassifier(max_iter=3, categorical_features=[0]).fit(x, y)
    assert trees.BoostedTrees.of(categorical) is None


def test_a_row_of_the_wrong_width_is_refused(model: SpamModel) -> None:
    replica = trees.BoostedTrees.of(model.feature_model)
    assert replica is not None
    with pytest.raises(ValueError, match="features per row"):
        replica.spam_probability(np.zeros((1, 3)))
