"""The quality gate's rules: what makes a piece of feedback acceptable, in the order they apply.

Pure Python, in seven parts: ``text`` (how a text is normalised, folded and cut into words),
``phrases`` (self-promotion, engagement bait, scams), ``lexicon`` (word lists), ``rules`` (the
thresholds, the measures of one text and the first rule it breaks), for ``off_topic``,
``relevance`` (how much a text is about the content's metadata) with its word lists ``topics``,
and ``share_quotes`` (a video quoted by YouTube's share button, when the content is not known).
Texts may be English or Spanish: word counting is Unicode-aware and matching ignores case and accents ("Suscríbete"
matches "suscribete"). The names below are the package's interface; callers import from here.
"""

from tgexchange.domain.quality.lexicon import (
    FILLER_WORDS,
    GENERIC_WORDS,
    SPANISH_INSULTS,
    generic_share,
    has_spanish_insult,
    is_spanish,
)
from tgexchange.domain.quality.normalization import normalize
from tgexchange.domain.quality.phrases import has_scam_phrase, is_engagement_bait, is_self_promotion
from tgexchange.domain.quality.relevance import (
    ContentTopic,
    Relevance,
    own_link_count,
    relevance,
    topic_terms,
    without_links_to,
    without_own_links,
)
from tgexchange.domain.quality.rules import (
    DEFAULT_THRESHOLDS,
    RULE_ORDER,
    QualityRule,
    QualityThresholds,
    TextMeasures,
    first_broken_rule,
    measure,
    shingles,
)
from tgexchange.domain.quality.share_quotes import without_share_quote
from tgexchange.domain.quality.text import count_words, fold, words

__all__ = [
    "DEFAULT_THRESHOLDS",
    "FILLER_WORDS",
    "GENERIC_WORDS",
    "RULE_ORDER",
    "SPANISH_INSULTS",
    "ContentTopic",
    "QualityRule",
    "QualityThresholds",
    "Relevance",
    "TextMeasures",
    "count_words",
    "first_broken_rule",
    "fold",
    "generic_share",
    "has_scam_phrase",
    "has_spanish_insult",
    "is_engagement_bait",
    "is_self_promotion",
    "is_spanish",
    "measure",
    "normalize",
    "own_link_count",
    "relevance",
    "shingles",
    "topic_terms",
    "without_links_to",
    "without_own_links",
    "without_share_quote",
    "words",
]
