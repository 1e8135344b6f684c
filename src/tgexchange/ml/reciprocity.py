"""The reciprocity model at run time: the probability that a member's task ends in verified
feedback, with a confidence, from the features of ``ml/features.py``.

``ReciprocityModel`` is a fitted classifier (gradient boosting by default) followed by a
calibration map learnt on held-out data, so that "0.7" means seven in ten. Without a model, or
for a member with too little history to say much, ``cold_start`` answers with the member's own
record under a Beta prior: what matching used before the model, so nothing gets worse. Run-time
code: it imports no training module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from tgexchange.ml.features import FEATURE_NAMES

_RELIABILITY = FEATURE_NAMES.index("reliability")
_HISTORY = FEATURE_NAMES.index("history")
# Judged tasks at which a member's own record is trusted fully; below it the confidence shrinks.
FULL_CONFIDENCE_TASKS = 20


class Classifier(Protocol):
    def predict_proba(self, features: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Prediction:
    probability: float
    confidence: float  # in [0, 1]: how much history, and how far from a coin toss


def history_confidence(features: NDArray[np.float64]) -> NDArray[np.float64]:
    """How much of the member's record stands behind each row: 0 for a newcomer, 1 from
    ``FULL_CONFIDENCE_TASKS`` judged tasks on (``history`` is log(1 + judged))."""
    judged = np.expm1(features[:, _HISTORY])
    return np.clip(judged / FULL_CONFIDENCE_TASKS, 0.0, 1.0)


def cold_start(features: NDArray[np.float64]) -> NDArray[np.float64]:
    """The member's Beta(1, 1)-smoothed success rate: the fallback, and the baseline to beat."""
    return features[:, _RELIABILITY].copy()


@dataclass
class ReciprocityModel:
    """A fitted classifier and the calibration map of its scores (``thresholds`` → ``values``, a
    table of knots learnt on data the classifier did not see: ml/reciprocity_calibration.py)."""

    classifier: Classifier
    thresholds: NDArray[np.float64]
    values: NDArray[np.float64]
    version: str = "unversioned"

    def predict_many(self, features: NDArray[np.float64]) -> NDArray[np.float64]:
        if len(features) == 0:
            return np.zeros(0)
        raw = np.asarray(self.classifier.predict_proba(features), dtype=np.float64)[:, 1]
        calibrated: NDArray[np.float64] = np.clip(np.interp(raw, self.thresholds, self.values), 0.0, 1.0)
        return calibrated

    def predict(self, features: Any) -> Prediction:
        row = np.asarray(features, dtype=np.float64).reshape(1, len(FEATURE_NAMES))
        probability = float(self.predict_many(row)[0])
        return Prediction(probability, float(confidence_of(row, np.asarray([probability]))[0]))


def confidence_of(features: NDArray[np.float64], probabilities: NDArray[np.float64]) -> NDArray[np.float64]:
    """Confidence grows with the member's history and with how decided the probability is."""
    decidedness = np.abs(probabilities - 0.5) * 2
    return np.clip(0.5 * history_confidence(features) + 0.5 * decidedness, 0.0, 1.0)


def predict_or_fall_back(model: ReciprocityModel | None, features: NDArray[np.float64]) -> NDArray[np.float64]:
    """The model's probabilities, or the cold-start ones when there is no (trusted) model."""
    return cold_start(features) if model is None else model.predict_many(features)
