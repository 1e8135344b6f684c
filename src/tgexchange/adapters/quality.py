"""The quality gate on a trained spam classifier, alt-profanity-check and MinHash."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from profanity_check import predict_prob

from tgexchange.domain.quality import (
    QualityThresholds,
    TextMeasures,
    first_broken_rule,
    measure,
    shingles,
)
from tgexchange.ml.spam import SpamModel, load_spam_model, prepare
from tgexchange.services.ports import QualityVerdict

DEFAULT_TOXICITY_THRESHOLD = 0.9
DEFAULT_GENERIC_SHARE_THRESHOLD = 0.75
DEFAULT_NEAR_COPY_THRESHOLD = 0.7
DEFAULT_NUM_PERM = 128
DEFAULT_SHINGLE_WORDS = 2
# A fixed seed: MinHash signatures are only comparable when made with the same permutations.
_MINHASH_SEED = 1


class ClassifierQualityGate:
    """Implements ``QualityGate``: the rules of ``tgexchange.domain.quality`` fed with model scores.

    Thresholds (a score at or above one breaks its rule):
    - ``spam_threshold``: the spam classifier's probability; default: the threshold recorded in the
      artifact, chosen at training time (see ``tgexchange.ml.spam``).
    - ``toxicity_threshold`` = 0.9: alt-profanity-check's probability (English only; Spanish
      insults are a word list in the domain).
    - ``generic_share_threshold`` = 0.75: share of generic-praise and filler words.
    - ``near_copy_threshold`` = 0.7: estimated Jaccard similarity of word ``shingle_words``-grams
      with one of the member's earlier feedback texts, from MinHash signatures of ``num_perm``
      permutations (the estimate's standard error at 0.7 is about 0.04 with 128).

    The model is loaded once, here (from the packaged artifact unless ``model`` is given); raises
    ModelArtifactError if it cannot be trusted. Scores in each verdict: ``spam``, ``toxicity``,
    ``words``, ``letters``, ``generic_share``, the 0/1 flags ``spanish`` and ``spanish_insult``
    and, when there was earlier feedback, ``near_copy``.
    Thread-safe: assessing changes no state.
    """

    def __init__(
        self,
        *,
        model: SpamModel | None = None,
        spam_threshold: float | None = None,
        toxicity_threshold: float = DEFAULT_TOXICITY_THRESHOLD,
        generic_share_threshold: float = DEFAULT_GENERIC_SHARE_THRESHOLD,
        near_copy_threshold: float = DEFAULT_NEAR_COPY_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle_words: int = DEFAULT_SHINGLE_WORDS,
    ) -> None:
        if num_perm < 16:
            raise ValueError("num_perm must be at least 16")
        if shingle_words < 1:
            raise ValueError("shingle_words must be at least 1")
        self.model = model if model is not None else load_spam_model()
        self.thresholds = QualityThresholds(
            spam=self.model.threshold if spam_threshold is None else spam_threshold,
            toxicity=toxicity_threshold,
            generic_share=generic_share_threshold,
            near_copy=near_copy_threshold,
        )
        self._num_perm = num_perm
        self._shingle_words = shingle_words

    def assess_many(self, texts: Sequence[str], *, min_words: int) -> list[QualityVerdict]:
        """Verdicts for ``texts``, in order, without the near-copy rule. The classifier and the
        profanity model are each called once for the whole batch."""
        prepared = [prepare(text) for text in texts]
        spam, toxicity = self._model_scores(prepared)
        return [
            self._verdict(measure(text), spam=float(s), toxicity=float(t), near_copy=None, min_words=min_words)
            for text, s, t in zip(prepared, spam, toxicity, strict=True)
        ]

    def assess(self, text: str, *, min_words: int, earlier: Sequence[str] = ()) -> QualityVerdict:
        """The verdict for one text, including the near-copy rule against ``earlier`` (the same
        member's previous feedback). Agrees with ``assess_many`` when ``earlier`` is empty."""
        prepared = prepare(text)
        spam, toxicity = self._model_scores([prepared])
        near_copy = self._similarity(prepared, [prepare(e) for e in earlier]) if earlier else None
        return self._verdict(
            measure(prepared),
            spam=float(spam[0]),
            toxicity=float(toxicity[0]),
            near_copy=near_copy,
            min_words=min_words,
        )

    def near_copy_similarity(self, text: str, earlier: Sequence[str]) -> float:
        """The highest estimated Jaccard similarity between the word shingles of ``text`` and those
        of any text in ``earlier``; 0.0 when either side has no words. All signatures are built in
        one ``MinHash.bulk`` call and compared as arrays: with the earlier texts passed on every
        call there is no index to keep, so an LSH index would only add building cost and its own
        false negatives."""
        return self._similarity(prepare(text), [prepare(e) for e in earlier])

    def _similarity(self, prepared: str, earlier_prepared: Sequence[str]) -> float:
        own = shingles(prepared, size=self._shingle_words)
        others = [s for s in (shingles(e, size=self._shingle_words) for e in earlier_prepared) if s]
        if not own or not others:
            return 0.0
        from datasketch import MinHash  # only this rule needs it, and it takes ~0.5 s to import

        signatures = MinHash.bulk(
            [[shingle.encode("utf-8") for shingle in group] for group in (own, *others)],
            num_perm=self._num_perm,
            seed=_MINHASH_SEED,
        )
        mine = signatures[0].hashvalues
        theirs = np.stack([signature.hashvalues for signature in signatures[1:]])
        return float(np.max(np.mean(theirs == mine, axis=1)))

    def _model_scores(self, prepared: list[str]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        if not prepared:
            empty = np.zeros(0, dtype=np.float64)
            return empty, empty
        spam = self.model.score_prepared(prepared)
        toxicity: Any = predict_prob(prepared)
        return spam, np.asarray(toxicity, dtype=np.float64)

    def _verdict(
        self, measures: TextMeasures, *, spam: float, toxicity: float, near_copy: float | None, min_words: int
    ) -> QualityVerdict:
        rule = first_broken_rule(
            measures,
            min_words=min_words,
            spam=spam,
            toxicity=toxicity,
            near_copy=near_copy,
            thresholds=self.thresholds,
        )
        scores = {
            "spam": spam,
            "toxicity": toxicity,
            "words": float(measures.words),
            "letters": float(measures.letters),
            "generic_share": measures.generic_share,
            # 0/1 flags that explain a verdict the probabilities alone do not: for Spanish text the
            # English-trained spam probability is not used, and Spanish insults break "toxic".
            "spanish": float(measures.spanish),
            "spanish_insult": float(measures.spanish_insult),
        }
        if near_copy is not None:
            scores["near_copy"] = near_copy
        return QualityVerdict(accepted=rule is None, rule=None if rule is None else rule.value, scores=scores)
