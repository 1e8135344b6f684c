"""The one normaliser: every text the quality gate judges or learns from passes through
``normalize`` first, so the rules, the classifier's training and its scoring read the same text.

What it undoes, and why:
- HTML: the YouTube Data API's ``textDisplay`` is HTML (``<br>``, ``<a href=...>``, ``&#39;``,
  ``&quot;``) and yt-dlp may pass markup through. Known tags are removed (their text stays: a
  link's text is its URL, a timestamp's is "2:19"), line-breaking tags become spaces, entities are
  decoded. Only known tag names count, so plain text such as "I <3 it" or "a<b and c>d" stays.
- Invisible characters: control characters become spaces (a tab or newline separates words);
  format characters (zero-width spaces and joiners, bidi marks and overrides, the BOM, soft
  hyphens, tag characters), variation selectors, the combining grapheme joiner, blank "letters"
  (Hangul fillers, the braille blank) and diacritics that NFKC could not compose with a letter
  (strike-through "s̶u̶b̶", "zalgo" text) are dropped, so "sub\u200b4sub" or an RTL override cannot
  hide a pattern or split a word.
- Look-alike letters: NFKC turns full-width, mathematical, circled and superscript letters into
  plain ones; ``CONFUSABLES`` then reads small capitals and letter symbols (🅢, 🅂) as Latin
  letters everywhere, and Cyrillic, Greek and Armenian look-alikes as Latin inside a word that
  mixes them with Latin letters or is made only of look-alikes ("сору" in Cyrillic reads "copy";
  Russian or Greek words with other letters stay as they are).
- Runs: four or more of one punctuation mark, symbol or letter become three ("!!!!!!!" → "!!!",
  "soooooo" → "sooo"; digits are kept: "1000000" is a number), and every run of white space
  becomes one space, trimmed.

The result keeps case and accents (folding is ``tgexchange.domain.quality.text.fold``). It is
idempotent: ``normalize(normalize(x)) == normalize(x)`` (the passes repeat until nothing changes,
because decoding an entity can reveal another, a full-width "＆" or a hidden zero-width space).
"""

from __future__ import annotations

import html
import re
import unicodedata

_MAX_PASSES = 4

_BLOCK_TAGS = "br|p|div|li|ul|ol|tr|td|th|table|blockquote|h[1-6]|hr|pre"
_INLINE_TAGS = "a|abbr|b|big|code|del|em|font|i|img|ins|mark|s|small|span|strike|strong|sub|sup|u|iframe|script|style"
# A tag is its name, then only name="value" attributes (at most 20), then ">" or "/>": "<b and c>"
# in plain text is not one.
_ATTRIBUTES = r"""(?:\s+[\w:.-]{1,40}\s*=\s*(?:"[^"<>]{0,2000}"|'[^'<>]{0,2000}'|[^\s"'<>]{1,2000})){0,20}\s*/?>"""
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS}){_ATTRIBUTES}", re.IGNORECASE)
_INLINE_TAG = re.compile(rf"</?(?:{_INLINE_TAGS}){_ATTRIBUTES}", re.IGNORECASE)

_BLANK_LETTERS = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F}
_ASCII_CONTROLS = dict.fromkeys((*range(0, 32), 127), " ")


def _is_dropped(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf"
        or code in _BLANK_LETTERS
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        # diacritics left over after NFKC composed what it could: strike-through and "zalgo" marks
        or 0x0300 <= code <= 0x036F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


def _symbol_letters() -> dict[int, str]:
    table: dict[int, str] = {}
    for offset in range(26):
        letter = chr(ord("A") + offset)
        table[0x1F150 + offset] = letter  # negative circled: 🅐
        table[0x1F170 + offset] = letter  # negative squared: 🅰
    return table


# Small capitals and letter-like symbols that NFKC leaves alone: Latin letters wherever they are.
_ALWAYS_LATIN = {
    **_symbol_letters(),
    **{ord(char): latin for char, latin in zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnopqrstuvwyz", strict=True)},
    **{ord(char): latin for char, latin in zip("ıȷɑɡ", "ijag", strict=True)},
}
# Letters of other scripts that look like Latin ones (after Unicode's confusables list, trimmed to
# the common ones). Read as Latin only inside words that mix them with Latin letters or consist of
# nothing else.
CONFUSABLES: dict[str, str] = dict(
    zip(
        "аАвВеЕкКмМнНоОрРсСтТуУхХіІјЈѕЅԁһӏԛԚԝԜьЬ"  # Cyrillic
        "αΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧγ"  # Greek
        "օսհոցզ",  # Armenian
        "aABBeEkKmMhHoOpPcCtTyYxXiIjJsSdhlqQwWbBaABBeEZZnHiIkKuMvNoOpPtTuYxXyouhngq",
        strict=True,
    )
)
_LOOKALIKES = str.maketrans(CONFUSABLES)
_WORD_WITH_LOOKALIKE = re.compile(rf"\w*[{''.join(CONFUSABLES)}]\w*")

_PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{3,}")
_LETTER_RUN = re.compile(r"([^\W\d_])\1{3,}")
_WHITE_SPACE = re.compile(r"\s+")


def _read_lookalikes(match: re.Match[str]) -> str:
    word = match.group(0)
    latin = word.translate(_LOOKALIKES)
    if latin.isascii() or any("a" <= char.lower() <= "z" for char in word):
        return latin
    return word


def _without_invisibles(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)
    kept: list[str] = []
    for char in text:
        if unicodedata.category(char) == "Cc":
            kept.append(" ")
        elif not _is_dropped(char):
            kept.append(char)
    return "".join(kept)


# A numeric entity of thousands of digits makes html.unescape raise (Python caps int() at 4,300
# digits); any value past U+10FFFF decodes to U+FFFD anyway.
_HUGE_NUMERIC_ENTITY = re.compile(r"&#(?:[xX]0*[0-9a-fA-F]{7,}|0*[0-9]{8,});?")


def _without_markup(text: str) -> str:
    if "<" in text:
        text = _INLINE_TAG.sub("", _BLOCK_TAG.sub(" ", text))
    if "&" not in text:
        return text
    return html.unescape(_HUGE_NUMERIC_ENTITY.sub("\ufffd", text))


def _one_pass(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _without_markup(_without_invisibles(text))
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _without_invisibles(text)).translate(_ALWAYS_LATIN)
        text = _WORD_WITH_LOOKALIKE.sub(_read_lookalikes, text)
    text = _LETTER_RUN.sub(r"\1\1\1", _PUNCTUATION_RUN.sub(r"\1\1\1", text))
    return _WHITE_SPACE.sub(" ", text).strip()


def normalize(text: str) -> str:
    """``text`` as the quality gate reads it (see the module's docstring). Linear in its length."""
    for _ in range(_MAX_PASSES):
        normalized = _one_pass(text)
        if normalized == text:
            break
        text = normalized
    return text
