"""How the whole gate does with a spam model and threshold on labelled comments of one or more
videos: spam rejected (by any rule) and ordinary comments of 8+ words rejected as spam or
self-promotion. The rules are the domain's; toxicity comes from alt-profanity-check, as in the gate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from profanity_check import predict_prob

from tgexchange.domain.quality import QualityRule, first_broken_rule, measure
from tgexchange.ml.dataset import LONG_HAM_MIN_WORDS, LabelledComment

_BEFORE_SPAM = {QualityRule.TOO_SHORT, QualityRule.NO_SUBSTANCE, QualityRule.SELF_PROMOTION}
_AS_SPAM = {QualityRule.SELF_PROMOTION, QualityRule.SPAM}


@dataclass(frozen=True, slots=True)
class GateContext:
    """What the gate decides about each comment without the classifier, aligned with the comments."""

    rejected: NDArray[np.bool_]
    """Rejected by some rule whatever the classifier says."""
    rejected_as_spam: NDArray[np.bool_]
    """Rejected as self-promotion or spam (a scam phrase) whatever the classifier says."""
    open_to_classifier: NDArray[np.bool_]
    """The spam probability decides: no earlier rule is broken and the text is not Spanish."""
    is_spam: NDArray[np.bool_]
    is_long_ham: NDArray[np.bool_]


def gate_context(comments: Sequence[LabelledComment]) -> GateContext:
    texts = [comment.text for comment in comments]
    toxicity = np.asarray(predict_prob(texts), dtype=np.float64) if texts else np.zeros(0)
    measures = [measure(text) for text in texts]
    rules = [
        first_broken_rule(m, min_words=LONG_HAM_MIN_WORDS, spam=0.0, toxicity=float(t))
        for m, t in zip(measures, toxicity, strict=True)
    ]
    return GateContext(
        rejected=np.array([rule is not None for rule in rules], dtype=bool),
        rejected_as_spam=np.array([rule in _AS_SPAM for rule in rules], dtype=bool),
        open_to_classifier=np.array(
            [rule not in _BEFORE_SPAM and not m.spanish for rule, m in zip(rules, measures, strict=True)], dtype=bool
        ),
        is_spam=np.array([comment.is_spam for comment in comments], dtype=bool),
        is_long_ham=np.array([comment.is_long_ham for comment in comments], dtype=bool),
    )


@dataclass(frozen=True, slots=True)
class SpamEvaluation:
    """The gate's decisions on comments with one spam model and threshold."""

    evaluated_on: tuple[str, ...]
    threshold: float
    spam: int
    spam_rejected: int
    long_ham: int
    long_ham_rejected_as_spam: int
    """Ordinary comments of 8+ words rejected as spam or self-promotion."""

    @property
    def spam_recall(self) -> float:
        return self.spam_rejected / self.spam if self.spam else 0.0

    @property
    def long_ham_false_rejection(self) -> float:
        return self.long_ham_rejected_as_spam / self.long_ham if self.long_ham else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "evaluated_on": list(self.evaluated_on),
            "threshold": self.threshold,
            "spam": self.spam,
            "spam_rejected": self.spam_rejected,
            "spam_recall": round(self.spam_recall, 4),
            "long_ham": self.long_ham,
            "long_ham_rejected_as_spam": self.long_ham_rejected_as_spam,
            "long_ham_false_rejection": round(self.long_ham_false_rejection, 4),
        }


def evaluation_of(
    comments: Sequence[LabelledComment],
    probabilities: NDArray[np.float64],
    threshold: float,
    context: GateContext | None = None,
) -> SpamEvaluation:
    """The gate's spam recall and long-ham false rejection with ``probabilities`` (aligned with
    ``comments``) at ``threshold``."""
    gate = gate_context(comments) if context is None else context
    flagged = gate.open_to_classifier & (probabilities >= threshold)
    return SpamEvaluation(
        evaluated_on=tuple(dict.fromkeys(comment.source for comment in comments)),
        threshold=threshold,
        spam=int(gate.is_spam.sum()),
        spam_rejected=int((gate.rejected | flagged)[gate.is_spam].sum()),
        long_ham=int(gate.is_long_ham.sum()),
        long_ham_rejected_as_spam=int((gate.rejected_as_spam | flagged)[gate.is_long_ham].sum()),
    )
