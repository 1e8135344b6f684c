"""alt-profanity-check's probability, computed from its own fitted model with the same arithmetic
as ``profanity_check.predict_prob`` and without scikit-learn's per-call bookkeeping.

The packaged model is a ``CalibratedClassifierCV`` (sigmoid) over five ``LinearSVC``. For each
call ``predict_prob`` spends most of its time not scoring but re-deriving what never changes:
each of the five calibrated classifiers fits a ``LabelEncoder`` on the classes, infers the target
type of its decision values and checks the input again. On the handful of texts the gate judges
at a time that is ~3 ms of the ~4 ms a call takes. Here the five decision functions and sigmoids
run exactly as scikit-learn runs them (``X @ coef_.T + intercept_``, ``expit(-(a * f + b))``,
summed in the same order and divided by five), so the probabilities are bit-for-bit the same
(tests/unit/test_toxicity.py compares them on the whole collection). Its TF-IDF vectorizer's
matrix is made as ``transform`` makes it, without the input checks (``ml/words.tfidf``). Any model
of another shape (a future alt-profanity-check) falls back to ``predict_prob`` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from profanity_check import predict_prob
from profanity_check import profanity_check as _packaged
from scipy.special import expit  # type: ignore[import-untyped]  # scikit-learn's own dependency, its sigmoid

from tgexchange.ml.words import is_plain_tfidf, tfidf


def _sigmoid_terms(model: Any) -> list[tuple[Any, Any, float, float]] | None:
    """(coef_.T, intercept_, a, b) of each calibrated linear classifier, in the model's order, or
    None when the model is not the binary sigmoid-calibrated linear one this replicates."""
    try:
        calibrated = list(model.calibrated_classifiers_)
        replicable = (
            type(model).__name__ == "CalibratedClassifierCV"
            and model.method == "sigmoid"
            and list(model.classes_) == [0, 1]
            and bool(calibrated)
            and all(_is_binary_linear_sigmoid(c) for c in calibrated)
        )
    except AttributeError:
        return None
    if not replicable:
        return None
    return [(c.estimator.coef_.T, c.estimator.intercept_, c.calibrators[0].a_, c.calibrators[0].b_) for c in calibrated]


def _is_binary_linear_sigmoid(calibrated: Any) -> bool:
    estimator = calibrated.estimator
    return (
        type(estimator).__name__ == "LinearSVC"
        and list(estimator.classes_) == [0, 1]
        and estimator.coef_.shape[0] == 1
        and list(calibrated.classes) == [0, 1]
        and len(calibrated.calibrators) == 1
        and type(calibrated.calibrators[0]).__name__ == "_SigmoidCalibration"
    )


_TERMS = _sigmoid_terms(_packaged.model)
# Its vectorizer's matrix without scikit-learn's input checks (ml/words.py), when it is plain TF-IDF.
_PLAIN = is_plain_tfidf(_packaged.vectorizer, sublinear=False)


def toxicity(texts: Sequence[str]) -> NDArray[np.float64]:
    """The probability that each text is profane, as ``profanity_check.predict_prob`` gives it."""
    if _TERMS is None:
        return np.asarray(predict_prob(list(texts)), dtype=np.float64)
    features = tfidf(_packaged.vectorizer, texts) if _PLAIN else _packaged.vectorizer.transform(texts)
    total = np.zeros(features.shape[0], dtype=np.float64)
    for coef_t, intercept, a, b in _TERMS:
        # What LinearSVC.decision_function computes (safe_sparse_dot of a sparse matrix is `@`).
        decision = np.asarray(features @ coef_t + intercept).reshape(-1)
        profane = expit(-(a * decision + b))
        # As _CalibratedClassifier.predict_proba: a value a rounding error above 1 is 1.
        profane[(profane > 1.0) & (profane <= 1.0 + 1e-5)] = 1.0
        total += profane
    total /= len(_TERMS)
    return total
