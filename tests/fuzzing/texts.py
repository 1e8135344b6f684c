"""Comment texts under fuzz: the quality gate (``adapters.quality.ClassifierQualityGate``, with the
packaged spam model) and the domain's normalization, on arbitrary unicode, huge texts, control
characters, zero-width and direction marks, and emoji floods.

Properties: a verdict for every text (accepted or one rule broken), never an exception; every
score a finite number; the same verdict for the same input (also judged again, with the gate's
caches warm, and alone or in a batch); normalization returns text and is deterministic."""

from __future__ import annotations

import math
from functools import cache

from hypothesis import strategies as st

from tests.fuzzing import unexpected
from tests.fuzzing.links import HOSTILE, forms
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.domain.quality import ContentTopic
from tgexchange.domain.quality.normalization import normalize
from tgexchange.services.ports import QualityVerdict

WORDS = [
    "great",
    "video",
    "loved",
    "the",
    "editing",
    "the",
    "audio",
    "at",
    "2:13",
    "is",
    "too",
    "quiet",
    "nice",
    "thumbnail",
    "sub4sub",
    "check",
    "my",
    "channel",
    "gran",
    "video",
    "me",
    "encantó",
    "la",
    "música",
    "el",
    "minuto",
    "1:05",
    "es",
    "genial",
    "buen",
    "trabajo",
    "suscríbete",
    "idiota",
    "free",
    "money",
    "http://spam.example",
    "click",
    "here",
    "🔥🔥🔥",
    "amazing",
    "content",
    "keep",
    "it",
    "up",
]
EMOJI = "😀😂🔥👍🏽❤️🎉✨💯🙏👨‍👩‍👧🏳️‍🌈"


@cache
def gate() -> ClassifierQualityGate:
    """One gate per process: loading the model takes a second."""
    return ClassifierQualityGate()


def comment_texts() -> st.SearchStrategy[str]:
    words = st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join)
    return st.one_of(
        st.text(max_size=300),
        words,
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(st.sampled_from(HOSTILE), max_size=4)), max_size=40).map(
            "".join
        ),
        st.builds(lambda e, n: e * n, st.text(st.sampled_from(EMOJI), min_size=1, max_size=3), st.integers(1, 3000)),
        st.builds(lambda w, n: (w + " ") * n, st.sampled_from(WORDS), st.integers(100, 5000)),
        st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Mn", "Zs", "Zl", "Zp", "So"]), max_size=200),
        st.builds(lambda a, link, b: f"{a} {link} {b}", words, st.sampled_from(forms()), words),
    )


def judgements() -> st.SearchStrategy[tuple[str, int, list[str], bool]]:
    """A text, the community's minimum words, the author's earlier feedback, and whether the
    content's topic is known (the off-topic rule applies)."""
    return st.tuples(
        comment_texts(),
        st.sampled_from([0, 1, 3, 8]) | st.integers(0, 200),
        st.lists(comment_texts(), max_size=3),
        st.booleans(),
    )


TOPIC = ContentTopic(
    title="How I edit my videos: audio, colour and thumbnails",
    description="Editing tutorial. Cómo edito mis vídeos.",
    tags=("editing", "audio", "tutorial"),
    category="Education",
    content_id="dQw4w9WgXcQ",
    duration_s=600,
)


def _same(left: QualityVerdict, right: QualityVerdict) -> bool:
    return (left.accepted, left.rule, left.scores) == (right.accepted, right.rule, right.scores)


def check_judgement(case: tuple[str, int, list[str], bool]) -> str:
    text, min_words, earlier, on_topic = case
    content = TOPIC if on_topic else None
    try:
        verdict = gate().assess(text, min_words=min_words, earlier=earlier, content=content)
        again = gate().assess(text, min_words=min_words, earlier=earlier, content=content)
        batch = gate().assess_many(
            ["first", text], min_words=min_words, earlier=[[], earlier], content=[None, content]
        )[1]
    except Exception as error:
        raise unexpected(error, case) from error
    assert verdict.accepted == (verdict.rule is None), verdict
    assert all(isinstance(v, float) and math.isfinite(v) for v in verdict.scores.values()), verdict.scores
    assert _same(verdict, again), (verdict, again)
    assert _same(verdict, batch), (verdict, batch)
    return "accepted" if verdict.accepted else f"refused: {verdict.rule}"


def check_normalization(text: str) -> str:
    try:
        once = normalize(text)
        twice = normalize(text)
    except Exception as error:
        raise unexpected(error, text) from error
    assert isinstance(once, str)
    assert once == twice
    return "empty" if not once.strip() else "text"
