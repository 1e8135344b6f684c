"""``tgexchange url``, run as a user runs it: a real process, arguments and standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from tgexchange.adapters.platforms import short_links
from tgexchange.bot.texts import Texts, plain
from tgexchange.cli.url import url
from tgexchange.domain.errors import UnsupportedLink

CLI = [sys.executable, "-m", "tgexchange.cli", "url"]
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
ANSWER_KEYS = {"input", "platform", "kind", "content_id", "url"}
ERROR_KEYS = {"input", "error", "code"}


def run(
    *args: str, stdin: bytes | None = None, tmp_path: Path, columns: int = 200
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(tmp_path), "NO_COLOR": "1", "COLUMNS": str(columns)}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, env=env, timeout=60, check=False)


def json_lines(result: subprocess.CompletedProcess[bytes]) -> list[dict[str, str]]:
    return [json.loads(line) for line in result.stdout.decode().splitlines()]


def test_url_explains_itself_with_help(tmp_path: Path) -> None:
    result = run("--help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    help_text = result.stdout.decode()
    assert "--json" in help_text
    assert "--resolve" in help_text
    assert "Exits 1 when any link is refused" in help_text


def test_json_answers_one_line_per_link_in_order(tmp_path: Path) -> None:
    result = run("--json", "youtu.be/dQw4w9WgXcQ?si=x", "https://www.tiktok.com/tag/fyp", tmp_path=tmp_path)

    assert result.returncode == 1, result.stderr  # one link was refused
    accepted, refused = json_lines(result)
    assert accepted == {
        "input": "youtu.be/dQw4w9WgXcQ?si=x",
        "platform": "youtube",
        "kind": "video",
        "content_id": "dQw4w9WgXcQ",
        "url": VIDEO,
    }
    assert set(refused) == ERROR_KEYS
    assert refused["code"] == "unsupported_link"
    assert "hashtag" in refused["error"]


def test_standard_input_gets_one_answer_per_line_blank_and_broken_lines_included(tmp_path: Path) -> None:
    lines = [
        b"https://www.instagram.com/reel/C9xYz12AbCd/",
        b"",
        b"javascript:alert(1)",
        b"   ",
        b"vm.tiktok.com/ZTR45GpSF/",
        b"\xff\xfe not utf-8",
        b"youtube.com/@SomeCreator\r",
        b"https://www.tiktok.com/@scout2015/video/6718335390845095173",
    ]
    result = run("-", stdin=b"\n".join(lines) + b"\n", tmp_path=tmp_path)

    assert result.returncode == 1, result.stderr  # some were refused; every line was still answered
    answers = json_lines(result)
    assert len(answers) == len(lines)
    assert [answer.get("code") for answer in answers] == [
        None,
        "unsupported_link",
        "unsupported_link",
        "unsupported_link",
        "short_link_needs_lookup",
        "unsupported_link",
        None,
        None,
    ]
    assert answers[0]["input"] == "https://www.instagram.com/reel/C9xYz12AbCd/"
    assert answers[1]["input"] == ""
    assert answers[6]["input"] == "youtube.com/@SomeCreator"  # the line ending is not part of the input
    assert answers[6]["content_id"] == "@somecreator"
    for answer in answers:
        assert set(answer) in (ANSWER_KEYS, ERROR_KEYS)


def test_standard_input_without_a_final_newline_still_answers_the_last_line(tmp_path: Path) -> None:
    result = run("-", stdin=b"youtu.be/dQw4w9WgXcQ\nnope", tmp_path=tmp_path)

    assert result.returncode == 1, result.stderr
    assert [answer["input"] for answer in json_lines(result)] == ["youtu.be/dQw4w9WgXcQ", "nope"]


def test_a_short_link_without_resolve_says_it_needs_a_lookup(tmp_path: Path) -> None:
    result = run("--json", "https://vt.tiktok.com/ZSe4FqkKd", tmp_path=tmp_path)

    assert result.returncode == 1, result.stderr
    (answer,) = json_lines(result)
    assert answer["code"] == "short_link_needs_lookup"
    assert "--resolve" in answer["error"]


def test_the_text_shows_the_canonical_url_and_the_reason_for_a_refusal(tmp_path: Path) -> None:
    result = run(f"{VIDEO}&t=42s", "https://www.youtube.com/playlist?list=PLx", "[bold]x", tmp_path=tmp_path)

    assert result.returncode == 1, result.stderr
    text = result.stdout.decode()
    assert f"  url         {VIDEO}\n" in text
    assert "  platform    youtube\n" in text
    assert "That is a playlist, not one video. (unsupported_link)" in text
    assert "[bold]x\n" in text  # printed as typed, not read as markup
    assert text.count("Send a link to one YouTube video") == 1  # said once, after every answer


def test_when_every_link_is_accepted_the_exit_code_is_0(tmp_path: Path) -> None:
    result = run(VIDEO, "https://www.instagram.com/p/C9xYz12AbCd/embed/", tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "Send a link" not in result.stdout.decode()


def test_long_links_and_urls_are_printed_whole_at_80_columns(tmp_path: Path) -> None:
    sec_uid = "MS4wLjABAAAATh8Vewkn0LYM7Fo03iec3qKdeCUOcBIouRk1mkiag6h3o_pQu_dUXvZ2EZlGST7_"
    canonical = f"https://www.tiktok.com/@{sec_uid}/video/7042692929109986561"
    link = f"{canonical}?is_from_webapp=1&sender_device=pc&web_id="
    link += "7" * (200 - len(link))
    assert len(link) == 200
    refused = "https://www.youtube.com/playlist?list=" + "P" * 162

    result = run(link, refused, tmp_path=tmp_path, columns=80)
    as_json = run("--json", link, tmp_path=tmp_path, columns=80)

    lines = result.stdout.decode().splitlines()
    assert link in lines  # the input, whole, on a line of its own
    assert f"  url         {canonical}" in lines
    assert refused in lines
    prose = [line for line in lines if line not in {link, refused, f"  url         {canonical}"}]
    assert all(len(line) <= 80 for line in prose)  # explanations still wrap at the terminal's width
    assert json_lines(as_json) == [
        {"input": link, "platform": "tiktok", "kind": "video", "content_id": "7042692929109986561", "url": canonical}
    ]


def test_a_refusal_is_told_in_the_bots_own_english_words(tmp_path: Path) -> None:
    links = ["https://www.tiktok.com/tag/fyp", "youtu.be/" + "a" * 3000, "vm.tiktok.com/ZTR45GpSF/"]
    result = run("--json", *links, tmp_path=tmp_path)

    assert result.returncode == 1
    texts = Texts(strict=True)
    said = [answer["error"] for answer in json_lines(result)]
    assert said[0] == plain(texts.error("en", UnsupportedLink("hashtag")))
    assert said[1] == plain(texts.error("en", UnsupportedLink("too_long", maximum=2048)))
    assert said[1].startswith("That is too long to be a link (more than 2,048 characters).")
    # Not the bot's words here: the bot looks short links up itself; the CLI only with --resolve.
    assert said[2] == (
        "That is a TikTok short link: which video it leads to is known only by following it. "
        "Run again with --resolve to look it up."
    )


@pytest.mark.parametrize("stdin", [None, b""])
def test_no_input_at_all_exits_2(stdin: bytes | None, tmp_path: Path) -> None:
    args = ("-",) if stdin is not None else ()
    result = run(*args, stdin=stdin, tmp_path=tmp_path)

    assert result.returncode == 2
    assert result.stdout == b""
    assert b"Give one or more links" in result.stderr


def test_resolve_follows_a_short_link_then_reads_where_it_leads(monkeypatch: pytest.MonkeyPatch) -> None:
    # In process, so the HTTP layer can be replaced: this test must never reach TikTok.
    target = "https://www.tiktok.com/@scout2015/video/6718335390845095173?_t=8abc"
    requested: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requested.append(f"{request.method} {request.url}")
        return httpx.Response(301, headers={"Location": target})

    monkeypatch.setattr(short_links, "build_client", lambda: httpx.Client(transport=httpx.MockTransport(answer)))
    app = typer.Typer()
    app.command()(url)

    result = CliRunner().invoke(app, ["--resolve", "--json", "vm.tiktok.com/ZTR45GpSF/", VIDEO])

    assert result.exit_code == 0, result.output
    resolved, untouched = (json.loads(line) for line in result.stdout.splitlines())
    assert resolved["input"] == "vm.tiktok.com/ZTR45GpSF/"
    assert resolved["url"] == "https://www.tiktok.com/@scout2015/video/6718335390845095173"
    assert untouched["url"] == VIDEO
    assert requested == ["HEAD https://vm.tiktok.com/ZTR45GpSF/"]
