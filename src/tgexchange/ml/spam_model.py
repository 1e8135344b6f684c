"""The quality gate's spam classifier at run time: how a text is prepared and scored.

Only what scoring needs lives here (with ``tgexchange.ml.spam_features`` and ``tgexchange.ml.artifact``,
which loads the model): a process that judges feedback imports no training, selection or
evaluation code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.domain.quality import normalize
from tgexchange.ml.spam_features import hand_features, without_others_calls_to_act
from tgexchange.ml.trees import BoostedTrees
from tgexchange.ml.words import WordScores


def prepare(text: str) -> str:
    """The one preprocessing path, for training and for scoring: the domain's ``normalize`` (HTML,
    invisible characters, look-alike letters, runs; the same text the rules read)."""
    return normalize(text)


# Calls to act on an account ("channel", "subscribe", "follow", "share", "check", "visit") are
# deleted from the text half's input unless they name the writer's own account
# (``spam_features.without_others_calls_to_act``, which says why); bench/quality.py
# --compare-topic-words measures what deleting them costs on the collection.


def classifier_input(prepared: str, *, delete_topic_words: bool = True) -> str:
    """What the pipeline reads for a text already passed through ``prepare``: with
    ``delete_topic_words``, calls to act deleted unless they name the writer's own account."""
    return without_others_calls_to_act(prepared) if delete_topic_words else prepared


@dataclass(frozen=True, slots=True)
class SpamModel:
    """Two fitted classifiers whose spam probabilities are averaged, and the threshold at which the
    average means "spam": ``text_pipeline`` (TF-IDF words and characters -> logistic regression)
    reads the words, ``feature_model`` (gradient-boosted trees) reads ``hand_features``."""

    text_pipeline: Any
    feature_model: Any
    threshold: float
    version: str
    delete_topic_words: bool = True
    # Both classifiers' numpy replicas (ml/words.py, ml/trees.py; None where a classifier is of
    # another shape): given when the model was built from its arrays (the fitted estimators are
    # then None), else made from the estimators on first use.
    replicas: tuple[WordScores | None, BoostedTrees | None] | None = field(default=None, repr=False, compare=False)

    @property
    def is_replicated(self) -> bool:
        """Both halves are scored by the numpy replicas (scikit-learn is never called)."""
        words, trees = self._replicas()
        return words is not None and trees is not None

    def _replicas(self) -> tuple[WordScores | None, BoostedTrees | None]:
        replicas = self.replicas
        if replicas is None:
            replicas = (WordScores.of(self.text_pipeline), BoostedTrees.of(self.feature_model))
            object.__setattr__(self, "replicas", replicas)  # a cache: the model itself is unchanged
        return replicas

    def score(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of raw texts, in order, from one batched call per classifier."""
        return self.score_prepared([prepare(text) for text in texts])

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of texts already passed through ``prepare``, in order."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        inputs = [classifier_input(text, delete_topic_words=self.delete_topic_words) for text in texts]
        replicas = self._replicas()
        if replicas[0] is not None:
            words = replicas[0].spam_probability(inputs)  # the same numbers, without the per-call checks
        else:
            words = _spam_column(self.text_pipeline, self.text_pipeline.predict_proba(inputs))
        trees = replicas[1]
        features = hand_features(texts)
        if trees is not None:
            shape = trees.spam_probability(features)  # the same numbers, without the per-call checks
        else:
            shape = _spam_column(self.feature_model, self.feature_model.predict_proba(features))
        mean: NDArray[np.float64] = (words + shape) / 2.0
        return mean


def _spam_column(model: Any, probabilities: Any) -> NDArray[np.float64]:
    column: NDArray[np.float64] = np.asarray(probabilities, dtype=np.float64)[:, list(model.classes_).index(1)]
    return column
