"""How the quality rules read a text: normalised, folded (no case, no accents) and cut into words."""

from __future__ import annotations

import re
import unicodedata

# Control characters become spaces (a tab or newline separates words); invisible format characters
# (zero-width spaces and joiners, bidi marks and overrides, the BOM, soft hyphens) are dropped so
# that "sub\u200b4sub" or an RTL override cannot hide a pattern or split a word.
_ASCII_CONTROLS = dict.fromkeys((*range(0, 32), 127), " ")
_WORD = re.compile(r"\w+(?:['’]\w+)*")
TIMESTAMP = re.compile(r"(?<![\d:])\d{1,2}:[0-5]\d(?::[0-5]\d)?(?![\d:])")


def normalize(text: str) -> str:
    """The text as the rules read it: NFKC (full-width and styled letters become plain ones,
    decomposed accents are composed), control characters turned into spaces, invisible format
    characters removed."""
    text = unicodedata.normalize("NFKC", text)
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)
    kept: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")
        elif category != "Cf":
            kept.append(char)
    return "".join(kept)


def fold(text: str) -> str:
    """Casefolded, without accents: what patterns and word lists are matched against."""
    return fold_normalized(normalize(text))


# Cyrillic and Greek letters that look like Latin ones. NFKC keeps them apart, so "mі canal" (a
# Cyrillic і) would slip past every pattern. Only words that mix them with Latin letters are read
# as Latin: Russian or Greek text stays as it is.
_CONFUSABLES = str.maketrans(
    "аеорсухіѕјԁһӏԛԝοαινκρτυχ",
    "aeopcyxisjdhlqwoaivkptux",
)
_MIXED_WORD = re.compile(r"\w*[a-z]\w*")


def _latin_lookalikes(text: str) -> str:
    def read(word: re.Match[str]) -> str:
        token = word.group(0)
        return token if token.isascii() else token.translate(_CONFUSABLES)

    return _MIXED_WORD.sub(read, text)


def fold_normalized(normalized: str) -> str:
    decomposed = unicodedata.normalize("NFKD", normalized.casefold())
    if decomposed.isascii():
        return decomposed
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _latin_lookalikes(plain)


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
