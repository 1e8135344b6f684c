"""``tgexchange quality`` and ``tgexchange train``, run as a user runs them: a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "tgexchange.cli"]

GOOD = "The intro is tight, but the audio drops out around 2:30 when you switch microphones."
GOOD_ES = "La explicación del minuto tres es muy clara, pero el audio baja cuando te alejas del micrófono."
PROMO = "Nice editing on the transitions, by the way check out my channel for more tutorials like this"


def run(*args: str, stdin: str | bytes, tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(tmp_path), "NO_COLOR": "1", "COLUMNS": "160"}
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    return subprocess.run([*CLI, *args], input=data, capture_output=True, env=env, timeout=120, check=False)


def answers(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, object]]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def test_quality_json_answers_every_input_line_in_order_and_survives_malformed_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": GOOD}),
        "this is not json",
        json.dumps({"text": PROMO}),
        json.dumps(["a", "list"]),
        json.dumps({"text": 42}),
        "",
        json.dumps({"text": GOOD_ES}, ensure_ascii=False),
        json.dumps({"text": "nice video!!"}),
    ]
    result = run("quality", "--json", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr.decode()
    out = answers(result)
    assert len(out) == len(lines)
    assert out[0]["accepted"] is True
    assert out[0]["rule"] is None
    scores = out[0]["scores"]
    assert isinstance(scores, dict)
    assert {"spam", "toxicity", "words", "generic_share"} <= set(scores)
    assert [("error" in answer) for answer in out] == [False, True, False, True, True, True, False, False]
    assert "line 2" in str(out[1]["error"])
    assert out[2]["rule"] == "self_promotion"
    assert out[6]["accepted"] is True
    assert out[7]["rule"] == "too_short"


def test_quality_json_keeps_one_answer_per_line_when_a_text_holds_unicode_line_separators(tmp_path: Path) -> None:
    tricky = json.dumps({"text": GOOD + "\u2028" + "\r" + "more"}, ensure_ascii=False)
    invalid_utf8 = b"\xff\xfe{}"
    result = run("quality", "--json", stdin=tricky.encode("utf-8") + b"\n" + invalid_utf8 + b"\n", tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr.decode()
    out = answers(result)
    assert len(out) == 2
    assert "accepted" in out[0]
    assert "UTF-8" in str(out[1]["error"])


def test_quality_with_a_batch_of_one_gives_the_same_answers(tmp_path: Path) -> None:
    lines = "\n".join(json.dumps({"text": t}) for t in (GOOD, PROMO, "nice video!!")) + "\n"
    batched = run("quality", "--json", stdin=lines, tmp_path=tmp_path)
    one_by_one = run("quality", "--json", "--batch-size", "1", stdin=lines, tmp_path=tmp_path)
    assert answers(batched) == answers(one_by_one)
    assert len(answers(batched)) == 3


def test_quality_min_words_option_overrides_the_community_default(tmp_path: Path) -> None:
    line = json.dumps({"text": "The audio is too quiet here"}) + "\n"
    default = answers(run("quality", "--json", stdin=line, tmp_path=tmp_path))
    relaxed = answers(run("quality", "--json", "--min-words", "5", stdin=line, tmp_path=tmp_path))
    assert default[0]["rule"] == "too_short"
    assert relaxed[0]["accepted"] is True


def test_quality_without_json_prints_a_readable_table(tmp_path: Path) -> None:
    lines = json.dumps({"text": GOOD}) + "\nbroken\n"
    result = run("quality", stdin=lines, tmp_path=tmp_path)
    assert result.returncode == 2, result.stderr.decode()
    table = result.stdout.decode("utf-8")
    assert "accepted" in table
    assert "error" in table
    assert "The intro is tight" in table


@pytest.mark.parametrize("command", [["quality"], ["train"], ["train", "spam"]])
def test_quality_and_train_explain_themselves_with_help(command: list[str], tmp_path: Path) -> None:
    result = run(*command, "--help", stdin="", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "Usage" in result.stdout.decode("utf-8")


def test_train_spam_reports_a_missing_collection_clearly(tmp_path: Path) -> None:
    result = run("train", "spam", "--data-dir", str(tmp_path / "nowhere"), "--quiet", stdin="", tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Cannot read the collection" in result.stderr.decode("utf-8")


def test_quality_table_survives_markup_surrogates_huge_numbers_and_deep_nesting(tmp_path: Path) -> None:
    lines = [
        '{"text": "Loved the [/b] part at 2:10, the lighting is warm and the cuts are quick"}',
        '{"text": "\\ud800 a lone surrogate"}',
        '{"text": 1' + "0" * 5000 + "}",
        "[" * 100_000,
        '{"text": "fine but short"}',
    ]
    result = run("quality", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)

    table = result.stdout.decode()
    assert result.returncode == 2, result.stderr.decode()
    assert "[/b]" in table  # shown as text, not read as markup
    assert table.count("not JSON") == 2
    assert "fine but short" in table  # later lines still judged


def test_quality_reports_each_bad_line_on_stderr_judges_the_rest_and_exits_non_zero(tmp_path: Path) -> None:
    lines = [json.dumps({"text": GOOD}), "not json at all", json.dumps({"text": PROMO}), '{"text": 3}']
    result = run("quality", "--json", stdin="\n".join(lines) + "\n", tmp_path=tmp_path)
    assert result.returncode == 2
    errors = result.stderr.decode("utf-8").splitlines()
    assert errors == [
        "tgexchange quality: line 2: not JSON (Expecting value at column 1)",
        'tgexchange quality: line 4: "text" must be a string',
    ]
    out = answers(result)
    assert [answer.get("rule", "error") for answer in out] == [None, "error", "self_promotion", "error"]


def test_quality_exits_zero_when_every_line_is_judged(tmp_path: Path) -> None:
    result = run("quality", "--json", stdin=json.dumps({"text": GOOD}) + "\n", tmp_path=tmp_path)
    assert result.returncode == 0
    assert result.stderr == b""


def test_quality_reads_a_link_to_the_commented_video_itself_as_a_moment_when_told_the_video(tmp_path: Path) -> None:
    text = (
        "The drop at https://www.youtube.com/watch?v=9bZkp7q19f0&t=95 is where the mix gets muddy, "
        "the bass swallows the vocal for a few seconds"
    )
    promo = "check out my channel https://www.youtube.com/watch?v=abcdefghijk"
    lines = [
        {"text": text},  # no video named: a link in feedback reads as promotion
        {"text": text, "content": "https://youtu.be/9bZkp7q19f0"},
        {"text": text, "content": "9bZkp7q19f0"},
        {"text": promo, "content": "9bZkp7q19f0"},  # a link to another video is still one
        {"text": text, "content": "https://example.com/not a video"},
        # no video named, but quoted as YouTube's share button writes it: read as the video itself
        {
            "text": "PSY - GANGNAM STYLE (강남스타일) M/V: http://youtu.be/9bZkp7q19f0 the horse dance in the chorus is still so fun"
        },
    ]
    result = run("quality", "--json", stdin="\n".join(json.dumps(line) for line in lines) + "\n", tmp_path=tmp_path)

    got = answers(result)
    assert [(a.get("accepted"), a.get("rule")) for a in got[:4]] == [
        (False, "self_promotion"),
        (True, None),
        (True, None),
        (False, "self_promotion"),
    ]
    assert (got[5].get("accepted"), got[5].get("rule")) == (True, None)
    assert got[4] == {"error": 'line 5: "content" must be a link to one video or post, or its id'}
    assert result.returncode == 2
    assert b'line 5: "content" must be' in result.stderr
