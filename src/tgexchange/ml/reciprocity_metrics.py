"""How good a probability is: ranking (ROC AUC), accuracy of the probabilities themselves (Brier,
log loss, expected calibration error) and the original design's MSE and R², plus the points of a
calibration chart."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import brier_score_loss, log_loss, r2_score, roc_auc_score

CALIBRATION_BINS = 10
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Scores:
    roc_auc: float | None  # None when the labels are all one kind
    brier: float
    log_loss: float
    ece: float
    mse: float
    r2: float

    def as_dict(self) -> dict[str, float | None]:
        return asdict(self)


def expected_calibration_error(
    labels: NDArray[np.int8], probabilities: NDArray[np.float64], bins: int = CALIBRATION_BINS
) -> float:
    """The mean gap between predicted and observed rates over equal-width bins, weighted by how
    many predictions fall in each."""
    if len(labels) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            gap += members.sum() * abs(float(probabilities[members].mean()) - float(labels[members].mean()))
    return gap / len(labels)


def calibration_points(
    labels: NDArray[np.int8], probabilities: NDArray[np.float64], bins: int = CALIBRATION_BINS
) -> list[dict[str, float]]:
    """Per bin with predictions: mean predicted, observed rate, count (a calibration chart)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    points = []
    for b in range(bins):
        members = which == b
        if members.any():
            points.append(
                {
                    "predicted": round(float(probabilities[members].mean()), 4),
                    "observed": round(float(labels[members].mean()), 4),
                    "count": int(members.sum()),
                }
            )
    return points


def score(labels: NDArray[np.int8], probabilities: NDArray[np.float64]) -> Scores:
    clipped = np.clip(probabilities, _EPS, 1 - _EPS)
    both = len(set(labels.tolist())) == 2
    return Scores(
        roc_auc=float(roc_auc_score(labels, probabilities)) if both else None,
        brier=float(brier_score_loss(labels, probabilities)),
        log_loss=float(log_loss(labels, clipped, labels=[0, 1])),
        ece=expected_calibration_error(labels, probabilities),
        mse=float(np.mean((probabilities - labels) ** 2)),
        r2=float(r2_score(labels, probabilities)) if both else 0.0,
    )
