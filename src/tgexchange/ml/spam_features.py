"""Hand-made features of a comment for the spam classifier's gradient-boosted half: shape (length,
capitals, digits, emoji, punctuation) and counts of phrases that mark spam in general rather than
on one video (links, "check out", subscribe, "my channel", please, calls to act, money, prayers,
chain letters). Written from what comment spam is, before any per-video result was seen, except
``subscribe_call`` (spam-v4: a call rather than the word, chosen after comparing variants on the
held-out videos and feedback, see docs/BENCHMARKS.md); each is computed on the normalised text, so
disguises do not hide them. Also the text half's ``without_others_calls_to_act``. Run-time code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from tgexchange.domain.quality.text import fold_normalized, words_of_folded

_DETERMINERS = ("the", "a", "an", "this", "that", "your", "his", "her", "their", "its")
_PHRASES: dict[str, str] = {
    "link": r"https?://|www\.|\.(?:com|net|org|ly|be|info|co)\b|\b[a-z0-9-]+\s*(?:\.|dot)\s*(?:com|net|org)\b",
    "check_out": r"\bcheck\s*(?:it\s+)?out\b|\bcheck\s+(?:my|this|it)\b",
    # A call to subscribe or follow, not the word: "follow" alone is ordinary English ("hard to follow"),
    # a determiner before "subscribe" names the thing ("the subscribe button", "your subscribe
    # reminder"), and "subscribers" is an audience (``audience_numbers`` counts it), not a call.
    "subscribe_call": "".join(rf"(?<!\b{word} )" for word in _DETERMINERS)
    + r"\bsub(?:scrib(?:e[sd]?|ing)|s)?\b|\bfollow\s+(?:me|us|my|our)\b",
    "own_work": r"\b(?:my|our)\s+(?:\w+\s+)?(?:channel|videos?|vids?|music|songs?|page|covers?|profile|band|rap|"
    r"mixtape|album|track|beats?|site|blog|account|first|new|latest)\b",
    "please": r"\b(?:please|plz|pls|plese|pleas)\b",
    "call_to_act": r"\b(?:visit|click|watch|go\s+to|listen\s+to|give|help|support|share|vote|donate|join|download|"
    r"sign\s+up|add\s+me|like|comment)\b",
    "money": r"\$|\b(?:money|cash|earn|income|paypal|bitcoin|dollars?|free|win|prize|gift|offer|cheap|buy|sale|deal|"
    r"profit|bonus|reward|credit|job|hire)\b",
    "audience_numbers": r"\b(?:views?|viewers|subscribers|followers|likes)\b",
    "self_introduction": r"\b(?:i\s*'?\s*m|i\s+am)\s+(?:a|an|just|only|trying|new|currently|making|starting|\d+)\b",
    "about_the_music": r"\b(?:song|music|beat|dance|video|lyrics|voice|singer|rapper|chorus|melody)\b",
    "greeting_everyone": r"\b(?:hey|hi|hello)\s+(?:guys|everyone|everybody|people|all)\b|\beveryone\b|\bguys\b",
    "prayer": r"\b(?:god|jesus|lord|pray|prayer|bless|amen|christ|bible)\b",
    "chain_letter": r"\b(?:copy|paste|repost|post\s+this|send\s+this)\b|\bif\s+you\s+don'?t\b",
    "mention": r"@\w|\+\w",
    "hashtag": r"#\w",
}
_RATES: dict[str, str] = {
    "second_person": r"\b(?:you|your|u|ur)\b",
    "first_person": r"\b(?:i|me|my|mine|i'm|im)\b",
}
# Words whose meaning in feedback depends on whose account it is. In the collection nearly every
# "channel", "subscribe", "follow", "share", "check" or "visit" is spam's call to act on the
# writer's own account ("subscribe to my channel", "follow me", "check out my page"), so the text
# half learned the word itself and flagged feedback such as "your channel trailer should mention
# the upload day" or "the plot is hard to follow" (spam-v3 rejected 19% of the simulator's
# substantive feedback and 5 of 10 hand-written texts about channels). Such a word is deleted from
# the text half's input unless the writer's own account is named next to it ("my"/"our" just
# before it; "me", "my", "us" or "our" within the next three words): then the call to act stays.
# The self_promotion rule, which runs first, names "my channel" explicitly.
_CALLS_TO_ACT = re.compile(
    r"\b(?:channels?|subscri\w*|sub(?:s|bed|bing)?|canal(?:es)?|suscri\w*|follow(?:s|ed|ing|ers?)?|share[sd]?"
    r"|sharing|check(?:s|ed|ing)?|visit(?:s|ed|ing)?)\b",
    re.IGNORECASE,
)
_SELF_AFTER = re.compile(r"(?:\W+[\w']+){0,2}?\W+(?:me|my|mine|us|our|myself)\b", re.IGNORECASE)
_SELF_BEFORE = re.compile(r"\b(?:my|our)\W+(?:[\w']+\W+)?$", re.IGNORECASE)
_BEFORE_CHARS = 24  # "my" or "our" and one word before the call to act


def _unless_own(match: re.Match[str]) -> str:
    text = match.string
    before = text[max(0, match.start() - _BEFORE_CHARS) : match.start()]
    if _SELF_AFTER.match(text, match.end()) or _SELF_BEFORE.search(before):
        return match.group(0)
    return " "


def without_others_calls_to_act(text: str) -> str:
    """``text`` with each call to act on an account deleted unless it names the writer's own."""
    return _CALLS_TO_ACT.sub(_unless_own, text)


_COMPILED_PHRASES = [re.compile(pattern) for pattern in _PHRASES.values()]
_COMPILED_RATES = [re.compile(pattern) for pattern in _RATES.values()]
_PHRASE_CAP = 5

FEATURE_NAMES: tuple[str, ...] = (
    "log_words",
    "log_characters",
    "capitals_per_letter",
    "digits_per_character",
    "emoji_per_character",
    "exclamations_per_character",
    "questions_per_character",
    "distinct_word_share",
    *_PHRASES,
    *(f"{name}_per_word" for name in _RATES),
)
"""The columns of ``hand_features``, in order; the artifact's card records them and loading refuses
a model trained on other columns."""


def _row(text: str) -> list[float]:
    folded = fold_normalized(text)
    tokens = words_of_folded(folded)
    n_words = len(tokens)
    characters = max(len(text), 1)
    letters = sum(char.isalpha() for char in text) or 1
    emoji = 0 if text.isascii() else sum(1 for char in text if unicodedata.category(char) == "So")
    row = [
        float(np.log1p(n_words)),
        float(np.log1p(len(text))),
        sum(char.isupper() for char in text) / letters,
        sum(char.isdigit() for char in text) / characters,
        emoji / characters,
        text.count("!") / characters,
        text.count("?") / characters,
        len(set(tokens)) / max(n_words, 1),
    ]
    row.extend(float(min(len(pattern.findall(folded)), _PHRASE_CAP)) for pattern in _COMPILED_PHRASES)
    row.extend(len(pattern.findall(folded)) / max(n_words, 1) for pattern in _COMPILED_RATES)
    return row


def hand_features(prepared: Sequence[str]) -> NDArray[np.float64]:
    """One row of ``FEATURE_NAMES`` per text already passed through ``prepare``."""
    if not prepared:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float64)
    return np.asarray([_row(text) for text in prepared], dtype=np.float64)
