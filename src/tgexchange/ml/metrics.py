"""How a spam model with a threshold does on labelled comments: spam recall and the false-positive
rate on long ham (ham of 8+ words, the comments closest to real feedback)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.spam_model import SpamModel


@dataclass(frozen=True, slots=True)
class SpamEvaluation:
    """How a model with a threshold did on comments it was not trained on."""

    evaluated_on: tuple[str, ...]
    threshold: float
    spam: int
    spam_caught: int
    long_ham: int
    long_ham_flagged: int

    @property
    def spam_recall(self) -> float:
        return self.spam_caught / self.spam if self.spam else 0.0

    @property
    def long_ham_false_positive_rate(self) -> float:
        return self.long_ham_flagged / self.long_ham if self.long_ham else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "evaluated_on": list(self.evaluated_on),
            "threshold": self.threshold,
            "spam": self.spam,
            "spam_caught": self.spam_caught,
            "spam_recall": round(self.spam_recall, 4),
            "long_ham": self.long_ham,
            "long_ham_flagged": self.long_ham_flagged,
            "long_ham_false_positive_rate": round(self.long_ham_false_positive_rate, 4),
        }


def evaluation_of(
    comments: Sequence[LabelledComment], probabilities: NDArray[np.float64], threshold: float
) -> SpamEvaluation:
    """The evaluation of ``probabilities`` (aligned with ``comments``) at ``threshold``."""
    flagged = probabilities >= threshold
    return SpamEvaluation(
        evaluated_on=tuple(dict.fromkeys(x.source for x in comments)),
        threshold=threshold,
        spam=sum(x.is_spam for x in comments),
        spam_caught=int(sum(bool(f) for x, f in zip(comments, flagged, strict=True) if x.is_spam)),
        long_ham=sum(x.is_long_ham for x in comments),
        long_ham_flagged=int(sum(bool(f) for x, f in zip(comments, flagged, strict=True) if x.is_long_ham)),
    )


def evaluate(model: SpamModel, comments: Sequence[LabelledComment]) -> SpamEvaluation:
    """Spam recall and the false-positive rate on long ham of ``model`` at its own threshold."""
    return evaluation_of(comments, model.score_prepared([x.text for x in comments]), model.threshold)
