"""Training the reciprocity model on the exchange's own history, honestly.

The rows are in time order and the split respects it: the model learns on the first 80% of the
tasks (the latest fifth of those only calibrates its probabilities) and is scored on the last
20%, which it never saw, against the baseline every member already has: their own smoothed
success rate (``cold_start``). The calibration is checked, not assumed: the card holds the test
error before and after it.

That scored model (the *holdout* model) never learns from the newest fifth of the history. The
model served is the same recipe run again on every row (fitted on the first 80%, calibrated on
the newest 20%), so that what members are matched by follows the community's latest tasks; the
card's scores are the recipe's, measured by the holdout model, which also stands for its version
when a later model is compared with it (it never saw that model's test rows). On tasks given
after training, the refitted model's Brier score was the lower on most simulated seeds
(docs/BENCHMARKS.md, "forward check").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

from tgexchange.ml.features import FEATURE_NAMES, Dataset
from tgexchange.ml.reciprocity import ReciprocityModel, cold_start
from tgexchange.ml.reciprocity_calibration import DEFAULT_MAP, PRIOR_TASKS, calibration_map
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
    """What is served: the recipe fitted and calibrated on every row."""
    card: dict[str, Any]
    holdout: ReciprocityModel
    """What the card scores: the recipe on the first 80% of the rows, never shown the rest."""


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


def _fit(
    rows: Dataset, *, estimator: str, seed: int, version: str, calibration: str, prior_tasks: float
) -> ReciprocityModel:
    """The recipe: the classifier fitted on the older rows, its probabilities calibrated
    (ml/reciprocity_calibration.py) on the newest ``CALIBRATION_SHARE`` of them."""
    fit, calibrate = rows.split(1 - CALIBRATION_SHARE)
    for part, name in ((fit, "training"), (calibrate, "calibration")):
        _check(part, name)
    classifier = make_classifier(estimator, seed=seed)
    classifier.fit(fit.features, fit.labels)
    raw_calibrate = np.asarray(classifier.predict_proba(calibrate.features), dtype=np.float64)[:, 1]
    thresholds, values = calibration_map(raw_calibrate, calibrate.labels, method=calibration, prior_tasks=prior_tasks)
    return ReciprocityModel(classifier, thresholds, values, version=version)


def train(
    dataset: Dataset,
    *,
    estimator: str = "hgb",
    seed: int = 7,
    version: str | None = None,
    calibration: str = DEFAULT_MAP,
    prior_tasks: float = PRIOR_TASKS,
) -> Trained:
    """Raises NotEnoughHistory (fewer than MIN_ROWS labelled tasks, or a split with one outcome
    only) or ValueError (an estimator or a calibration map that cannot be built).
    ``calibration``, ``prior_tasks``: see ml/reciprocity_calibration.py (the bench compares the
    maps)."""
    if len(dataset) < MIN_ROWS:
        raise NotEnoughHistory(f"{len(dataset)} finished tasks; at least {MIN_ROWS} are needed to learn anything")
    learn, test = dataset.split(TRAIN_SHARE)
    _check(test, "test")
    version = version or datetime.now(UTC).strftime("reciprocity-%Y%m%dT%H%M%SZ")
    started = time.perf_counter()
    holdout = _fit(
        learn, estimator=estimator, seed=seed, version=version, calibration=calibration, prior_tasks=prior_tasks
    )
    training_s = time.perf_counter() - started
    started = time.perf_counter()
    served = _fit(
        dataset, estimator=estimator, seed=seed, version=version, calibration=calibration, prior_tasks=prior_tasks
    )
    serving_s = time.perf_counter() - started
    raw_test = np.asarray(holdout.classifier.predict_proba(test.features))[:, 1]
    predicted = holdout.predict_many(test.features)
    baseline = cold_start(test.features)
    model_scores, baseline_scores = score(test.labels, predicted), score(test.labels, baseline)
    fit, calibrate = learn.split(1 - CALIBRATION_SHARE)
    served_fit = int(len(dataset) * (1 - CALIBRATION_SHARE))
    card: dict[str, Any] = {
        "version": version,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "estimator": estimator,
        "features": list(FEATURE_NAMES),
        "samples": {"train": len(fit), "calibration": len(calibrate), "test": len(test)},
        "positive_rate_test": round(float(test.labels.mean()), 4),
        "training_seconds": round(training_s, 2),
        "history_until": test.assigned_at[-1].isoformat() if test.assigned_at else None,
        "served": {
            "note": "the same recipe on every row; the scores here are the holdout model's, on rows it never saw",
            "train": served_fit,
            "calibration": len(dataset) - served_fit,
            "training_seconds": round(serving_s, 2),
        },
        **model_scores.as_dict(),
        "ece_before_calibration": score(test.labels, raw_test).ece,
        "calibration_map": calibration,
        "calibration_prior_tasks": prior_tasks,
        "baseline": baseline_scores.as_dict(),
        "baseline_auc": baseline_scores.roc_auc,
        "baseline_brier": baseline_scores.brier,
        "calibration": calibration_points(test.labels, predicted),
    }
    return Trained(served, card, holdout)
