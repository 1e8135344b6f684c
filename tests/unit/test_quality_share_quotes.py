"""A video quoted as YouTube's share button writes it is read as the video commented on, only when
the gate is not told the content, and only in the narrow form the module describes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tgexchange.domain.quality import is_self_promotion, without_share_quote

LINK = "https://youtu.be/CevxZvSJLk8"


@pytest.mark.parametrize(
    ("text", "left"),
    [
        (f"Katy Perry - Roar (Official): {LINK}", "Katy Perry - Roar (Official): "),
        (f"Katy Perry - Roar (Official): {LINK}. I love this song", "Katy Perry - Roar (Official): . I love this song"),
        # the title starts after the previous sentence, which may name the writer
        (
            f"Love it when I can relate to my daughter's music. :-) Katy Perry - Roar (Official): {LINK}",
            "Love it when I can relate to my daughter's music. :-) Katy Perry - Roar (Official): ",
        ),
        (f"Artist - Song: {LINK}?si=abc_DEF12 so good", "Artist - Song:  so good"),
        ("Artist - Song: http://youtu.be/CevxZvSJLk8?t=95 the drop", "Artist - Song:  the drop"),
    ],
)
def test_a_share_button_quote_is_removed(text: str, left: str) -> None:
    assert is_self_promotion(text)
    assert without_share_quote(text) == left
    assert not is_self_promotion(left)


@pytest.mark.parametrize(
    "text",
    [
        # YouTube's older share text is a call to look: the collection's spam starts with it
        f"Check out this video on YouTube: {LINK}",
        f"Take a look at this - Roar: {LINK}",
        f"my new song: {LINK}",
        f"Our cover of Roar: {LINK}",
        f"Mira mi canal - Roar: {LINK}",
        f"Escucha esto - Roar: {LINK}",
        # one word is not a title
        f"Great: {LINK}",
        # not after a colon
        f"Katy Perry - Roar {LINK}",
        # not the only link
        f"Katy Perry - Roar: {LINK} and https://example.com/me",
        # not YouTube's short link to one video
        "Katy Perry - Roar: https://www.youtube.com/watch?v=CevxZvSJLk8",
        "Katy Perry - Roar: https://youtu.be/CevxZvSJLk8?list=PL1234567890",
        "Katy Perry - Roar: https://youtube.com/@katyperry",
        "Katy Perry - Roar: https://example.com/CevxZvSJLk8",
        "Katy Perry - Roar (Official): no link at all",
    ],
)
def test_anything_else_is_left_as_it_is(text: str) -> None:
    assert without_share_quote(text) == text


def test_removing_the_quote_leaves_every_other_call_to_be_judged() -> None:
    text = f"Katy Perry - Roar (Official): {LINK} and subscribe to my channel"
    assert without_share_quote(text) != text
    assert is_self_promotion(without_share_quote(text))


def test_a_collection_file_without_a_known_video_is_read_as_the_gate_reads_comments_alone(tmp_path: Path) -> None:
    from tgexchange.ml import dataset

    rows = [
        ("Katy Perry - Roar (Official): http://youtu.be/CevxZvSJLk8 I love this song", "0"),
        ("Katy Perry - Roar (Official): http://youtu.be/CevxZvSJLk8 I love this song", "0"),
        ("Subscribe to my channel https://youtube.com/@someone", "1"),
    ]
    with (tmp_path / "Youtube09-Other.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["COMMENT_ID", "AUTHOR", "DATE", "CONTENT", "CLASS"])
        writer.writerows((str(i), "a", "2015-01-01", text, label) for i, (text, label) in enumerate(rows))
    read = dataset.load_collection(tmp_path, files=["Youtube09-Other.csv"])
    assert [c.text for c in read] == [
        "Katy Perry - Roar (Official): I love this song",
        "Katy Perry - Roar (Official): I love this song",
        "Subscribe to my channel https://youtube.com/@someone",
    ]
    assert [c.is_spam for c in read] == [False, False, True]
