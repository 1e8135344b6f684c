"""The spam model's gradient-boosted trees scored without scikit-learn's per-call bookkeeping.

``HistGradientBoostingClassifier.predict_proba`` validates its input and then calls each of its
150 trees in turn (a compiled function per tree), adding each tree's leaf value to the running sum:
on the handful of texts the gate judges at a time that is ~0.9 ms a call, nearly all of it fixed
cost. Here every tree is walked at once with numpy (the same test at each node: a missing value
goes where ``missing_go_to_left`` says, else left when the value is ``<=`` the node's threshold),
and the leaf values are added to the baseline one tree after the other in the model's order, in
float64 as scikit-learn adds them, then passed through scipy's ``expit`` as its binomial loss does:
the probabilities are bit-for-bit the same (tests/unit/test_trees.py compares them on the whole
collection). A model of any other shape (categorical splits, several trees per iteration, another
loss) is not replicated: ``BoostedTrees.of`` gives None and the model itself is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit  # type: ignore[import-untyped]  # scikit-learn's own dependency, its sigmoid


class BoostedTrees:
    """Every tree's nodes in flat arrays (tree ``t``'s nodes start at ``starts[t]``)."""

    def __init__(self, model: Any) -> None:
        trees = [iteration[0].nodes for iteration in model._predictors]
        sizes = [len(nodes) for nodes in trees]
        self.starts = np.cumsum([0, *sizes[:-1]]).astype(np.intp)
        nodes = np.concatenate(trees)
        offsets = np.repeat(self.starts, sizes)
        self.value = nodes["value"].astype(np.float64)
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.is_leaf = nodes["is_leaf"].astype(bool)
        self.left = nodes["left"].astype(np.intp) + offsets
        self.right = nodes["right"].astype(np.intp) + offsets
        self.depth = int(nodes["depth"].max())
        self.baseline = float(model._baseline_prediction.reshape(-1)[0])
        self.n_features = int(model.n_features_in_)

    @classmethod
    def of(cls, model: Any) -> BoostedTrees | None:
        """The replica of a binary ``HistGradientBoostingClassifier`` with numeric splits only and
        no preprocessing, or None for any other model."""
        try:
            replicable = (
                type(model).__name__ == "HistGradientBoostingClassifier"
                and type(model._loss).__name__ == "HalfBinomialLoss"
                and model.n_trees_per_iteration_ == 1
                and list(model.classes_) == [0, 1]
                and model._preprocessor is None
                and model._baseline_prediction.shape == (1, 1)
                and bool(model._predictors)
                and all(len(iteration) == 1 for iteration in model._predictors)
                and not any(iteration[0].nodes["is_categorical"].any() for iteration in model._predictors)
            )
        except AttributeError:
            return None
        return cls(model) if replicable else None

    def spam_probability(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        """``predict_proba(features)[:, 1]`` of the model this replicates."""
        rows = np.asarray(features, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} features per row, got shape {rows.shape}")
        at = np.broadcast_to(self.starts, (rows.shape[0], len(self.starts))).copy()
        row_index = np.arange(rows.shape[0])[:, None]
        for _ in range(self.depth):
            data = rows[row_index, self.feature[at]]
            go_left = np.where(np.isnan(data), self.missing_left[at], data <= self.threshold[at])
            at = np.where(self.is_leaf[at], at, np.where(go_left, self.left[at], self.right[at]))
        leaves = self.value[at]
        raw = np.empty(rows.shape[0], dtype=np.float64)
        for i, values in enumerate(leaves.tolist()):
            # As _raw_predict: zeros, plus the baseline, plus each tree's value in turn (Python's
            # float addition is the same IEEE double addition as numpy's).
            total = 0.0
            total += self.baseline
            for value in values:
                total += value
            raw[i] = total
        probability: NDArray[np.float64] = expit(raw)
        return probability
