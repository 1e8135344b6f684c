"""The spam model's text pipeline (TF-IDF words and characters -> logistic regression) scored
without scikit-learn's per-call bookkeeping.

``Pipeline.predict_proba`` spends about half of a call on the handful of texts the gate judges at
a time checking and converting what it already knows the shape of: each vectorizer's and the
classifier's input validation (which looks for dataframes of several libraries), the feature
union's job dispatch and metadata routing. Here the same fitted parts do the same arithmetic in
the same order: each vectorizer counts with its own ``_count_vocab`` (the tokenising itself),
then, as ``TfidfTransformer.transform``, ``log(tf) + 1`` (sublinear), times ``idf_`` per column,
rows scaled to unit length by scikit-learn's own ``inplace_csr_row_normalize_l2``; the parts are
joined with ``scipy.sparse.hstack(...).tocsr()`` as ``FeatureUnion`` joins them, scored as
``X @ coef_.T + intercept_`` and passed through scipy's ``expit``, as the binary logistic
regression's ``predict_proba`` does. The probabilities are bit-for-bit the same
(tests/unit/test_words.py compares them on the whole collection). A pipeline of any other shape is
not replicated: ``WordScores.of`` gives None and the pipeline itself is called.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse  # type: ignore[import-untyped]  # scikit-learn's own dependency
from scipy.special import expit  # type: ignore[import-untyped]  # scikit-learn's own dependency, its sigmoid
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2


class WordScores:
    def __init__(self, vectorizers: list[Any], classifier: Any) -> None:
        self.vectorizers = vectorizers
        self.coef_t = classifier.coef_.T
        self.intercept = classifier.intercept_

    @classmethod
    def of(cls, pipeline: Any) -> WordScores | None:
        """The replica of a ``Pipeline`` of a ``FeatureUnion`` of sublinear, L2-normed
        ``TfidfVectorizer`` (float64, unweighted) and a binary ``LogisticRegression``; else None."""
        try:
            (_, union), (_, classifier) = pipeline.steps
            vectorizers = [transformer for _, transformer in union.transformer_list]
            replicable = (
                type(pipeline).__name__ == "Pipeline"
                and type(union).__name__ == "FeatureUnion"
                and union.transformer_weights is None
                and bool(vectorizers)
                and all(is_plain_tfidf(v) for v in vectorizers)
                and type(classifier).__name__ == "LogisticRegression"
                and list(classifier.classes_) == [0, 1]
                and classifier.coef_.shape == (1, sum(len(v.vocabulary_) for v in vectorizers))
            )
        except (AttributeError, ValueError, TypeError):
            return None
        return cls(vectorizers, classifier) if replicable else None

    def spam_probability(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """``predict_proba(texts)[:, 1]`` of the pipeline this replicates."""
        joined = sparse.hstack([tfidf(vectorizer, texts) for vectorizer in self.vectorizers]).tocsr()
        scores = np.asarray(joined @ self.coef_t + self.intercept).reshape(-1)
        probability: NDArray[np.float64] = expit(scores, out=scores)
        return probability


def tfidf(vectorizer: Any, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)`` of a vectorizer ``is_plain_tfidf`` accepts, the same matrix."""
    _, counts = vectorizer._count_vocab(texts, fixed_vocab=True)
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1.0
    counts.data *= vectorizer.idf_[counts.indices]
    inplace_csr_row_normalize_l2(counts)
    return counts


def is_plain_tfidf(vectorizer: Any, *, sublinear: bool = True) -> bool:
    """A fitted float64 ``TfidfVectorizer`` of strings with idf and L2 rows, not binary, whose
    ``sublinear_tf`` is ``sublinear``."""
    return (
        type(vectorizer).__name__ == "TfidfVectorizer"
        and bool(vectorizer.sublinear_tf) is sublinear
        and vectorizer.use_idf
        and hasattr(vectorizer, "idf_")
        and vectorizer.norm == "l2"
        and not vectorizer.binary
        and vectorizer.dtype is np.float64
        and vectorizer.input == "content"
    )
