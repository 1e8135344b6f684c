"""How much a piece of feedback is about *this* content: the ``off_topic`` rule's measure.

The content's public metadata (title, tags, chapter titles, description, channel name, category)
becomes a weighted set of word stems; a feedback text scores the sum of the weights of the distinct
stems it shares with that set. Words that fit any video (``topics.BOILERPLATE_WORDS``, generic
praise, filler, function words) never count, so boilerplate ("the editing and the pacing kept me
watching") scores 0 on every video, and a comment written for another video scores only what it
shares by chance. A link to the content itself counts as much as a title word, and a timestamp
inside the video as much as a category word: both point at this content.

Cheap and explainable: no model, a set intersection per text, and ``Relevance.matched`` says which
words counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tgexchange.domain.content import ContentInfo
from tgexchange.domain.errors import ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.link_address import read_address
from tgexchange.domain.links import find_links, parse_link
from tgexchange.domain.quality.lexicon import FILLER_WORDS, GENERIC_WORDS, LANGUAGE_MARKERS
from tgexchange.domain.quality.normalization import normalize
from tgexchange.domain.quality.text import TIMESTAMP, fold, fold_normalized, words_of_folded
from tgexchange.domain.quality.topics import BOILERPLATE_WORDS, CATEGORY_IDS, CATEGORY_WORDS, stem

# Weights of one shared stem by where the content names it. Titles, tags, chapters and the
# channel's name are chosen by the creator to say what the content is; a description also holds
# sponsor reads and links; a category word fits every video of that category.
TITLE_WEIGHT = 1.0
DESCRIPTION_WEIGHT = 0.6
CATEGORY_WEIGHT = 0.5
OWN_LINK_WEIGHT = 1.0
TIMESTAMP_WEIGHT = 0.5
# Descriptions can be 5,000 characters of links and sponsor text: the first part says what the
# video is about.
DESCRIPTION_CHARACTERS = 1_500
_MIN_LETTERS = 3
_IGNORED = BOILERPLATE_WORDS | GENERIC_WORDS | FILLER_WORDS | LANGUAGE_MARKERS
_IGNORED_STEMS = frozenset(stem(word) for word in BOILERPLATE_WORDS if len(word) >= _MIN_LETTERS)
_CHAPTER_LINE = re.compile(r"^\s*\(?(?:\d{1,2}:)?\d{1,2}:[0-5]\d\)?\s*[-–—:|]?\s*(?P<title>.+?)\s*$", re.MULTILINE)
# Anchored at the start of a token, so that a long run without spaces is tried once, not from
# every position.
_URL = re.compile(r"(?<!\S)(?:\S*?(?:https?://|www\.)|[^\s/]+\.(?:com|be|ly|net|org|io|gg|tv|ee)/)\S*")


@dataclass(frozen=True, slots=True)
class ContentTopic:
    """What feedback on one piece of content may be about: its public metadata, as the platform
    adapters read it (``ContentInfo``). ``category`` is a YouTube category name ("Music") or its
    Data API id ("10"); ``content_id`` lets a link to the content itself count for it;
    ``duration_s`` bounds the timestamps that point inside it."""

    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()
    category: str | None = None
    channel_name: str | None = None
    content_id: str | None = None
    duration_s: int | None = None

    @classmethod
    def of(cls, info: ContentInfo) -> ContentTopic:
        """The topic of content as a platform adapter read it."""
        return cls(
            title=info.title,
            description=info.description or "",
            tags=info.tags,
            chapters=info.chapters,
            category=info.category,
            channel_name=info.channel_name,
            content_id=info.ref.content_id,
            duration_s=info.duration_s,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "description": self.description[:DESCRIPTION_CHARACTERS],
            "tags": list(self.tags),
            "chapters": list(self.chapters),
            "category": self.category,
            "channel_name": self.channel_name,
            "content_id": self.content_id,
            "duration_s": self.duration_s,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ContentTopic:
        duration = data.get("duration_s")
        return cls(
            title=str(data.get("title") or ""),
            description=str(data.get("description") or ""),
            tags=tuple(str(tag) for tag in data.get("tags") or ()),
            chapters=tuple(str(chapter) for chapter in data.get("chapters") or ()),
            category=data.get("category"),
            channel_name=data.get("channel_name"),
            content_id=data.get("content_id"),
            duration_s=None if duration is None else int(duration),
        )


@dataclass(frozen=True, slots=True)
class Relevance:
    """A text's relevance to one content: ``score`` (the sum of the weights below), ``matched``
    (the shared stems, sorted), ``own_links`` (links to the content itself) and ``timestamps``
    (moments inside the content)."""

    score: float
    matched: tuple[str, ...]
    own_links: int
    timestamps: int


def topic_terms(topic: ContentTopic) -> dict[str, float]:
    """The content's stems, each with the highest weight of the places that name it."""
    terms: dict[str, float] = {}
    category = CATEGORY_IDS.get(topic.category or "", topic.category or "")
    for word in CATEGORY_WORDS.get(category, frozenset()):
        _add(terms, word, CATEGORY_WEIGHT)
    description = topic.description[:DESCRIPTION_CHARACTERS]
    for word in _content_words(_URL.sub(" ", description)):
        _add(terms, word, DESCRIPTION_WEIGHT)
    chapters = topic.chapters or tuple(match["title"] for match in _CHAPTER_LINE.finditer(description))
    named = [topic.title, *topic.tags, *chapters, topic.channel_name or ""]
    for word in _content_words(" ".join(named)):
        _add(terms, word, TITLE_WEIGHT)
    return terms


def _add(terms: dict[str, float], word: str, weight: float) -> None:
    key = stem(word)
    if key not in _IGNORED_STEMS:
        terms[key] = max(terms.get(key, 0.0), weight)


def _content_words(text: str, *, folded: bool = False) -> list[str]:
    """The folded words of ``text`` that can say what it is about."""
    tokens = words_of_folded(text if folded else fold(text))
    return [w for w in tokens if len(w) >= _MIN_LETTERS and w not in _IGNORED]


def relevance(
    text: str, topic: ContentTopic, terms: dict[str, float] | None = None, *, normalized: bool = False
) -> Relevance:
    """How much ``text`` is about ``topic``. ``terms``: ``topic_terms(topic)`` when the caller
    keeps it (it is the same for every text on one content); ``normalized``: ``text`` already went
    through ``normalize`` (the gate's prepared text), which then is not done twice."""
    terms = topic_terms(topic) if terms is None else terms
    own = own_link_count(text, topic)
    without_links = _URL.sub(" ", fold_normalized(text if normalized else normalize(text)))
    stems = {stem(word) for word in _content_words(without_links, folded=True)}
    matched = tuple(sorted(s for s in stems if s in terms))
    moments = sum(1 for found in TIMESTAMP.findall(without_links) if _is_inside(found, topic.duration_s))
    score = sum(terms[s] for s in matched) + OWN_LINK_WEIGHT * min(own, 1) + TIMESTAMP_WEIGHT * min(moments, 1)
    return Relevance(score=round(score, 6), matched=matched, own_links=own, timestamps=moments)


def own_link_count(text: str, topic: ContentTopic) -> int:
    """How many links in ``text`` point at the content itself (any link form the exchange reads)."""
    if topic.content_id is None:
        return 0
    return sum(1 for link in find_links(text) if _points_at(link, topic.content_id))


def without_own_links(text: str, topic: ContentTopic) -> str:
    """``text`` with each link to the content itself replaced by its moment ("t=95" becomes
    "1:35") or removed: such a link is on topic, not self-promotion, and the other rules should
    judge the words around it."""
    return text if topic.content_id is None else without_links_to(text, topic.content_id)


def without_links_to(text: str, content_id: str) -> str:
    """``without_own_links`` knowing only the content's id: what the gate needs whether or not
    the community checks relevance (a member linking the video they comment on is not promoting
    themselves, and the submission's id is always known)."""
    for link in find_links(text):
        if _points_at(link, content_id):
            text = text.replace(link, _moment_of(link), 1)
    return text


def _points_at(link: str, content_id: str) -> bool:
    try:
        return parse_link(link).content_id == content_id
    # A short link (vm.tiktok.com/…) names no content until it is followed, which judging a
    # comment never does: it is not a link to the content itself (found by bench/fuzz.py).
    except (UnsupportedLink, ShortLinkNeedsLookup):
        return False


def _moment_of(link: str) -> str:
    """The ``t`` (or ``start``) parameter of a link as "m:ss", or "" without one."""
    try:
        query = read_address(link).query
    except UnsupportedLink:
        return ""
    raw = (query.get("t") or query.get("start") or [""])[0]
    seconds = _seconds(raw)
    return "" if seconds is None else f"{seconds // 60}:{seconds % 60:02d}"


def _seconds(raw: str) -> int | None:
    """``95``, ``95s`` or ``1m35s`` as seconds; None for anything else."""
    match = re.fullmatch(r"(?:(\d{1,2})h)?(?:(\d{1,3})m)?(?:(\d{1,5})s?)?", raw.strip())
    if not raw.strip() or match is None:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _is_inside(timestamp: str, duration_s: int | None) -> bool:
    seconds = 0
    for part in timestamp.split(":"):
        seconds = seconds * 60 + int(part)
    return duration_s is None or seconds <= duration_s
