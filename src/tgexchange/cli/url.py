"""The url command: how the exchange reads links, one answer per link."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from contextlib import ExitStack
from functools import cache
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.text import Text

from tgexchange.cli.console import err, out
from tgexchange.domain.errors import DomainError, ShortLinkNeedsLookup, UnsupportedLink
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
_LABEL_WIDTH = len("content id") + 1


def url(
    urls: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="URL",
            help="Links to read. A single - reads one link per line from standard input and answers "
            "one JSON line per input line, as it goes.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per link instead of text.")] = False,
    resolve: Annotated[
        bool, typer.Option("--resolve", help="Open TikTok short links once (a request to TikTok) to see where they go.")
    ] = False,
) -> None:
    """Show how the exchange reads links: platform, kind, content id and canonical url.

    Each answer is {"input", "platform", "kind", "content_id", "url"} or {"input", "error",
    "code"}. Exits 1 when any link is refused (every link still gets its answer, which says why),
    2 with no input at all. Links and urls are printed whole on one line, however long.
    """
    inputs = urls or []
    answers: list[Answer] = []
    with _LinkReader(resolve=resolve) as reader:
        if inputs == [STDIN]:
            for line in _stdin_lines():
                answers.append(reader.answer(line))
                _print_json(answers[-1])
            if not answers:
                _no_input()
        else:
            if not inputs:
                _no_input()
            answers = [reader.answer(text) for text in inputs]
            _print_answers(answers, as_json=as_json)
    if any("error" in answer for answer in answers):
        raise typer.Exit(code=1)


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
                "error": "That is a TikTok short link: which video it leads to is known only by following it. "
                "Run again with --resolve to look it up.",
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


def _print_answers(answers: list[Answer], *, as_json: bool) -> None:
    if as_json:
        for answer in answers:
            _print_json(answer)
        return
    accepted = " " + _accepted() if any(answer.get("code") == UnsupportedLink.code for answer in answers) else ""
    for number, answer in enumerate(answers):
        if number:
            out.print()
        _print_answer(answer, accepted=accepted)
    if accepted:  # said once, after all the answers, not after every refusal
        out.print()
        out.print(accepted.strip())


def _print_answer(answer: Answer, *, accepted: str) -> None:
    """The link as given, then what it is, or why it is refused. Data (links, ids, urls) is never
    wrapped: a terminal may fold a long line on screen, but copying it gives the url whole."""
    # Text(), not markup: an input like "[red]" must print as typed.
    out.print(Text(answer["input"], style="bold"), soft_wrap=True)
    if "error" in answer:
        why = answer["error"].removesuffix(accepted) if accepted else answer["error"]
        # Prose wraps at the terminal's width, under itself.
        indent = " " * (_LABEL_WIDTH + 3)
        lines = textwrap.wrap(
            f"{why} ({answer['code']})",
            width=max(out.width, 40),
            initial_indent=f"  {'refused':<{_LABEL_WIDTH}} ",
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.print(Text("\n".join(lines), style="red"), soft_wrap=True)
        return
    for label, key in (("platform", "platform"), ("kind", "kind"), ("content id", "content_id"), ("url", "url")):
        out.print(Text(f"  {label:<{_LABEL_WIDTH}} ") + Text(answer[key]), soft_wrap=True)
