"""The shipped spam model as the gate loads it: from its arrays (.npz), never from skops."""

from __future__ import annotations

from tgexchange.ml.artifact import load_spam_model
from tgexchange.ml.trees import BoostedTrees
from tgexchange.ml.words import WordScores


def shipped_replicas() -> tuple[WordScores, BoostedTrees]:
    """Both numpy replicas of the shipped model, checked to come from the arrays."""
    from_arrays = load_spam_model()
    assert from_arrays.text_pipeline is None  # built from the .npz, not from skops
    assert from_arrays.feature_model is None
    assert from_arrays.replicas is not None
    words, trees = from_arrays.replicas
    assert words is not None
    assert trees is not None
    return words, trees
