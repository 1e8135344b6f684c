"""Fuzzing the quality gate and normalization (tests/fuzzing/texts.py), a fixed slice: the long
run is bench/fuzz.py."""

from __future__ import annotations

from tests.fuzzing import run
from tests.fuzzing.texts import check_judgement, check_normalization, comment_texts, judgements


def test_every_comment_gets_the_same_verdict_every_time() -> None:
    tally = run("comment texts", judgements(), check_judgement, cases=60)
    assert tally.outcomes["accepted"], tally.outcomes
    assert tally.outcomes["refused: too_short"], tally.outcomes


def test_normalization_takes_any_text() -> None:
    tally = run("normalization", comment_texts(), check_normalization, cases=400)
    assert tally.outcomes["text"]
    assert tally.outcomes["empty"]
