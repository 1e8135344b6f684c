"""Training the reciprocity model on the exchange's own history, honestly.

The rows are in time order and the split respects it: the model learns on the first 80% of the
tasks (the latest fifth of those only calibrates its probabilities) and is scored on the last
20%, which it never saw, against the baseline every member already has: their own smoothed
success rate (``cold_start``). The calibration is checked, not assumed: the card holds the test
error before and after it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.isotonic import IsotonicRegression

from tgexchange.ml.features import FEATURE_NAMES, Dataset
from tgexchange.ml.reciprocity import ReciprocityModel, cold_start
from tgexchange.ml.reciprocity_metrics import calibration_points, score

ESTIMATORS = ("hgb", "rf", "xgboost")
MIN_ROWS = 200
TRAIN_SHARE = 0.8
CALIBRATION_SHARE = 0.2  # of the training rows: the latest ones, so calibration looks forward too


class NotEnoughHistory(ValueError):
    """Too few finished tasks (or only one kind of outcome) to learn from or to score on."""


@dataclass(frozen=True, slots=True)
class Trained:
    model: ReciprocityModel
    card: dict[str, Any]


def make_classifier(estimator: str, *, seed: int) -> Any:
    """Raises ValueError for an unknown estimator, or when XGBoost is asked for but not installed."""
    if estimator == "hgb":
        # Shallow, slow and with large leaves: outcomes are noisy coin flips, and deep trees
        # learn the noise (on a history with no drift they fell below the members' own records).
        return HistGradientBoostingClassifier(
            max_iter=300,
            learning_rate=0.03,
            max_depth=3,
            min_samples_leaf=100,
            l2_regularization=1.0,
            random_state=seed,
        )
    if estimator == "rf":
        return RandomForestClassifier(n_estimators=150, min_samples_leaf=25, n_jobs=-1, random_state=seed)
    if estimator == "xgboost":
        try:
            from xgboost import XGBClassifier  # type: ignore[import-not-found,unused-ignore]  # an optional extra
        except ImportError as error:
            raise ValueError("XGBoost is not installed: install the 'xgboost' extra (xgboost-cpu)") from error
        return XGBClassifier(n_estimators=200, max_depth=5, learning_rate=0.08, n_jobs=1, random_state=seed)
    raise ValueError(f"unknown estimator {estimator!r}: choose one of {', '.join(ESTIMATORS)}")


def _check(dataset: Dataset, what: str) -> None:
    if len(dataset) == 0 or len(set(dataset.labels.tolist())) < 2:
        raise NotEnoughHistory(f"the {what} rows hold only one kind of outcome ({len(dataset)} rows)")


def train(dataset: Dataset, *, estimator: str = "hgb", seed: int = 7, version: str | None = None) -> Trained:
    """Raises NotEnoughHistory (fewer than MIN_ROWS labelled tasks, or a split with one outcome
    only) or ValueError (an estimator that cannot be built)."""
    if len(dataset) < MIN_ROWS:
        raise NotEnoughHistory(f"{len(dataset)} finished tasks; at least {MIN_ROWS} are needed to learn anything")
    learn, test = dataset.split(TRAIN_SHARE)
    fit, calibrate = learn.split(1 - CALIBRATION_SHARE)
    for part, name in ((fit, "training"), (calibrate, "calibration"), (test, "test")):
        _check(part, name)
    classifier = make_classifier(estimator, seed=seed)
    started = time.perf_counter()
    classifier.fit(fit.features, fit.labels)
    raw_calibrate = np.asarray(classifier.predict_proba(calibrate.features))[:, 1]
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw_calibrate, calibrate.labels)
    training_s = time.perf_counter() - started
    model = ReciprocityModel(
        classifier,
        np.asarray(isotonic.X_thresholds_, dtype=np.float64),
        np.asarray(isotonic.y_thresholds_, dtype=np.float64),
        version=version or datetime.now(UTC).strftime("reciprocity-%Y%m%dT%H%M%SZ"),
    )
    raw_test = np.asarray(classifier.predict_proba(test.features))[:, 1]
    predicted = model.predict_many(test.features)
    baseline = cold_start(test.features)
    model_scores, baseline_scores = score(test.labels, predicted), score(test.labels, baseline)
    card: dict[str, Any] = {
        "version": model.version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "estimator": estimator,
        "features": list(FEATURE_NAMES),
        "samples": {"train": len(fit), "calibration": len(calibrate), "test": len(test)},
        "positive_rate_test": round(float(test.labels.mean()), 4),
        "training_seconds": round(training_s, 2),
        "history_until": test.assigned_at[-1].isoformat() if test.assigned_at else None,
        **model_scores.as_dict(),
        "ece_before_calibration": score(test.labels, raw_test).ece,
        "baseline": baseline_scores.as_dict(),
        "baseline_auc": baseline_scores.roc_auc,
        "baseline_brier": baseline_scores.brier,
        "calibration": calibration_points(test.labels, predicted),
    }
    return Trained(model, card)
