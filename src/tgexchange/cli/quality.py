"""Judge feedback with the quality gate from the command line: ``tgexchange quality``."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer
from rich.table import Table
from rich.text import Text

from tgexchange.cli.console import err, out
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.errors import DomainError
from tgexchange.domain.links import parse_link

if TYPE_CHECKING:
    from tgexchange.services.ports import QualityGate, QualityVerdict

_PREVIEW_CHARS = 60
_BAD_INPUT = 2
"""Exit code when some input line could not be judged (the others were)."""
# A platform's own id of a video or post (YouTube 11 characters, TikTok digits, Instagram
# shortcodes): what "content" may hold instead of a link.
_CONTENT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True, slots=True)
class _Line:
    """One input line: the text to judge, or why it cannot be judged."""

    number: int
    text: str | None = None
    error: str | None = None
    content_id: str | None = None
    """The id of the video or post the feedback is on, when the line names it."""


def _content_id(content: object) -> str | None:
    """The content id ``content`` names (a link to one video or post, or its id); None if it
    names none."""
    if not isinstance(content, str):
        return None
    if _CONTENT_ID.fullmatch(content):
        return content
    try:
        return parse_link(content).content_id
    except DomainError:
        return None


def _parse(number: int, raw: bytes) -> _Line:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _Line(number, error=f"line {number}: not UTF-8")
    if not decoded.strip():
        return _Line(number, error=f"line {number}: empty")
    try:
        payload = json.loads(decoded)
    except (ValueError, RecursionError) as error:  # also a number too long to read, or nesting too deep
        detail = f"{error.msg} at column {error.colno}" if isinstance(error, json.JSONDecodeError) else "unreadable"
        return _Line(number, error=f"line {number}: not JSON ({detail})")
    return _from_payload(number, payload)


def _from_payload(number: int, payload: object) -> _Line:
    if not isinstance(payload, dict):
        return _Line(number, error=f'line {number}: expected an object like {{"text": "..."}}')
    text = payload.get("text")
    if not isinstance(text, str):
        return _Line(number, error=f'line {number}: "text" must be a string')
    content = payload.get("content")
    content_id = None if content is None else _content_id(content)
    if content is not None and content_id is None:
        return _Line(number, error=f'line {number}: "content" must be a link to one video or post, or its id')
    # A lone surrogate ("\\ud800" is valid JSON) cannot be printed or encoded: it becomes U+FFFD.
    return _Line(number, text=text.encode("utf-8", "replace").decode("utf-8"), content_id=content_id)


def _lines(stream: BinaryIO) -> Iterator[_Line]:
    # Bytes, split on "\n" only: a JSON string may legally hold U+2028 or a lone "\r", which text
    # mode or str.splitlines would treat as line breaks, breaking "one answer per input line".
    for number, raw in enumerate(stream, start=1):
        yield _parse(number, raw.rstrip(b"\r\n"))


def _batches(lines: Iterator[_Line], size: int) -> Iterator[list[_Line]]:
    batch: list[_Line] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _judge(gate: QualityGate, batch: list[_Line], min_words: int) -> list[QualityVerdict | str]:
    """Verdicts for the batch's valid lines from one ``assess_many`` call; the error for the rest."""
    judged = [line for line in batch if line.text is not None]
    texts = [line.text for line in judged if line.text is not None]
    ids = [line.content_id for line in judged]
    verdicts = iter(gate.assess_many(texts, min_words=min_words, content_ids=ids))
    return [next(verdicts) if line.text is not None else (line.error or "") for line in batch]


def _as_json(result: QualityVerdict | str) -> str:
    if isinstance(result, str):
        return json.dumps({"error": result})
    scores = {name: round(value, 4) for name, value in result.scores.items()}
    return json.dumps({"accepted": result.accepted, "rule": result.rule, "scores": scores})


def _table(rows: list[tuple[_Line, QualityVerdict | str]], min_words: int) -> Table:
    table = Table(title=f"Quality gate (minimum {min_words} words)")
    for column in ("line", "verdict", "spam", "toxicity", "words", "generic", "text"):
        table.add_column(column, justify="left" if column in {"verdict", "text"} else "right")
    for line, result in rows:
        # Text, not a markup string: "[/b]" in someone's feedback is text.
        preview = Text((line.text or "")[:_PREVIEW_CHARS].replace("\n", " "))
        if isinstance(result, str):
            table.add_row(str(line.number), Text.assemble(("error", "red"), f": {result}"), "", "", "", "", "")
            continue
        verdict = "[green]accepted[/]" if result.accepted else f"[yellow]{result.rule}[/]"
        s = result.scores
        table.add_row(
            str(line.number),
            verdict,
            f"{s['spam']:.2f}",
            f"{s['toxicity']:.2f}",
            str(int(s["words"])),
            f"{s['generic_share']:.2f}",
            preview,
        )
    return table


def quality(
    as_json: Annotated[bool, typer.Option("--json", help="Answer one JSON object per input line.")] = False,
    min_words: Annotated[
        int | None, typer.Option(min=0, max=200, help="Minimum words; default: a new community's setting.")
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Lines judged per model call (use 1 to answer as you type).")
    ] = 256,
) -> None:
    """Judge feedback read from stdin: one JSON object {"text": "..."} per line.

    Optionally {"text": "...", "content": "<link or id of the video or post it is on>"}: a link in
    the text to that content itself is then read as a moment of it, not as self-promotion (the
    bot always knows the content; without it such links count against the text, except a video
    quoted as YouTube's share button writes it, "<title>: https://youtu.be/<id>").

    With --json, answers one line per input line, in order: {"accepted": true|false, "rule": the
    broken rule or null, "scores": {...}}. Without --json, prints a table.

    A line that is not such an object (not UTF-8, empty, not JSON, no string "text", a "content"
    that names no video or post) is reported on stderr as one line ("line 3: not JSON (...)"),
    answered with {"error": "..."} in its place on stdout (so answers stay aligned with input
    lines), and the following lines are still judged; then the command exits with 2. Exits with 1 if the model artifact cannot be loaded.
    """
    from tgexchange.adapters.quality import ClassifierQualityGate
    from tgexchange.ml.artifact import ModelArtifactError

    words = CommunitySettings().min_words if min_words is None else min_words
    try:
        gate = ClassifierQualityGate()
    except ModelArtifactError as error:
        err.print(f"[red]Cannot load the quality model:[/] {error}")
        raise typer.Exit(1) from error
    rows: list[tuple[_Line, QualityVerdict | str]] = []
    bad_lines = 0
    for batch in _batches(_lines(sys.stdin.buffer), batch_size):
        results = _judge(gate, batch, words)
        for line in batch:
            if line.error is not None:
                bad_lines += 1
                sys.stderr.write(f"tgexchange quality: {line.error}\n")
        sys.stderr.flush()
        if as_json:
            sys.stdout.write("".join(_as_json(result) + "\n" for result in results))
            sys.stdout.flush()
        else:
            rows.extend(zip(batch, results, strict=True))
    if not as_json:
        out.print(_table(rows, words))
    if bad_lines:
        raise typer.Exit(_BAD_INPUT)
