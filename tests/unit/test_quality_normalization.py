"""The one normaliser the quality rules, the classifier's training and its scoring all read through."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tgexchange.domain.quality import fold, is_self_promotion, normalize, words
from tgexchange.ml.spam_model import prepare


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("great mix&#39;s low end &quot;thump&quot;", 'great mix\'s low end "thump"'),
        ("first line<br>second<br />third<BR/>fourth", "first line second third fourth"),
        ('<a href="http://spam.example/x">http://spam.example/x</a> now', "http://spam.example/x now"),
        (
            '<a href="http://www.youtube.com/watch?v=KQ6zr6kCPj8&amp;t=2m19s">2:19</a> best part\ufeff',
            "2:19 best part",
        ),
        ("<b>bold</b> and <i>italic</i> &amp; more", "bold and italic & more"),
        ("&amp;#39;double&amp;#39; escaped", "'double' escaped"),
        ("I <3 the bridge, and a<b and c>d stays text", "I <3 the bridge, and a<b and c>d stays text"),
    ],
    ids=[
        "entities",
        "line breaks",
        "link keeps its text",
        "timestamp link",
        "inline tags",
        "double escaped",
        "not tags",
    ],
)
def test_html_from_the_youtube_api_reads_as_the_viewer_saw_it(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "sub\u200b4\u200csub",  # zero-width space and non-joiner
        "s\u00adu\u00adb4sub",  # soft hyphens
        "\u202esub4sub\u202c",  # bidi override
        "sub\ufe0f4sub",  # variation selector
        "s\u0336u\u0336b\u03364\u0336s\u0336u\u0336b\u0336",  # strike-through marks
        "sub\U000e0041\U000e00424sub",  # tag characters
        "ｓｕｂ４ｓｕｂ",  # full-width
        "𝐬𝐮𝐛𝟒𝐬𝐮𝐛",  # mathematical bold
        "ꜱᴜʙ4ꜱᴜʙ",  # small capitals
        "ѕuЬ4ѕuЬ",  # Cyrillic look-alikes mixed with Latin
    ],
    ids=[
        "zero width",
        "soft hyphen",
        "bidi",
        "variation selector",
        "strike",
        "tags",
        "full width",
        "math",
        "small caps",
        "cyrillic",
    ],
)
def test_hidden_and_look_alike_characters_do_not_change_the_word(raw: str) -> None:
    assert fold(raw) == "sub4sub"


@pytest.mark.parametrize(
    "raw",
    [
        "𝓬𝓱𝓮𝓬𝓴 𝓸𝓾𝓽 𝓶𝔂 𝓬𝓱𝓪𝓷𝓷𝓮𝓵",
        "ᴄʜᴇᴄᴋ ᴏᴜᴛ ᴍʏ ᴄʜᴀɴɴᴇʟ",
        "🅒🅗🅔🅒🅚 🅞🅤🅣 🅜🅨 🅒🅗🅐🅝🅝🅔🅛",
        "ⓒⓗⓔⓒⓚ ⓞⓤⓣ ⓜⓨ ⓒⓗⓐⓝⓝⓔⓛ",
        "сheсk оut mу сhаnnеl",  # Cyrillic с, о, у, а, е
        "check&#32;out&nbsp;my<br>channel",
        "check\tout\x00my\u2028channel",
    ],
    ids=["script", "small caps", "negative circled", "circled", "cyrillic", "html spaces", "controls"],
)
def test_disguised_self_promotion_is_still_self_promotion(raw: str) -> None:
    assert fold(raw) == "check out my channel"
    assert is_self_promotion(raw)


def test_words_made_only_of_look_alikes_read_as_latin_but_russian_stays_russian() -> None:
    assert fold("сору") == "copy"  # every letter Cyrillic
    assert normalize("Очень хороший ролик, спасибо") == "Очень хороший ролик, спасибо"


def test_runs_of_punctuation_symbols_and_letters_shrink_to_three_but_numbers_stay() -> None:
    assert (
        normalize("wow!!!!!!!! sooooooo good 🔥🔥🔥🔥🔥 1000000 views...") == "wow!!! sooo good 🔥🔥🔥 1000000 views..."
    )
    assert normalize("www.example.com") == "www.example.com"


def test_white_space_of_every_kind_becomes_one_space() -> None:
    assert normalize("  a\u00a0\u2003b\n\n\tc\u3000d  ") == "a b c d"


def test_accents_and_case_are_kept_for_the_rules_to_fold() -> None:
    assert normalize("Canción ÚNICA") == "Canción ÚNICA"
    assert words("Canción ÚNICA") == ["cancion", "unica"]


def test_the_classifier_prepares_text_with_the_same_normaliser() -> None:
    raw = "ᴄʜᴇᴄᴋ <b>out</b> my&#39;s\u200b channel!!!!!!"
    assert prepare(raw) == normalize(raw)


@pytest.mark.parametrize(
    "hostile",
    [
        "<a " + 'x="y" ' * 5000 + ">",
        "&" * 10_000,
        "&#" + "9" * 10_000 + ";",
        "<" * 10_000,
        "\u200b" * 10_000,
        "a\u0336" * 5000,
        "<b>" * 3000,
        "&amp;" * 2000,
    ],
    ids=["many attributes", "ampersands", "huge entity", "angles", "zero width", "marks", "tags", "entities"],
)
def test_hostile_input_is_normalised_quickly(hostile: str) -> None:
    started = time.perf_counter()
    once = normalize(hostile)
    assert time.perf_counter() - started < 0.5
    assert normalize(once) == once


PIECES = [
    "&",
    "amp;",
    "lt;",
    "gt;",
    "#39;",
    "#65286;",
    "<",
    ">",
    "br",
    "b>",
    "</",
    " ",
    "!!!!",
    "\u200b",
    "＆",
    "с",
    "о",
    "\u0336",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=3), st.sampled_from(PIECES)), max_size=20).map("".join))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
