"""The url command: how the exchange reads links, one answer per link."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from functools import cache
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.table import Table
from rich.text import Text

from tgexchange.cli.console import err, out
from tgexchange.domain.errors import DomainError, ShortLinkNeedsLookup
from tgexchange.domain.links import parse_link

if TYPE_CHECKING:
    from tgexchange.adapters.platforms.short_links import HttpShortLinkResolver
    from tgexchange.bot.texts import Texts
    from tgexchange.domain.content import ContentRef

STDIN = "-"
NO_INPUT = "Give one or more links, or - to read them from standard input, one per line."
# Refusals are told in the words the bot uses, from its catalogue, in English.
LANGUAGE = "en"

Answer = dict[str, str]


def url(
    urls: Annotated[
        list[str] | None,
        typer.Argument(
            help="Links to read. A single - reads one link per line from standard input and answers "
            "one JSON line per input line, as it goes.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per link instead of a table.")] = False,
    resolve: Annotated[
        bool, typer.Option("--resolve", help="Open TikTok short links once (a request to TikTok) to see where they go.")
    ] = False,
) -> None:
    """Show how the exchange reads links: platform, kind, content id and canonical url.

    Each answer is {"input", "platform", "kind", "content_id", "url"} or {"input", "error",
    "code"}. Refused links still exit 0 (their answer says why); no input at all exits 2.
    """
    inputs = urls or []
    with _LinkReader(resolve=resolve) as reader:
        if inputs == [STDIN]:
            answered = 0
            for line in _stdin_lines():
                _print_json(reader.answer(line))
                answered += 1
            if answered == 0:
                _no_input()
            return
        if not inputs:
            _no_input()
        answers = [reader.answer(text) for text in inputs]
    if as_json:
        for answer in answers:
            _print_json(answer)
    else:
        out.print(_table(answers))


class _LinkReader:
    """Answers one link at a time; builds the short-link resolver (and its HTTP client) only when
    ``resolve`` is on and a short link actually comes."""

    def __init__(self, *, resolve: bool) -> None:
        self._resolve = resolve
        self._resolver: HttpShortLinkResolver | None = None
        self._resources = ExitStack()

    def __enter__(self) -> _LinkReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._resources.close()

    def answer(self, text: str) -> Answer:
        try:
            ref = self._read(text)
        except ShortLinkNeedsLookup as short:
            return {
                "input": text,
                "error": f"{_refusal(short)} Run again with --resolve to look it up.",
                "code": short.code,
            }
        except DomainError as error:
            return {"input": text, "error": _refusal(error), "code": error.code}
        return {
            "input": text,
            "platform": ref.platform.value,
            "kind": ref.kind.value,
            "content_id": ref.content_id,
            "url": ref.url,
        }

    def _read(self, text: str) -> ContentRef:
        try:
            return parse_link(text)
        except ShortLinkNeedsLookup as short:
            if not self._resolve:
                raise
            return parse_link(self._short_links().resolve(short.url))

    def _short_links(self) -> HttpShortLinkResolver:
        if self._resolver is None:
            # Deferred: most runs never need httpx, and the CLI should start fast.
            from tgexchange.adapters.platforms.short_links import HttpShortLinkResolver, build_client

            self._resolver = HttpShortLinkResolver(self._resources.enter_context(build_client()))
        return self._resolver


def _stdin_lines() -> Iterator[str]:
    """Standard input line by line as it arrives; bytes that are not UTF-8 become U+FFFD rather
    than stopping the run, so every input line still gets its answer."""
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")


@cache
def _texts() -> Texts:
    # Deferred: the catalogue (Fluent, Babel) is loaded only when a link is refused.
    from tgexchange.bot.texts import Texts

    return Texts()


def _plain(html_text: str) -> str:
    from tgexchange.bot.texts import plain

    return plain(html_text)


def _refusal(error: DomainError) -> str:
    """What the bot would answer ``error``, as plain text."""
    return _plain(_texts().error(LANGUAGE, error))


def _accepted() -> str:
    """What a refused link could have been instead (the end of every UnsupportedLink text)."""
    return _texts().label(LANGUAGE, "link-accepted")


def _print_json(answer: Answer) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")  # one JSON line per link, for scripts
    sys.stdout.flush()


def _no_input() -> NoReturn:
    err.print(NO_INPUT)
    raise typer.Exit(code=2)


def _table(answers: Iterable[Answer]) -> Table:
    table = Table()
    for column in ("link", "platform", "kind", "content id", "canonical url or why not"):
        table.add_column(column, overflow="fold")
    for answer in answers:
        # Text(), not markup: an input like "[red]" must print as typed.
        if "error" in answer:
            accepted = " " + _accepted()
            if answer["error"].endswith(accepted):  # said once, in the caption, not on every row
                table.caption = accepted.strip()
            why = Text(f"{answer['error'].removesuffix(accepted)} ({answer['code']})", style="red")
            table.add_row(Text(answer["input"]), "", "", "", why)
        else:
            table.add_row(
                Text(answer["input"]),
                answer["platform"],
                answer["kind"],
                Text(answer["content_id"]),
                Text(answer["url"]),
            )
    return table
