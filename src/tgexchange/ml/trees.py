"""The spam model's gradient-boosted trees scored without scikit-learn's per-call bookkeeping.

``HistGradientBoostingClassifier.predict_proba`` validates its input and then calls each of its
150 trees in turn (a compiled function per tree), adding each tree's leaf value to the running sum:
on the handful of texts the gate judges at a time that is ~0.9 ms a call, nearly all of it fixed
cost. Here every tree is walked at once with numpy (the same test at each node: a missing value
goes where ``missing_go_to_left`` says, else left when the value is ``<=`` the node's threshold),
and the leaf values are added to the baseline one tree after the other in the model's order, in
float64 as scikit-learn adds them, then passed through the sigmoid as its binomial loss does
(scipy's ``expit``, reproduced without scipy in ``ml/sigmoid.py``): the probabilities are
bit-for-bit the same (tests/unit/test_trees.py compares them on the whole
collection). A model of any other shape (categorical splits, several trees per iteration, another
loss) is not replicated: ``BoostedTrees.of`` gives None and the model itself is called.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.ml.sigmoid import expit

# The arrays a replica is made of (``BoostedTrees.arrays``), by name: what ``ml/model_arrays.py``
# writes beside the skops artifact so that scoring never needs scikit-learn.
NODE_ARRAYS = ("value", "feature", "threshold", "missing_left", "is_leaf", "left", "right", "starts")


class BoostedTrees:
    """Every tree's nodes in flat arrays (tree ``t``'s nodes start at ``starts[t]``)."""

    def __init__(self, arrays: dict[str, NDArray[Any]], *, baseline: float, n_features: int) -> None:
        self.value = np.asarray(arrays["value"], dtype=np.float64)
        self.feature = np.asarray(arrays["feature"], dtype=np.intp)
        self.threshold = np.asarray(arrays["threshold"], dtype=np.float64)
        self.missing_left = np.asarray(arrays["missing_left"], dtype=bool)
        self.is_leaf = np.asarray(arrays["is_leaf"], dtype=bool)
        self.left = np.asarray(arrays["left"], dtype=np.intp)
        self.right = np.asarray(arrays["right"], dtype=np.intp)
        self.starts = np.asarray(arrays["starts"], dtype=np.intp)
        nodes = len(self.value)
        # Every index is followed or read by the walk below (a leaf's too, harmlessly): all in range.
        if not (
            all(len(getattr(self, name)) == nodes for name in NODE_ARRAYS[:-1])
            and len(self.starts) > 0
            and ((self.starts >= 0) & (self.starts < nodes)).all()
            and ((self.left >= 0) & (self.left < nodes)).all()
            and ((self.right >= 0) & (self.right < nodes)).all()
            and ((self.feature >= 0) & (self.feature < n_features)).all()
        ):
            raise ValueError("the trees' arrays do not describe trees of this many nodes and features")
        self.baseline = baseline
        self.n_features = n_features
        self.depth = _depth(self.starts, self.left, self.right, self.is_leaf)

    @property
    def arrays(self) -> dict[str, NDArray[Any]]:
        """What the replica is made of, to be written and read back (``BoostedTrees(arrays, ...)``)."""
        return {name: getattr(self, name) for name in NODE_ARRAYS}

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
        if not replicable:
            return None
        nodes_of_trees = [iteration[0].nodes for iteration in model._predictors]
        sizes = [len(nodes) for nodes in nodes_of_trees]
        starts = np.cumsum([0, *sizes[:-1]]).astype(np.intp)
        nodes = np.concatenate(nodes_of_trees)
        offsets = np.repeat(starts, sizes)
        arrays = {
            "value": nodes["value"],
            "feature": nodes["feature_idx"],
            "threshold": nodes["num_threshold"],
            "missing_left": nodes["missing_go_to_left"],
            "is_leaf": nodes["is_leaf"],
            # A leaf's children are 0 in scikit-learn's nodes; offset like the others, never followed.
            "left": nodes["left"].astype(np.intp) + offsets,
            "right": nodes["right"].astype(np.intp) + offsets,
            "starts": starts,
        }
        return cls(
            arrays, baseline=float(model._baseline_prediction.reshape(-1)[0]), n_features=int(model.n_features_in_)
        )

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
        return expit(raw.tolist())


def _depth(starts: NDArray[np.intp], left: NDArray[np.intp], right: NDArray[np.intp], leaf: NDArray[np.bool_]) -> int:
    """How many steps the deepest leaf is from its root (the walk above takes that many); a
    cycle or more steps than there are nodes is refused."""
    depth = 0
    at = starts
    while not leaf[at].all():
        inner = at[~leaf[at]]
        at = np.concatenate([left[inner], right[inner]])
        depth += 1
        if depth > len(leaf):
            raise ValueError("the trees' arrays hold a cycle")
    return depth
