"""Fuzzing link parsing (tests/fuzzing/links.py), a fixed slice: the long run is bench/fuzz.py."""

from __future__ import annotations

from tests.fuzzing import run
from tests.fuzzing.links import check_cli_answer, check_link, check_message, link_texts, messages


def test_any_text_is_a_link_or_a_refusal_and_canonical_urls_read_back() -> None:
    tally = run("links", link_texts(), check_link, cases=300)
    assert tally.cases >= 300
    # The generator reaches every answer: links of each platform, refusals of several kinds.
    assert {"parsed: youtube video", "parsed: tiktok video", "parsed: instagram post"} <= set(tally.outcomes)
    assert sum(1 for label in tally.outcomes if label.startswith("refused")) >= 3


def test_any_message_gives_a_piece_of_itself_or_no_link() -> None:
    tally = run("messages", messages(), check_message, cases=150)
    assert tally.outcomes["no link"]
    assert any(label.startswith("parsed") for label in tally.outcomes)


def test_the_url_command_answers_every_input() -> None:
    tally = run("cli url", link_texts(), check_cli_answer, cases=100)
    assert tally.outcomes["parsed"]
    assert tally.outcomes["refused: unsupported_link"]
