"""Link parsing under fuzz: ``domain.links.parse_link`` (and ``find_link``/``find_links``, and the
``tgexchange url`` command's reader) on arbitrary text, on mutated real link forms (the corpus
``tests/fixtures/platforms/link-forms.json`` and the accepted forms of tests/unit/test_links.py)
and on hostile unicode.

Properties: parse_link returns a link or raises the domain's own refusal (UnsupportedLink,
ShortLinkNeedsLookup), nothing else; a parsed link's canonical url parses again to the same
platform, kind, id and url; find_link answers a piece of the message or None."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from tests.fuzzing import unexpected
from tgexchange.domain.errors import DomainError, ShortLinkNeedsLookup, UnsupportedLink
from tgexchange.domain.links import MAX_LINK_LENGTH, find_link, find_links, parse_link

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "platforms" / "link-forms.json"
# Forms people paste that the corpus (yt-dlp's own tests) may lack.
EXTRA_FORMS = (
    "https://youtu.be/dQw4w9WgXcQ?si=Ab1-cd",
    "https://www.youtube.com/shorts/abc_DEF-123",
    "https://www.youtube.com/@SomeCreator",
    "https://www.youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA",
    "https://www.tiktok.com/@someone/video/6718335390845095173",
    "https://vm.tiktok.com/ZMabcdef/",
    "https://www.instagram.com/reel/C9xYz12AbCd/",
    "https://www.instagram.com/p/C9xYz12AbCd/?igsh=abc",
    "youtube.com/watch?v=dQw4w9WgXcQ",
    "//m.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
)
# Characters that have broken parsers elsewhere: direction overrides, zero-width joiners, BOM,
# combining marks, lookalike letters (Cyrillic, fullwidth), IDN dots, lone surrogates (JSON can
# carry them: "\ud800"), NUL and other controls, percent signs and the URL's own delimiters.
HOSTILE = (
    "\u202e\u202d\u202a\u202b\u202c\u2066\u2067\u2068\u2069\u200e\u200f"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f"
    "\u0301\u0308\u20dd\u0489"
    "оаеісрхуОАЕ"  # Cyrillic lookalikes
    "ｙｏｕｔｕｂｅ．ｃｏｍ／"  # fullwidth
    "\u3002\uff0e\uff61"  # ideographic and fullwidth full stops (IDNA reads them as dots)
    "\ud800\udfff\udcff"
    "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029"
    "%:/?#[]@!$&'()*+,;=\\ \t\r\n"
    "😀👍🏽👨‍👩‍👧"
    "xn--"
)


@cache
def forms() -> tuple[str, ...]:
    rows = json.loads(CORPUS.read_text(encoding="utf-8"))["forms"]
    return tuple(dict.fromkeys([*(row["url"] for row in rows), *EXTRA_FORMS]))


@st.composite
def mutated_form(draw: st.DrawFn) -> str:
    """A real link form with a few edits: characters inserted, deleted, replaced (from the
    hostile set or anything), a piece repeated, the case flipped, percent-encoded."""
    text = draw(st.sampled_from(forms()))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "repeat", "case", "percent", "cut"]))
        if how == "insert":
            text = (
                text[:at]
                + draw(st.text(st.sampled_from(HOSTILE) | st.characters(), min_size=1, max_size=3))
                + text[at:]
            )
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif how == "replace" and at < len(text):
            text = text[:at] + draw(st.sampled_from(HOSTILE) | st.characters()) + text[at + 1 :]
        elif how == "repeat":
            text = text[:at] + text[at : at + 12] * draw(st.integers(2, 50)) + text[at:]
        elif how == "case":
            text = text.swapcase()
        elif how == "percent" and at < len(text):
            text = text[:at] + "".join(f"%{b:02X}" for b in text[at].encode("utf-8", "surrogatepass")) + text[at + 1 :]
        elif how == "cut":
            text = text[:at]
    return text


def link_texts() -> st.SearchStrategy[str]:
    """Arbitrary text, mutated link forms, hostile unicode, and very long inputs."""
    return st.one_of(
        st.text(max_size=200),
        mutated_form(),
        mutated_form(),
        st.text(st.sampled_from(HOSTILE) | st.characters(codec="utf-8"), max_size=120),
        st.builds(lambda form, noise: form + noise, st.sampled_from(forms()), st.text(st.sampled_from(HOSTILE))),
        st.builds(
            lambda form, n: form + "a" * n,
            st.sampled_from(forms()),
            st.integers(MAX_LINK_LENGTH - 60, MAX_LINK_LENGTH + 60),
        ),
    )


def check_link(text: str) -> str:
    try:
        ref = parse_link(text)
    except ShortLinkNeedsLookup:
        return "short link"
    except UnsupportedLink as refused:
        return f"refused: {refused.params.get('reason', refused.code)}"
    except Exception as error:
        raise unexpected(error, text) from error
    try:
        again = parse_link(ref.url)
    except Exception as error:
        raise AssertionError(f"the canonical url {ref.url!r} of {text!r} does not parse: {error!r}") from error
    assert (again.platform, again.kind, again.content_id, again.url) == (
        ref.platform,
        ref.kind,
        ref.content_id,
        ref.url,
    ), f"{text!r} → {ref} but its url reads as {again}"
    return f"parsed: {ref.platform.value} {ref.kind.value}"


def messages() -> st.SearchStrategy[str]:
    """Whole pasted messages: words, hostile characters and link forms run together."""
    piece = st.one_of(st.text(max_size=30), st.sampled_from(forms()), mutated_form(), st.text(st.sampled_from(HOSTILE)))
    return st.lists(piece, max_size=8).map(" ".join)


def check_message(message: str) -> str:
    try:
        first = find_link(message)
        every = find_links(message)
    except Exception as error:
        raise unexpected(error, message) from error
    assert first is None or first in message, (first, message)
    assert all(link in message for link in every), (every, message)
    assert (first is None) == (not every) or first == every[0], (first, every)
    return check_link(first) if first is not None else "no link"


def check_cli_answer(text: str) -> str:
    """The ``tgexchange url`` command's answer for one link (what it prints, as JSON): a link or a
    refusal told in the bot's words, never an exception."""
    from tgexchange.cli.url import _LinkReader

    with _LinkReader(resolve=False) as reader:
        try:
            answer = reader.answer(text)
            printed = json.dumps(answer)
        except Exception as error:
            raise unexpected(error, text) from error
    assert answer["input"] == text
    if "error" in answer:
        assert answer["error"].strip(), answer
        assert answer["code"], answer
        assert "Traceback" not in printed
        return f"refused: {answer['code']}"
    assert set(answer) == {"input", "platform", "kind", "content_id", "url"}, answer
    return "parsed"


__all__ = ["DomainError", "check_cli_answer", "check_link", "check_message", "link_texts", "messages"]
