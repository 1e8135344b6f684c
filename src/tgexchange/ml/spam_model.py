"""The quality gate's spam classifier at run time: how a text is prepared and scored.

Only what scoring needs lives here (and in ``tgexchange.ml.artifact``, which loads the model): a
process that judges feedback imports no training, selection or evaluation code.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.domain.quality import normalize

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,500}>")  # a letter after "<", so "<3" stays


def clean_comment(raw: str) -> str:
    """Plain text as a viewer saw it: ``<br />`` becomes a space, other HTML tags are removed (their
    text stays), entities are unescaped and U+FEFF is dropped. Tags go before entities so that an
    escaped "&lt;b&gt;" stays visible text."""
    text = _BREAK.sub(" ", raw.replace("\ufeff", ""))
    return html.unescape(_TAG.sub("", text)).strip()


def prepare(text: str) -> str:
    """The one preprocessing path, for training and for scoring: ``clean_comment`` then the
    domain's ``normalize``."""
    return normalize(clean_comment(text))


# Words whose meaning in feedback depends on whose channel it is. In the collection nearly every
# "channel" or "subscribe" is spam ("subscribe to my channel"), so a classifier learns the word
# itself and flags feedback such as "your channel trailer should mention the upload day" (0.6-0.8).
# Deleting them from the classifier's input, in training and in scoring, makes it learn the call to
# action around them instead; the self_promotion rule, which runs first, names "my channel"
# explicitly. bench/quality.py --compare-topic-words measures what this costs on the collection.
_TOPIC_WORDS = re.compile(r"\b(?:channels?|subscri\w*|sub(?:s|bed|bing)?|canal(?:es)?|suscri\w*)\b", re.IGNORECASE)


def classifier_input(prepared: str, *, delete_topic_words: bool = True) -> str:
    """What the pipeline reads for a text already passed through ``prepare``."""
    return _TOPIC_WORDS.sub(" ", prepared) if delete_topic_words else prepared


@dataclass(frozen=True, slots=True)
class SpamModel:
    """A fitted pipeline with the threshold at which its probability means "spam"."""

    pipeline: Any
    threshold: float
    c: float
    version: str
    delete_topic_words: bool = True

    def score(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of raw texts, in order, from one batched call."""
        return self.score_prepared([prepare(text) for text in texts])

    def score_prepared(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Spam probabilities of texts already passed through ``prepare``, from one batched call."""
        if not texts:
            return np.zeros(0, dtype=np.float64)
        spam_column = list(self.pipeline.classes_).index(1)
        inputs = [classifier_input(text, delete_topic_words=self.delete_topic_words) for text in texts]
        probabilities: NDArray[np.float64] = self.pipeline.predict_proba(inputs)[:, spam_column]
        return probabilities
