"""Fuzzing, the long run: every target of tests/fuzzing on far more inputs than the test suite
tries, plus atheris (coverage-guided) on link parsing and normalization; writes the counts into
the "Fuzzing" section of docs/RELIABILITY.md.

Each target runs in chunks of fresh random inputs (one Hypothesis seed per chunk), so that the
run shows its progress and stops at ``--minutes`` even when a target is slower than expected. A
broken property is reported with the input Hypothesis shrank it to, and the run goes on with the
next chunk (the count of failures is the result that matters: 0).

Usage: python -m bench.fuzz [--cases 100000] [--seed 1] [--minutes 40] [--only NAME ... | --part PART]
       [--atheris-runs 100000] [--no-write]
The parts (texts, bot, api) can run at once in three processes; --cases is then the total of all
three, each part taking its targets' shares of it.
"""

from __future__ import annotations

import argparse
import fcntl
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import strategies as st
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from schemathesis import GenerationMode
from tests.fakes import FakeClock, FakePlatform
from tests.fuzzing import Tally, run
from tests.fuzzing.links import check_cli_answer, check_link, check_message, forms, link_texts, messages
from tests.fuzzing.texts import check_judgement, check_normalization, comment_texts, judgements
from tests.fuzzing.updates import BotUnderFuzz, callback_data, structlog_is_quiet, updates
from tests.world import World

from bench.report import RELIABILITY, write_section
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.migrate import upgrade
from tgexchange.bootstrap import storage_on

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1000
console = Console()


@dataclass
class Target:
    name: str
    what: str  # for the report
    share: float  # of --cases
    make: Callable[[ExitStack, Path], tuple[st.SearchStrategy[Any], Callable[[Any], str]]]
    chunk: int = CHUNK


def fresh_world(directory: Path) -> World:
    engine = make_engine(f"sqlite:///{directory / 'tgexchange.db'}")
    upgrade(engine)
    return World(storage_on(engine), FakeClock(), FakePlatform())


def _pure(strategy: st.SearchStrategy[Any], check: Callable[[Any], str]) -> Callable[..., Any]:
    return lambda _stack, _directory: (strategy, check)


def _bot(kind: str) -> Callable[[ExitStack, Path], tuple[st.SearchStrategy[Any], Callable[[Any], str]]]:
    def make(stack: ExitStack, directory: Path) -> tuple[st.SearchStrategy[Any], Callable[[Any], str]]:
        bot = stack.enter_context(BotUnderFuzz(fresh_world(directory), directory))
        assert bot.cast is not None
        if kind == "updates":
            return updates(bot.cast), bot.feed
        cast = bot.cast
        from tests.botapi import Call, Updates

        maker = Updates()

        def press(data: str) -> str:
            chat = {"id": cast.admin.id, "type": "private", "first_name": cast.admin.first_name}
            message = {"message_id": 1, "date": maker.date, "text": "Settings", "chat": chat}
            sent = Call("sendMessage", {"chat_id": cast.admin.id}, message)
            label = bot.feed((maker.press(cast.admin, sent, data), True))
            stored = bot.stored_settings()
            assert type(stored).from_json(stored.to_json()) == stored
            return label

        return callback_data(cast).filter(lambda data: data.startswith("st:")), press

    return make


def _web(kind: str) -> Callable[[ExitStack, Path], tuple[st.SearchStrategy[Any], Callable[[Any], str]]]:
    def make(stack: ExitStack, directory: Path) -> tuple[st.SearchStrategy[Any], Callable[[Any], str]]:
        from tests.fuzzing import web as fuzz_web

        web = fuzz_web.WebUnderFuzz(fresh_world(directory), directory)
        stack.callback(web.client.close)
        if kind == "webhook":
            return fuzz_web.webhook_cases(), web.check_webhook
        if kind == "settings api":
            return fuzz_web.settings_api_bodies(), web.check_settings_api
        if kind == "settings use case":
            return fuzz_web.use_case_changes(), web.check_update_settings
        from tests.fuzzing.schema import ApiUnderFuzz

        api = ApiUnderFuzz(web)
        mode = GenerationMode.POSITIVE if kind == "api positive" else GenerationMode.NEGATIVE
        return api.cases(mode), api.check

    return make


TARGETS = [
    Target("links", "`parse_link` on any text, mutated real forms, hostile unicode; canonical url reads back", 0.24, _pure(link_texts(), check_link)),
    Target("messages", "`find_link`/`find_links` on whole pasted messages, then `parse_link`", 0.08, _pure(messages(), check_message)),
    Target("url command", "`tgexchange url`'s reader (the CLI path): an answer for every input", 0.04, _pure(link_texts(), check_cli_answer)),
    Target("normalization", "the quality rules' normalization on any text", 0.12, _pure(comment_texts(), check_normalization)),
    Target("quality gate", "`ClassifierQualityGate` (packaged model): one verdict, the same alone, again and in a batch", 0.02, _pure(judgements(), check_judgement), chunk=250),
    Target("bot updates", "the PTB Application with varied real updates (texts, commands, presses, member changes, broken fields)", 0.12, _bot("updates"), chunk=500),
    Target("bot settings", "the bot's settings menu pressed with any data", 0.03, _bot("settings"), chunk=500),
    Target("webhook", "the webhook route: any body, any secret header", 0.10, _web("webhook")),
    Target("settings use case", "`services.community.update_settings` with values of every type", 0.05, _web("settings use case")),
    Target("settings api", "the Mini App's settings API with any JSON or non-JSON body", 0.04, _web("settings api"), chunk=500),
    Target("api positive", "schemathesis, every operation, schema-valid input (session, CSRF, init data)", 0.08, _web("api positive"), chunk=500),
    Target("api negative", "schemathesis, every operation, schema-invalid input", 0.08, _web("api negative"), chunk=500),
]  # fmt: skip


# Parts that can run in separate processes at once (each writes its own section).
PARTS = {
    "texts": ("links", "messages", "url command", "normalization", "quality gate"),
    "bot": ("bot updates", "bot settings", "webhook", "settings use case", "settings api"),
    "api": ("api positive", "api negative"),
    "atheris": (),  # atheris alone, as long as --minutes allows
}


@dataclass
class Result:
    target: str
    what: str
    tally: Tally
    seconds: float
    stopped_early: bool = False


def chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def run_target(target: Target, cases: int, seed: int, deadline: float, progress: Progress) -> Result:
    task = progress.add_task(target.name, total=cases)
    tally = Tally(target.name)
    started = time.monotonic()
    stopped = False
    with ExitStack() as stack, tempfile.TemporaryDirectory() as folder:
        strategy, check = target.make(stack, Path(folder))
        for number, size in enumerate(chunks(cases, target.chunk)):
            if time.monotonic() > deadline:
                stopped = True
                break
            done = run(target.name, strategy, check, cases=size, rng_seed=seed * 100_003 + number, raise_failures=False)
            tally.add(done)
            progress.update(task, advance=size)
            for failure in done.failures:
                progress.console.print(f"[red]{target.name}: {failure}[/red]")
    return Result(target.name, target.what, tally, time.monotonic() - started, stopped)


def run_atheris(runs: int, seconds: int) -> Result:
    """bench/fuzz_atheris.py in a child process (libFuzzer takes the process over), its corpus
    seeded with the real link forms."""
    tally = Tally("atheris")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus"
        corpus.mkdir()
        for number, form in enumerate(forms()):
            (corpus / f"form{number}").write_bytes(form.encode("utf-8"))
        command = [sys.executable, "-m", "bench.fuzz_atheris", f"-runs={runs}", f"-max_total_time={seconds}"]
        command += [f"-artifact_prefix={folder}/", "-print_final_stats=1", str(corpus)]
        done = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )
    found = re.search(r"Done (\d+) runs", done.stderr) or re.search(
        r"stat::number_of_executed_units:\s*(\d+)", done.stderr
    )
    tally.cases = int(found.group(1)) if found else 0
    tally.outcomes["executed"] = tally.cases
    if done.returncode != 0:  # the Python exception and libFuzzer's summary, where they are
        at = done.stderr.find("=== Uncaught Python exception")
        tally.failures.append(done.stderr[at : at + 3000] if at >= 0 else done.stderr[-3000:])
    what = "atheris (libFuzzer, coverage-guided) on `parse_link`, `find_link` and normalization, seeded with the link forms"
    return Result("atheris links+texts", what, tally, time.monotonic() - started)


def report(results: list[Result], command: str, load: str, part: str | None = None) -> str:
    total = sum(r.tally.cases for r in results)
    failures = sum(len(r.tally.failures) for r in results)
    lines = [
        "### The long run" + (f", part {part}" if part else ""),
        "",
        f"`{command}`: **{total:,} cases, {failures} failures** in {sum(r.seconds for r in results):,.0f} s"
        f" (load average at the start: {load}; times are wall time on a shared machine).",
        "",
        "| target | what is tried | cases | failures | time (s) | what the inputs reached (most frequent) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for r in results:
        reached = ", ".join(f"{label} {count:,}" for label, count in r.tally.outcomes.most_common(4))
        note = " (stopped at the time limit)" if r.stopped_early else ""
        lines.append(
            f"| {r.target} | {r.what} | {r.tally.cases:,}{note} | {len(r.tally.failures)} | {r.seconds:,.0f} | {reached} |"
        )
    for r in results:
        for failure in r.tally.failures:
            lines += ["", f"Failure in {r.target}:", "", "```", failure.strip()[:1500], "```"]
    return "\n".join(lines)


@contextmanager
def quiet() -> Iterator[None]:
    structlog_is_quiet()
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="Hypothesis cases over all targets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=40.0, help="stop starting chunks after this")
    parser.add_argument("--only", nargs="*", help="run only these targets (names as in the report); print only")
    parser.add_argument("--part", choices=sorted(PARTS), help="one part (atheris comes with texts), its own section")
    parser.add_argument("--atheris-runs", type=int, default=100_000, help="0: no atheris")
    parser.add_argument("--section", help="with --only: write into the section fuzz-SECTION")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/RELIABILITY.md alone")
    args = parser.parse_args()
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    deadline = time.monotonic() + args.minutes * 60
    wanted = set(args.only or PARTS.get(args.part or "", ()) or ([] if args.part else [t.name for t in TARGETS]))
    chosen = [t for t in TARGETS if t.name in wanted]
    results: list[Result] = []
    columns = (TextColumn("{task.description:>18}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with quiet(), Progress(*columns, console=console) as progress:
        for target in chosen:
            results.append(run_target(target, max(1, round(args.cases * target.share)), args.seed, deadline, progress))
    if args.atheris_runs and not args.only and args.part in {None, "texts", "atheris"}:
        console.print(f"atheris: {args.atheris_runs:,} runs…")
        results.append(run_atheris(args.atheris_runs, seconds=max(60, int(deadline - time.monotonic()))))
    table = Table("target", "cases", "failures", "seconds")
    for r in results:
        table.add_row(r.target, f"{r.tally.cases:,}", str(len(r.tally.failures)), f"{r.seconds:,.0f}")
    console.print(table)
    command = "python -m bench.fuzz " + " ".join(sys.argv[1:])
    body = report(results, command.strip(), load, args.section or args.part)
    if args.no_write or (args.only and not args.section):
        console.print(body)
        return
    section = f"fuzz-{args.section or args.part}" if (args.section or args.part) else "fuzz"
    with (RELIABILITY.parent / ".RELIABILITY.md.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the parts may finish at once
        write_section(section, body, document=RELIABILITY)
    console.print(f"written to {RELIABILITY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
