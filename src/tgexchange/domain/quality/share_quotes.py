"""A video quoted as YouTube's share button writes it, when the gate is not told the content.

YouTube's share sheet copies "<title>: https://youtu.be/<id>", and viewers paste that into the
comments of the video they are watching to quote it ("Katy Perry - Roar (Official):
http://youtu.be/CevxZvSJLk8 I love this song"). When the caller names the content (the bot and
every service always do), a link to it is read as a moment of it (``without_links_to``) and a
quote of any other video is a link like any other: self-promotion. A caller that sends a comment
alone (``tgexchange quality`` without "content", a check of comments by themselves) leaves the gate
unable to tell; counting every such quote as self-promotion refused a third of the collection's
rejected ordinary comments (8 of 15, bench/quality_without_ids.py). So, only without a content,
the quote is read as the video the comment is on when all of these hold:

- it is the text's only link, and YouTube's short link to one video (``youtu.be/<id>``, with at
  most ``si``, ``t`` or ``feature`` parameters): a channel, a playlist or another site never is;
- it follows "<title>:" and the title, from the start of its sentence, has at least two words;
- the title names neither the writer ("my", "our", "mi", …) nor a call to look ("check out this
  video on YouTube:", YouTube's older share text, is how the collection's spam begins).

Everything else in the text is judged as before, by every rule and the classifier.
"""

from __future__ import annotations

import re

from tgexchange.domain.links import find_links
from tgexchange.domain.quality.text import words

_SHORT_LINK = re.compile(r"https?://(?:www\.)?youtu\.be/[A-Za-z0-9_-]{11}(?:[?&](?:si|t|feature)=[^\s&#]*)*")
# The title runs from the end of the previous sentence (or the text's start) to the colon.
_SENTENCE_END = re.compile(r"[.!?]+\s+|\n")
_TITLE_WORDS_MIN = 2
_NAMES_WRITER_OR_CALLS = frozenset(
    {
        # the writer's own
        "my",
        "our",
        "mine",
        "mi",
        "mis",
        "nuestro",
        "nuestra",
        "nuestros",
        "nuestras",
        # calls to look, listen or act
        "check",
        "watch",
        "look",
        "listen",
        "see",
        "view",
        "visit",
        "subscribe",
        "sub",
        "follow",
        "share",
        "click",
        "support",
        "mira",
        "miren",
        "escucha",
        "escuchen",
        "visita",
        "suscribete",
        "sigueme",
        "comparte",
        "apoya",
    }
)


def without_share_quote(text: str) -> str:
    """``text`` without its share-button quote of a YouTube video (see the module's rules), or
    ``text`` itself when it holds none. Only for a text whose content is not known."""
    links = find_links(text)
    if len(links) != 1 or _SHORT_LINK.fullmatch(links[0]) is None:
        return text
    link = links[0]
    at = text.find(link)
    before = text[:at].rstrip()
    if not before.endswith(":"):
        return text
    title = _SENTENCE_END.split(before[:-1])[-1]
    title_words = words(title)  # folded: lower case, no accents
    if len(title_words) < _TITLE_WORDS_MIN or not _NAMES_WRITER_OR_CALLS.isdisjoint(title_words):
        return text
    return text[:at] + text[at + len(link) :]
