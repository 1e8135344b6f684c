"""Fitting the spam classifier: TF-IDF over words (1-2-grams) and characters within word boundaries
(2-5-grams), joined and fed to a class-balanced LogisticRegression."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from tgexchange.ml.artifact import ARTIFACT_NAME
from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.spam_model import SpamModel, classifier_input

C_GRID: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)

Progress = Callable[[str], None]
"""Called once after each model fit, with what was just fitted."""


def build_pipeline(c: float) -> Pipeline:
    """An unfitted pipeline with inverse regularisation ``c``."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)),
            # min_df=2 drops one-off character runs ("!!!!!!!!!!!") that only memorise a comment
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)),
        ]
    )
    classifier = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    return Pipeline([("features", features), ("classifier", classifier)])


def fit(comments: Sequence[LabelledComment], c: float, *, delete_topic_words: bool = True) -> SpamModel:
    """A model fitted on ``comments`` (threshold 0.5 until one is chosen). Raises ValueError unless
    both classes are present."""
    if len({comment.is_spam for comment in comments}) < 2:
        raise ValueError("training needs both spam and ham comments")
    inputs = [classifier_input(x.text, delete_topic_words=delete_topic_words) for x in comments]
    pipeline = build_pipeline(c).fit(inputs, [int(x.is_spam) for x in comments])
    return SpamModel(pipeline, threshold=0.5, c=c, version=ARTIFACT_NAME, delete_topic_words=delete_topic_words)
