"""The calibration map of the reciprocity model: from the classifier's scores to probabilities,
learnt on rows the classifier did not see, kept as a table of knots the model interpolates
(``ReciprocityModel.thresholds`` → ``values``), so a map of any shape is served and stored alike.

The map served is the mean of two (``MAPS``, ``DEFAULT_MAP``; 2026-12-06): an isotonic map,
which follows any shape but learns each step from the few hundred rows in it, and Platt's
sigmoid of the classifier's log-odds, two numbers learnt from every row but only of that one
shape. On twelve simulated training histories the mean had the lower Brier score on 11 (isotonic
alone: worst test ECE 0.034, the mean 0.030, the sigmoid alone 0.039), and it keeps the
classifier's order of members (the sigmoid only ever goes up), which the steps of isotonic
regression lose: docs/BENCHMARKS.md, docs/DESIGN-NOTES.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from tgexchange.ml.sigmoid import expit

PRIOR_TASKS = 2.0  # pretend tasks at the calibration rows' rate in every isotonic step
MAPS = ("isotonic+sigmoid", "isotonic", "sigmoid")
DEFAULT_MAP = "isotonic+sigmoid"
# Knots of the sigmoid's table, even in log-odds: between two, the straight line the model draws
# is within 1e-4 of the curve (a test says so); beyond the last, the end values hold.
_LOG_ODDS = np.linspace(-12.0, 12.0, 961)
_EPSILON = 1e-9
Table = tuple[NDArray[np.float64], NDArray[np.float64]]


def calibration_map(
    raw: NDArray[np.float64],
    labels: NDArray[np.int8],
    *,
    method: str = DEFAULT_MAP,
    prior_tasks: float = PRIOR_TASKS,
) -> Table:
    """The map ``method`` names (one of ``MAPS``), learnt from ``raw`` scores and their outcomes.
    Raises ValueError for another name."""
    if method == "isotonic":
        return isotonic_map(raw, labels, prior_tasks=prior_tasks)
    if method == "sigmoid":
        return sigmoid_map(raw, labels)
    if method == "isotonic+sigmoid":
        return mean_of(isotonic_map(raw, labels, prior_tasks=prior_tasks), sigmoid_map(raw, labels))
    raise ValueError(f"unknown calibration map {method!r}: choose one of {', '.join(MAPS)}")


def isotonic_map(raw: NDArray[np.float64], labels: NDArray[np.int8], *, prior_tasks: float = PRIOR_TASKS) -> Table:
    """Isotonic regression, each step's rate shrunk toward the rows' own by ``prior_tasks``
    pretend tasks (0: plain isotonic).

    Plain isotonic regression gives a step of a dozen tasks that all failed the probability 0,
    and one that all gave back 1: on a young community's few hundred rows that told matching
    (and the dashboard) a member would never give back. Shrunk, such a step says how little a
    dozen tasks prove; a step of hundreds barely moves (docs/BENCHMARKS.md).
    """
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, labels)
    steps, step_of, counts = np.unique(isotonic.predict(raw), return_inverse=True, return_counts=True)
    positives = np.bincount(step_of, weights=labels.astype(np.float64), minlength=len(steps))
    shrunk = (positives + prior_tasks * float(labels.mean())) / (counts + prior_tasks)
    # Shrinking moves a small step further than a large one, which can reorder neighbours:
    # pool them again, so the map still only goes up.
    monotone = IsotonicRegression().fit_transform(steps, shrunk, sample_weight=counts + prior_tasks)
    knots = np.asarray(isotonic.y_thresholds_, dtype=np.float64)
    step_at_knot = np.clip(np.searchsorted(steps, knots), 0, len(steps) - 1)
    return np.asarray(isotonic.X_thresholds_, dtype=np.float64), np.asarray(monotone, dtype=np.float64)[step_at_knot]


def sigmoid_map(raw: NDArray[np.float64], labels: NDArray[np.int8]) -> Table:
    """Platt scaling: a logistic regression of the outcome on the classifier's log-odds, as a
    table. scikit-learn's default L2 penalty (C = 1) is nothing against thousands of rows and
    keeps a young community's hundred from a cliff. Where the fitted slope is not positive (the
    scores say nothing), every score maps to the rows' own rate."""
    log_odds = np.log(np.clip(raw, _EPSILON, 1 - _EPSILON) / np.clip(1 - raw, _EPSILON, 1.0))
    fitted = LogisticRegression().fit(log_odds.reshape(-1, 1), labels)
    slope, intercept = float(fitted.coef_[0, 0]), float(fitted.intercept_[0])
    knots = expit(_LOG_ODDS)
    if slope <= 0:
        return knots, np.full(len(knots), float(labels.mean()))
    return knots, expit(slope * _LOG_ODDS + intercept)


def mean_of(first: Table, second: Table) -> Table:
    """The mean of two maps, as one table on the knots of both (each is a straight line
    between its own knots, so the mean is one between theirs)."""
    knots = np.union1d(first[0], second[0])
    values = (np.interp(knots, *first) + np.interp(knots, *second)) / 2
    return knots, np.asarray(values, dtype=np.float64)
