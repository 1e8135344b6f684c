"""The quality gate's rules: what makes a piece of feedback acceptable, in the order they apply.

Pure Python. The model scores (spam probability, toxicity probability, near-copy similarity) are
computed by an adapter and passed in; this module measures the text itself and decides which rule,
if any, the feedback breaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tgexchange.domain.quality.lexicon import SPANISH_INSULTS, generic_share_of, is_spanish_words
from tgexchange.domain.quality.normalization import normalize
from tgexchange.domain.quality.phrases import ENGAGEMENT_BAIT, SCAM, SELF_PROMOTION
from tgexchange.domain.quality.text import fold_normalized, words, words_of_folded


class QualityRule(StrEnum):
    """The rules feedback must pass, declared in the order they are applied."""

    TOO_SHORT = "too_short"
    NO_SUBSTANCE = "no_substance"
    SELF_PROMOTION = "self_promotion"
    SPAM = "spam"
    TOXIC = "toxic"
    GENERIC_PRAISE = "generic_praise"
    NEAR_COPY = "near_copy"
    OFF_TOPIC = "off_topic"


RULE_ORDER: tuple[QualityRule, ...] = tuple(QualityRule)


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Where each scored rule starts to reject (a score at or above the threshold breaks it).

    ``spam``: the classifier's spam probability; the trained artifact records the threshold chosen
    for it, which adapters use instead of this default. ``toxicity``: alt-profanity-check's
    probability; 0.9 lets blunt critique through ("the audio sucks here" scores ~0.82) while insults
    score ~1.0. ``generic_share``: the share of words that are generic praise or filler.
    ``near_copy``: estimated Jaccard similarity of word shingles with an earlier feedback.
    ``relevance``: the relevance score (``relevance.relevance``) *below* which feedback is off
    topic, when the content's metadata is given; chosen by grouped cross-validation on
    tests/fixtures/relevance (bench/relevance.py).
    ``letters_per_word``: the character minimum is ``letters_per_word * min_words`` letters, so
    eight one-letter "words" do not pass for eight words. Raises ValueError for values out of range.
    """

    spam: float = 0.5
    toxicity: float = 0.9
    generic_share: float = 0.75
    near_copy: float = 0.7
    letters_per_word: float = 3.0
    relevance: float = 0.7

    def __post_init__(self) -> None:
        for name in ("spam", "toxicity", "generic_share", "near_copy"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"the {name.replace('_', ' ')} threshold must be in (0, 1], not {value}")
        if not 0.0 <= self.letters_per_word <= 20.0:
            raise ValueError(f"letters per word must be in [0, 20], not {self.letters_per_word}")
        if not 0.0 < self.relevance <= 20.0:
            raise ValueError(f"the relevance threshold must be in (0, 20], not {self.relevance}")


def shingles(text: str, *, size: int = 2) -> frozenset[str]:
    """The word ``size``-grams of ``text`` (folded words joined by spaces): what the near-copy rule
    compares. A text shorter than ``size`` words gives its words as one shingle; no words, none."""
    if size < 1:
        raise ValueError("shingle size must be at least 1")
    tokens = words(text)
    if len(tokens) < size:
        return frozenset({" ".join(tokens)}) if tokens else frozenset()
    return frozenset(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class TextMeasures:
    """What the rules measure in one text without any model."""

    words: int
    distinct_words: int
    letters: int
    self_promotion: bool
    engagement_bait: bool
    scam_phrase: bool
    spanish_insult: bool
    spanish: bool
    generic_share: float

    @property
    def has_substance(self) -> bool:
        """False for text with no words (only emoji, punctuation or digits) or a single word
        repeated ("lol lol lol")."""
        return self.words > 0 and not (self.words > 1 and self.distinct_words == 1)


def measure(text: str) -> TextMeasures:
    """Everything the rules read from ``text`` itself. Linear in the text's length."""
    normalized = normalize(text)
    folded = fold_normalized(normalized)
    tokens = words_of_folded(folded)
    return TextMeasures(
        words=len(tokens),
        distinct_words=len(set(tokens)),
        letters=sum(1 for char in normalized if char.isalpha()),
        self_promotion=SELF_PROMOTION.search(folded) is not None,
        engagement_bait=ENGAGEMENT_BAIT.search(folded) is not None,
        scam_phrase=SCAM.search(folded) is not None,
        spanish_insult=not SPANISH_INSULTS.isdisjoint(tokens),
        spanish=is_spanish_words(tokens),
        generic_share=generic_share_of(tokens, normalized),
    )


DEFAULT_THRESHOLDS = QualityThresholds()


def first_broken_rule(
    measures: TextMeasures,
    *,
    min_words: int,
    spam: float,
    toxicity: float,
    near_copy: float | None = None,
    relevance: float | None = None,
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> QualityRule | None:
    """The first rule (in ``RULE_ORDER``) that the feedback breaks, or None when it passes them all.

    ``spam`` and ``toxicity`` are model probabilities in [0, 1]; ``near_copy`` is the highest
    similarity to the member's earlier feedback, or None when there is nothing to compare with.
    ``min_words`` is the community's minimum; it also sets the character minimum. ``relevance``
    is the text's relevance score to the content it was written for, or None when the content's
    metadata is not known (then ``off_topic`` does not apply). ``off_topic`` comes last, so every
    verdict given without metadata is unchanged.

    The spam classifier and the toxicity model were trained on English, so for Spanish text the
    spam probability is not used (scam phrases still break ``spam``) and Spanish insults break
    ``toxic`` through ``SPANISH_INSULTS``.
    """
    broken = (
        (
            QualityRule.TOO_SHORT,
            measures.words < min_words or measures.letters < thresholds.letters_per_word * min_words,
        ),
        (QualityRule.NO_SUBSTANCE, not measures.has_substance),
        (QualityRule.SELF_PROMOTION, measures.self_promotion or measures.engagement_bait),
        (QualityRule.SPAM, measures.scam_phrase or (spam >= thresholds.spam and not measures.spanish)),
        (QualityRule.TOXIC, toxicity >= thresholds.toxicity or measures.spanish_insult),
        (QualityRule.GENERIC_PRAISE, measures.generic_share >= thresholds.generic_share),
        (QualityRule.NEAR_COPY, near_copy is not None and near_copy >= thresholds.near_copy),
        (QualityRule.OFF_TOPIC, relevance is not None and relevance < thresholds.relevance),
    )
    return next((rule for rule, is_broken in broken if is_broken), None)
