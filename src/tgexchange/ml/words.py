"""The spam model's text pipeline (TF-IDF words and characters -> logistic regression) scored
with numpy alone, without scikit-learn or scipy (neither is imported: a process that only scores
starts ~1 s sooner) and without their per-call bookkeeping.

``Pipeline.predict_proba`` spends about half of a call on the handful of texts the gate judges at
a time checking and converting what it already knows the shape of. Here the same fitted numbers do
the same arithmetic in the same order: each vectorizer's analyzer (lower case, then word n-grams of
its token pattern or ``char_wb`` n-grams, as scikit-learn's ``_word_ngrams`` / ``_char_wb_ngrams``
make them) counted against its vocabulary; then, as ``TfidfTransformer.transform``, ``log(tf) + 1``
(sublinear), times ``idf_`` per column, and each row divided by the square root of its sum of
squares added in column order (scikit-learn's ``inplace_csr_row_normalize_l2``); the parts side by
side as ``FeatureUnion`` joins them, scored as scipy's sparse ``X @ coef_.T`` adds (products in
column order from 0.0), ``+ intercept_``, and the sigmoid (``ml/sigmoid.py``). Sums are made with
``np.cumsum``, which adds one value after the other like those compiled loops (``np.sum`` adds
pairwise and would differ in the last bit). The probabilities are bit-for-bit the same
(tests/unit/test_words.py compares them on the whole collection). A pipeline of any other shape is
not replicated: ``WordScores.of`` gives None and the pipeline itself is called.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.ml.sigmoid import expit

# scikit-learn's ``_white_spaces``: runs of white space become one space before char n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")
ANALYZERS = ("word", "char_wb")
_WORDS_REMEMBERED = 50_000  # distinct words a char_wb vectorizer remembers: ~15 MB at most


@dataclass(frozen=True, slots=True)
class Tfidf:
    """A fitted TF-IDF vectorizer's numbers: ``terms[i]`` is column ``i``, ``idf[i]`` its weight."""

    analyzer: str
    ngram_range: tuple[int, int]
    lowercase: bool
    token_pattern: str
    sublinear: bool
    terms: list[str]
    idf: NDArray[np.float64]
    _columns: dict[str, int] = field(init=False, repr=False, compare=False)
    _columns_of: Callable[[str], list[int]] = field(init=False, repr=False, compare=False)
    # char_wb n-grams never cross a word, so each word's in-vocabulary columns are remembered:
    # the gate sees the same words again and again, and making the n-grams is most of a row's cost.
    _word_columns: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.analyzer not in ANALYZERS:
            raise ValueError(f"analyzer {self.analyzer!r} is not one of {ANALYZERS}")
        if len(self.terms) != len(self.idf):
            raise ValueError("one idf per term")
        columns = {term: i for i, term in enumerate(self.terms)}
        object.__setattr__(self, "_columns", columns)
        object.__setattr__(self, "_word_columns", {})
        if self.analyzer == "char_wb":
            object.__setattr__(self, "_columns_of", self._char_wb_columns)
        else:
            words = re.compile(self.token_pattern).findall

            def word_columns(text: str) -> list[int]:
                return [c for c in map(columns.get, self._word_ngrams(words(text))) if c is not None]

            object.__setattr__(self, "_columns_of", word_columns)

    @classmethod
    def of(cls, vectorizer: Any, *, sublinear: bool = True) -> Tfidf | None:
        """The numbers of a fitted float64 ``TfidfVectorizer`` of strings with idf and L2 rows, not
        binary, whose ``sublinear_tf`` is ``sublinear``, with the built-in analyzers and no accent
        stripping; else None. Stop words are allowed for single words only (a fitted vocabulary
        holds none, so they change no count)."""
        try:
            replicable = (
                type(vectorizer).__name__ == "TfidfVectorizer"
                and bool(vectorizer.sublinear_tf) is sublinear
                and vectorizer.use_idf
                and hasattr(vectorizer, "idf_")
                and vectorizer.norm == "l2"
                and not vectorizer.binary
                and vectorizer.dtype is np.float64
                and vectorizer.input == "content"
                and vectorizer.analyzer in ANALYZERS
                and vectorizer.preprocessor is None
                and vectorizer.tokenizer is None
                and not vectorizer.strip_accents
                and (vectorizer.stop_words is None or tuple(vectorizer.ngram_range) == (1, 1))
                and sorted(vectorizer.vocabulary_.values()) == list(range(len(vectorizer.vocabulary_)))
            )
            if not replicable:
                return None
            stop_words = vectorizer.get_stop_words() or frozenset()
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            if stop_words & set(terms):
                return None
            return cls(
                analyzer=str(vectorizer.analyzer),
                ngram_range=(int(vectorizer.ngram_range[0]), int(vectorizer.ngram_range[1])),
                lowercase=bool(vectorizer.lowercase),
                token_pattern=str(vectorizer.token_pattern),
                sublinear=sublinear,
                terms=terms,
                idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            )
        except (AttributeError, TypeError, ValueError):
            return None

    def row(self, text: str) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """The columns (ascending) and values of ``vectorizer.transform([text])``'s one row."""
        counts: dict[int, int] = {}
        for column in self._columns_of(text.lower() if self.lowercase else text):
            counts[column] = counts.get(column, 0) + 1
        indices = np.array(sorted(counts), dtype=np.intp)
        data = np.array([counts[i] for i in indices.tolist()], dtype=np.float64)
        if self.sublinear:
            np.log(data, out=data)
            data += 1.0
        data *= self.idf[indices]
        squares = sequential_sum(data * data)
        if squares != 0.0:
            data /= math.sqrt(squares)
        return indices, data

    def _word_ngrams(self, tokens: list[str]) -> list[str]:
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return grams

    def _char_wb_columns(self, text: str) -> list[int]:
        found: list[int] = []
        remembered = self._word_columns
        for word in _WHITE_SPACES.sub(" ", text).split():
            columns = remembered.get(word)
            if columns is None:
                columns = tuple(
                    c for c in map(self._columns.get, _char_wb_grams(word, self.ngram_range)) if c is not None
                )
                if len(remembered) < _WORDS_REMEMBERED:
                    remembered[word] = columns
            found.extend(columns)
        return found


def _char_wb_grams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """One word's n-grams as scikit-learn's ``_char_wb_ngrams`` makes them: padded with a space on
    each side, every n-gram of each size; a word no longer than n counts once, whole, and stops."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return grams


def sequential_sum(values: NDArray[np.float64]) -> float:
    """``values`` added one after the other from 0.0, as a compiled loop adds them."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


Row = tuple[NDArray[np.intp], NDArray[np.float64]]


def rows_of(parts: Sequence[Tfidf], text: str) -> Row:
    """One text's row of ``hstack(part.transform([text]) for part in parts)``: columns, values."""
    offset = 0
    columns, values = [], []
    for part in parts:
        indices, data = part.row(text)
        columns.append(indices + offset)
        values.append(data)
        offset += len(part.terms)
    return np.concatenate(columns), np.concatenate(values)


def linear_scores(rows: Sequence[Row], coef: NDArray[np.float64], intercept: float) -> list[float]:
    """``X @ coef + intercept`` for each row of ``X``, summed as scipy's sparse product sums."""
    return [sequential_sum(data * coef[columns]) + intercept for columns, data in rows]


class WordScores:
    """The replica: the vectorizers' numbers, the classifier's ``coef_`` (one row) and intercept."""

    def __init__(self, parts: Sequence[Tfidf], coef: NDArray[np.float64], intercept: float) -> None:
        if coef.shape != (sum(len(part.terms) for part in parts),):
            raise ValueError("one coefficient per column of the vectorizers")
        self.parts = tuple(parts)
        self.coef = coef
        self.intercept = intercept

    @classmethod
    def of(cls, pipeline: Any) -> WordScores | None:
        """The replica of a ``Pipeline`` of a ``FeatureUnion`` of vectorizers ``Tfidf.of`` takes
        (sublinear) and a binary ``LogisticRegression``; else None."""
        try:
            (_, union), (_, classifier) = pipeline.steps
            parts = [Tfidf.of(transformer) for _, transformer in union.transformer_list]
            replicable = (
                type(pipeline).__name__ == "Pipeline"
                and type(union).__name__ == "FeatureUnion"
                and union.transformer_weights is None
                and bool(parts)
                and all(part is not None for part in parts)
                and type(classifier).__name__ == "LogisticRegression"
                and list(classifier.classes_) == [0, 1]
                and classifier.coef_.shape == (1, sum(len(part.terms) for part in parts if part is not None))
            )
        except (AttributeError, ValueError, TypeError):
            return None
        if not replicable:
            return None
        coef = np.asarray(classifier.coef_, dtype=np.float64).reshape(-1)
        return cls([part for part in parts if part is not None], coef, float(classifier.intercept_[0]))

    def spam_probability(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """``predict_proba(texts)[:, 1]`` of the pipeline this replicates."""
        rows = [rows_of(self.parts, text) for text in texts]
        return expit(linear_scores(rows, self.coef, self.intercept))
