"""How the quality rules read a text: normalised (``normalization``), folded (no case, no accents)
and cut into words."""

from __future__ import annotations

import re
import unicodedata

from tgexchange.domain.quality.normalization import normalize

_WORD = re.compile(r"\w+(?:['’]\w+)*")
TIMESTAMP = re.compile(r"(?<![\d:])\d{1,2}:[0-5]\d(?::[0-5]\d)?(?![\d:])")


def fold(text: str) -> str:
    """Casefolded, without accents: what patterns and word lists are matched against."""
    return fold_normalized(normalize(text))


def fold_normalized(normalized: str) -> str:
    """``fold`` of a text that ``normalize`` already read."""
    decomposed = unicodedata.normalize("NFKD", normalized.casefold())
    if decomposed.isascii():
        return decomposed
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """The words of ``text``, folded: runs of letters and digits (apostrophes inside a word keep it
    whole: "don't", "l'été") that contain at least one letter, so numbers, emoji and punctuation are
    not words. Scripts written without spaces count one word per run."""
    return words_of_folded(fold(text))


def words_of_folded(folded: str) -> list[str]:
    return [token for token in _WORD.findall(folded) if any(char.isalpha() for char in token)]


def count_words(text: str) -> int:
    """How many words ``text`` has (see ``words``)."""
    return len(words(text))
