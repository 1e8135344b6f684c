"""A rule-based stand-in for the quality gate, used only by the simulation."""

from __future__ import annotations

import re

_PROMO = re.compile(r"https?://|www\.|\.com\b|sub ?4 ?sub|check (out )?my|subscribe to my|my channel", re.I)
_GENERIC = {"nice", "video", "great", "content", "cool", "awesome", "love", "it", "good", "job", "bro"}


def judge(text: str, *, min_words: int, earlier: set[str]) -> str | None:
    """None when the text passes, else the name of the rule it breaks."""
    words = re.findall(r"\w+", text.lower())
    if _PROMO.search(text):
        return "self_promotion"
    if len(words) < min_words:
        return "too_short"
    if len(set(words) - _GENERIC) < 3:
        return "generic_praise"
    if text in earlier:
        return "near_copy"
    return None
