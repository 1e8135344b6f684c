"""Our link parser against yt-dlp's own view of single videos and posts (the corpus in
``tests/fixtures/platforms/link-forms.json``; ``tests/link_forms.py`` says how it is made)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.link_forms import (
    CORPUS,
    HAND_FORMS,
    corpus_rows,
    is_counted,
    load_corpus,
    our_answer,
    ytdlp_view,
)
from tgexchange.domain.links import parse_link

REGENERATE = "regenerate it with: python -m tests.link_forms (then review the diff)"
CORPUS_ROWS: list[dict[str, Any]] = load_corpus()["forms"]
COUNTED = [row for row in CORPUS_ROWS if is_counted(row)]

# What we answer, on purpose, where yt-dlp's extractor reads one item but we take none.
ON_PURPOSE = {
    "TikTokLiveIE": {"refused": "live"},  # a live room: no saved video to give feedback on
    "YoutubeClipIE": {"refused": "clip"},  # part of a video whose id only the clip's page tells
}


def test_the_corpus_is_what_the_installed_yt_dlp_and_the_parser_say_now() -> None:
    assert corpus_rows() == CORPUS_ROWS, f"{CORPUS.name} is stale; {REGENERATE}"


def test_the_corpus_holds_every_hand_written_form_and_the_extractors_tests() -> None:
    urls = {row["url"] for row in CORPUS_ROWS}
    assert {url for url, _ in HAND_FORMS} <= urls
    assert {row["from"] for row in CORPUS_ROWS} >= {"YoutubeIE._TESTS", "TikTokIE._TESTS", "InstagramIE._TESTS"}
    assert len(COUNTED) > 100


@pytest.mark.parametrize("row", COUNTED, ids=[row["url"][:80] for row in COUNTED])
def test_where_yt_dlp_reads_one_item_on_the_platforms_own_host_we_read_the_same_id(row: dict[str, Any]) -> None:
    view = ytdlp_view(row["url"])
    assert view is not None
    assert view.single
    answer = our_answer(row["url"])
    if view.extractor in ON_PURPOSE:
        assert answer == ON_PURPOSE[view.extractor]
    elif view.extractor == "TikTokVMIE":  # a short link: one redirect tells the video; never followed here
        assert set(answer) == {"short_link"}
        assert view.content_id is not None
        assert answer["short_link"].rstrip("/").endswith(view.content_id)
    else:
        assert (answer.get("platform"), answer.get("content_id")) == (row["host_platform"], view.content_id)


@pytest.mark.parametrize(
    "row",
    [row for row in CORPUS_ROWS if row["host_platform"] is None],
    ids=lambda row: row["url"][:80],
)
def test_mirrors_bare_ids_and_other_schemes_stay_refused(row: dict[str, Any]) -> None:
    assert set(our_answer(row["url"])) == {"refused"}


ACCEPTED_ROWS = [row for row in CORPUS_ROWS if "content_id" in row["ours"]]


@pytest.mark.parametrize("row", ACCEPTED_ROWS, ids=[row["url"][:80] for row in ACCEPTED_ROWS])
def test_every_accepted_forms_canonical_url_reads_back_the_same_and_yt_dlp_reads_it_as_one_item(
    row: dict[str, Any],
) -> None:
    ref = parse_link(row["url"])
    assert parse_link(ref.url) == ref
    if ref.kind.value == "channel":
        return
    view = ytdlp_view(ref.url.replace("/photo/", "/video/"))  # how the reader asks for photo posts
    assert view is not None
    assert (view.single, view.content_id) == (True, ref.content_id)
