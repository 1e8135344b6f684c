"""``tgexchange doctor``: checks this machine's configuration and everything it depends on, and
says what is wrong and how to fix it. Exit 0 when nothing is a problem (warnings allowed), 1
otherwise; never a traceback. Checks run side by side, each bounded by a timeout, so that doctor
ends within seconds even when every server is down."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from tgexchange.cli.console import out
from tgexchange.cli.doctor_checks import (
    Finding,
    Probe,
    Status,
    check_configuration,
    check_database,
    check_models,
    check_queue,
    secrets_of,
    settings_findings,
)
from tgexchange.cli.doctor_network import check_platforms, check_telegram
from tgexchange.config import Settings

Check = Callable[[Settings, Probe], list[Finding]]
CHECKS: tuple[tuple[str, Check], ...] = (
    ("configuration", check_configuration),
    ("database", check_database),
    ("queue", check_queue),
    ("telegram", check_telegram),
    ("platforms", check_platforms),
    ("models", check_models),
)
# Beyond the checks' own timeouts (two Bot API calls in turn, a model to load): the longest any
# check may take before doctor reports it as hanging and moves on.
DEADLINE_S = 12.0
MARKS = {Status.OK: "✓", Status.WARN: "!", Status.PROBLEM: "✗"}
STYLES = {Status.OK: "green", Status.WARN: "yellow", Status.PROBLEM: "bold red"}


def _guarded(name: str, check: Check, settings: Settings, probe: Probe) -> list[Finding]:
    try:
        return check(settings, probe)
    except Exception as error:  # whatever it was, it is one line of the report, not a traceback
        text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        return [Finding(name, Status.PROBLEM, f"check {name} failed: {type(error).__name__}: {text}",
                        "Report this with the line above if the cause is not clear from it.")]  # fmt: skip


def examine(settings: Settings, probe: Probe, *, deadline_s: float = DEADLINE_S) -> list[Finding]:
    """Every check's findings, in the order of CHECKS. Each check runs in a daemon thread: one
    that hangs past the deadline is reported and left behind (it cannot keep the process alive)."""
    results: dict[str, list[Finding]] = {}

    def run(name: str, check: Check) -> None:
        results[name] = _guarded(name, check, settings, probe)

    threads = {
        name: threading.Thread(target=run, args=(name, check), name=f"doctor-{name}", daemon=True)
        for name, check in CHECKS
    }
    for thread in threads.values():
        thread.start()
    ends = time.monotonic() + deadline_s
    for thread in threads.values():
        thread.join(max(0.0, ends - time.monotonic()))
    found: list[Finding] = []
    for name, _check in CHECKS:
        found.extend(
            results.get(name)
            or [Finding(name, Status.PROBLEM, f"check {name} did not finish within {deadline_s:.0f} s.",
                        "A server accepts connections but does not answer: see the other lines.")]  # fmt: skip
        )
    return found


def redacted(findings: list[Finding], secrets: list[str]) -> list[Finding]:
    """The findings with every secret value blotted out, whatever a library put in its message."""

    def clean(text: str) -> str:
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    return [Finding(f.check, f.status, clean(f.what), clean(f.fix)) for f in findings]


def summary(findings: list[Finding]) -> str:
    problems = sum(f.status is Status.PROBLEM for f in findings)
    warnings = sum(f.status is Status.WARN for f in findings)
    if problems:
        verdict = f"{problems} problem{'s' if problems != 1 else ''}"
    else:
        verdict = "healthy"
    return f"{verdict}, {warnings} warning{'s' if warnings != 1 else ''} ({len(findings)} findings)"


def _print_lines(findings: list[Finding]) -> None:
    """One line per finding (a mark, the check, what was found) and the fix indented below it:
    readable in a narrow terminal and in a log, and easy to grep."""
    width = max(len(f.check) for f in findings)
    for f in findings:
        mark = f"[{STYLES[f.status]}]{MARKS[f.status]}[/]"
        out.print(f"{mark} {f.check:<{width}}  {escape(f.what)}", highlight=False, soft_wrap=True)
        if f.fix:
            out.print(f"  {'':<{width}}  → {escape(f.fix)}", highlight=False, soft_wrap=True)


def doctor(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")] = False,
    platform_url: Annotated[
        list[str] | None, typer.Option(hidden=True, help="A platform page to reach instead of the real ones.")
    ] = None,
    spam_model_dir: Annotated[Path | None, typer.Option(hidden=True, help="Where the spam model is.")] = None,
    timeout: Annotated[float, typer.Option(min=0.5, max=30, help="Seconds each network request may take.")] = 4.0,
) -> None:
    """Check the configuration, the database and its migrations, the job queue, the Telegram
    token and webhook, the platforms' reachability and the model files.

    Prints what is wrong and how to fix it; exits 0 when nothing is a problem (warnings
    allowed), 1 otherwise. Secrets are never printed. Run it after every change.
    """
    try:
        settings: Settings | None = Settings()
    except ValidationError as error:
        settings = None
        findings = settings_findings(error)
        findings.append(Finding("doctor", Status.WARN, "the other checks need the settings to load first.",
                                "Fix the lines above and run doctor again."))  # fmt: skip
    if settings is not None:
        probe = Probe(timeout_s=timeout, spam_model_dir=spam_model_dir)
        if platform_url:
            probe = replace(probe, platform_urls=tuple(platform_url))
        findings = redacted(examine(settings, probe, deadline_s=max(DEADLINE_S, 3 * timeout)), secrets_of(settings))
    healthy = not any(f.status is Status.PROBLEM for f in findings)
    if as_json:
        payload = {
            "healthy": healthy,
            "summary": summary(findings),
            "findings": [{"check": f.check, "status": f.status.value, "what": f.what, "fix": f.fix} for f in findings],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        _print_lines(findings)
        out.print(summary(findings), style="bold green" if healthy else "bold red", highlight=False)
    raise typer.Exit(code=0 if healthy else 1)
