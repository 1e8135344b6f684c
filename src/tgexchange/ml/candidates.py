"""The spam classifiers compared on held-out videos (``bench/quality.py`` tables them); the last,
``SHIPPED``, is the one trained into the artifact."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from sklearn.calibration import CalibratedClassifierCV
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.spam_features import FEATURE_NAMES, hand_features
from tgexchange.ml.spam_model import classifier_input
from tgexchange.ml.training import build_feature_model, build_text_pipeline, fit_spam_model, labels_of


class Scorer(Protocol):
    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]: ...


@dataclass(frozen=True, slots=True)
class TextScorer:
    pipeline: Any

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        inputs = [classifier_input(text) for text in texts]
        column = list(self.pipeline.classes_).index(1)
        scores: NDArray[np.float64] = np.asarray(self.pipeline.predict_proba(inputs), dtype=np.float64)[:, column]
        return scores


@dataclass(frozen=True, slots=True)
class FeatureScorer:
    model: Any

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        column = list(self.model.classes_).index(1)
        scores: NDArray[np.float64] = np.asarray(self.model.predict_proba(hand_features(texts)))[:, column]
        return scores


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    description: str
    fit: Callable[[Sequence[LabelledComment]], Scorer]


def _text(build: Callable[[], Pipeline]) -> Callable[[Sequence[LabelledComment]], Scorer]:
    """Fits a fresh pipeline from ``build`` on each call (a fitted one is never refitted)."""

    def fit(comments: Sequence[LabelledComment]) -> Scorer:
        inputs = [classifier_input(comment.text) for comment in comments]
        return TextScorer(build().fit(inputs, labels_of(comments)))

    return fit


def _calibrated_svm() -> Pipeline:
    pipeline = build_text_pipeline()
    svm = CalibratedClassifierCV(LinearSVC(C=0.3, class_weight="balanced"), method="sigmoid", cv=3)
    pipeline.steps[-1] = ("classifier", svm)
    return pipeline


def _chars_only() -> Pipeline:
    return build_text_pipeline(10.0, chars=("char", (1, 5)), words=False)


def _features(comments: Sequence[LabelledComment]) -> Scorer:
    texts = [comment.text for comment in comments]
    return FeatureScorer(build_feature_model().fit(hand_features(texts), labels_of(comments)))


SHIPPED = Candidate(
    "mean of LR and HGB",
    "the average of the words+chars LR's and the hand-feature HGB's probabilities, both also trained on 211"
    " hand-written pieces of feedback as ham (spam-v4; spam-v3 without them and reading calls to act as words)",
    fit_spam_model,
)
CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "words+chars LR",
        "TF-IDF words 1-2 + char_wb 2-5 -> LogisticRegression C=3 (spam-v1's model)",
        _text(build_text_pipeline),
    ),
    Candidate(
        "chars LR",
        "TF-IDF char 1-5 only -> LogisticRegression C=10",
        _text(_chars_only),
    ),
    Candidate(
        "words+chars SVM",
        "TF-IDF words 1-2 + char_wb 2-5 -> LinearSVC C=0.3, sigmoid-calibrated (CalibratedClassifierCV, 3 folds)",
        _text(_calibrated_svm),
    ),
    Candidate("features HGB", f"HistGradientBoosting on {len(FEATURE_NAMES)} hand features", _features),
    SHIPPED,
)
