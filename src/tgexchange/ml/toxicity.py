"""alt-profanity-check's probability, computed from its fitted numbers with the same arithmetic as
``profanity_check.predict_prob``, without scikit-learn's per-call bookkeeping and, when the arrays
made from the installed package are at hand, without importing it (or scikit-learn) at all.

The packaged model is a ``CalibratedClassifierCV`` (sigmoid) over five ``LinearSVC``. For each
call ``predict_prob`` spends most of its time not scoring but re-deriving what never changes:
each of the five calibrated classifiers fits a ``LabelEncoder`` on the classes, infers the target
type of its decision values and checks the input again. On the handful of texts the gate judges
at a time that is ~3 ms of the ~4 ms a call takes. Here the five decision functions and sigmoids
run exactly as scikit-learn runs them (``X @ coef_.T + intercept_``, ``expit(-(a * f + b))``,
summed in the same order and divided by five), so the probabilities are bit-for-bit the same
(tests/unit/test_toxicity.py compares them on the whole collection). Its TF-IDF vectorizer's
rows are made as ``transform`` makes them (``ml/words.Tfidf``).

Importing profanity-check unpickles its model and imports scikit-learn (~1 s of a start-up), so
the numbers are read from ``ml/artifacts/toxicity.npz`` when that file was made from the installed
package's very files (``ml/model_arrays.load_toxicity``); otherwise the package is imported, and a
model of another shape (a future alt-profanity-check) falls back to ``predict_prob`` itself.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import structlog
from numpy.typing import NDArray

from tgexchange.ml.sigmoid import expit
from tgexchange.ml.words import Tfidf, linear_scores

log = structlog.get_logger("tgexchange.toxicity")


class ProfanityScores:
    """The replica: the vectorizer's numbers and each calibrated classifier's (coef_ row,
    intercept, a, b), in the model's order."""

    def __init__(self, vectorizer: Tfidf, terms: Sequence[tuple[NDArray[np.float64], float, float, float]]) -> None:
        if not terms or any(coef.shape != (len(vectorizer.terms),) for coef, *_ in terms):
            raise ValueError("one coefficient per column of the vectorizer, for each classifier")
        self.vectorizer = vectorizer
        self.terms = tuple(terms)

    @classmethod
    def of(cls, vectorizer: Any, model: Any) -> ProfanityScores | None:
        """The replica of a plain TF-IDF vectorizer and a binary sigmoid-calibrated linear model,
        or None when they are of another shape."""
        words = Tfidf.of(vectorizer, sublinear=False)
        try:
            calibrated = list(model.calibrated_classifiers_)
            replicable = (
                words is not None
                and type(model).__name__ == "CalibratedClassifierCV"
                and model.method == "sigmoid"
                and list(model.classes_) == [0, 1]
                and bool(calibrated)
                and all(_is_binary_linear_sigmoid(c) for c in calibrated)
            )
        except AttributeError:
            return None
        if words is None or not replicable:
            return None
        terms = [
            (
                np.asarray(c.estimator.coef_, dtype=np.float64).reshape(-1),
                float(c.estimator.intercept_[0]),
                float(c.calibrators[0].a_),
                float(c.calibrators[0].b_),
            )
            for c in calibrated
        ]
        return cls(words, terms)

    def probability(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """``profanity_check.predict_prob(texts)`` of the model this replicates."""
        total = np.zeros(len(texts), dtype=np.float64)
        rows = [self.vectorizer.row(text) for text in texts]
        for coef, intercept, a, b in self.terms:
            # What LinearSVC.decision_function computes (a sparse matrix times coef_.T, + intercept_).
            decision = linear_scores(rows, coef, intercept)
            profane = expit([-(a * value + b) for value in decision])
            # As _CalibratedClassifier.predict_proba: a value a rounding error above 1 is 1.
            profane[(profane > 1.0) & (profane <= 1.0 + 1e-5)] = 1.0
            total += profane
        total /= len(self.terms)
        return total


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


def packaged_scores() -> ProfanityScores | None:
    """The replica of the installed profanity-check's model (imports it and scikit-learn), or None
    when that model is of another shape."""
    from profanity_check import profanity_check as packaged

    return ProfanityScores.of(packaged.vectorizer, packaged.model)


_lock = threading.Lock()
_scorer: list[ProfanityScores | None] = []  # made on first use: [] not yet, [None] predict_prob itself


def scorer() -> ProfanityScores | None:
    """The scorer every call uses, made once: from the arrays when they match the installed
    package (``model_arrays.load_toxicity``), else from the imported package."""
    with _lock:
        if not _scorer:
            from tgexchange.ml.model_arrays import load_toxicity

            made = load_toxicity()
            if made is None:
                made = packaged_scores()
                if made is None:
                    log.warning("toxicity_not_replicated", reason="profanity-check's model has another shape")
            _scorer.append(made)
        return _scorer[0]


def toxicity(texts: Sequence[str]) -> NDArray[np.float64]:
    """The probability that each text is profane, as ``profanity_check.predict_prob`` gives it."""
    scores = scorer()
    if scores is None:
        from profanity_check import predict_prob

        return np.asarray(predict_prob(list(texts)), dtype=np.float64)
    return scores.probability(texts)
