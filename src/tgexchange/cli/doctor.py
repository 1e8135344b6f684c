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
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.markup import escape

from tgexchange.cli.console import err, out
from tgexchange.config import Settings

if TYPE_CHECKING:
    from tgexchange.cli.doctor_checks import Finding, Probe

Check = Callable[[Settings, "Probe"], list["Finding"]]
# The checks are imported when doctor runs: every other command registers this module too, and
# the checks' modules (httpx, the storage probes) are no part of their start-up.
CHECK_NAMES = ("configuration", "database", "queue", "telegram", "platforms", "models")


def all_checks() -> tuple[tuple[str, Check], ...]:
    """Every check, in ``CHECK_NAMES``' order."""
    from tgexchange.cli.doctor_checks import check_configuration, check_models
    from tgexchange.cli.doctor_network import check_platforms, check_telegram
    from tgexchange.cli.doctor_storage import check_database, check_queue

    checks = (check_configuration, check_database, check_queue, check_telegram, check_platforms, check_models)
    return tuple(zip(CHECK_NAMES, checks, strict=True))


# Beyond the checks' own timeouts (two Bot API calls in turn, a model to load): the longest any
# check may take before doctor reports it as hanging and moves on.
DEADLINE_S = 12.0
# Keyed by the values of doctor_checks.Status (a StrEnum: its members look these up).
MARKS = {"ok": "✓", "warn": "!", "problem": "✗"}
STYLES = {"ok": "green", "warn": "yellow", "problem": "bold red"}


def _guarded(name: str, check: Check, settings: Settings, probe: Probe) -> list[Finding]:
    from tgexchange.cli.doctor_checks import problem

    try:
        return check(settings, probe)
    except Exception as error:  # whatever it was, it is one line of the report, not a traceback
        text = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        what = f"check {name} failed: {type(error).__name__}: {text}"
        return [problem(name, what, "Report this line if the cause is not clear from it.")]


def examine(
    settings: Settings,
    probe: Probe,
    *,
    checks: tuple[tuple[str, Check], ...] | None = None,
    deadline_s: float = DEADLINE_S,
) -> list[Finding]:
    """The checks' findings, in the order given (default: all). Each check runs in a daemon
    thread: one that hangs past the deadline is reported and left behind (it cannot keep the
    process alive)."""
    from tgexchange.cli.doctor_checks import problem

    checks = all_checks() if checks is None else checks
    results: dict[str, list[Finding]] = {}

    def run(name: str, check: Check) -> None:
        results[name] = _guarded(name, check, settings, probe)

    threads = {
        name: threading.Thread(target=run, args=(name, check), name=f"doctor-{name}", daemon=True)
        for name, check in checks
    }
    for thread in threads.values():
        thread.start()
    ends = time.monotonic() + deadline_s
    for thread in threads.values():
        thread.join(max(0.0, ends - time.monotonic()))
    hanging = "Something it waits for accepts connections but does not answer; see the other lines."
    found: list[Finding] = []
    for name, _check in checks:
        found.extend(
            results.get(name) or [problem(name, f"check {name} did not finish within {deadline_s:g} s.", hanging)]
        )
    return found


def redacted(findings: list[Finding], secrets: list[str]) -> list[Finding]:
    """The findings with every secret value blotted out, whatever a library put in its message."""
    from tgexchange.cli.doctor_checks import Finding

    def clean(text: str) -> str:
        for secret in sorted(secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    return [Finding(f.check, f.status, clean(f.what), clean(f.fix)) for f in findings]


def summary(findings: list[Finding]) -> str:
    problems = sum(f.status == "problem" for f in findings)
    warnings = sum(f.status == "warn" for f in findings)
    verdict = f"{problems} problem{'s' if problems != 1 else ''}" if problems else "healthy"
    count = len(findings)
    return f"{verdict}, {warnings} warning{'s' if warnings != 1 else ''} ({count} finding{'s' if count != 1 else ''})"


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
    only: Annotated[
        list[str] | None,
        typer.Option("--check", metavar="NAME", help=f"Run only this check (repeatable): {', '.join(CHECK_NAMES)}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of lines.")] = False,
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
    from tgexchange.cli.doctor_checks import Probe, problem, secrets_of, settings_findings, warn

    unknown = sorted(set(only or ()) - set(CHECK_NAMES))
    if unknown:
        err.print(f"unknown check {', '.join(unknown)}: choose from {', '.join(CHECK_NAMES)}", markup=False)
        raise typer.Exit(code=2)
    checks = tuple((name, check) for name, check in all_checks() if not only or name in only)
    try:
        settings: Settings | None = Settings()
    except Exception as error:  # a ValidationError names each setting; anything else (.env unreadable) is one line
        settings = None
        findings = (
            settings_findings(error)
            if isinstance(error, ValidationError)
            else [problem("configuration", f"the settings cannot be read: {error}.", "Check the environment and .env.")]
        )
        findings.append(warn("doctor", "the other checks need the settings to load first.", "Fix the lines above."))
    if settings is not None:
        probe = Probe(timeout_s=timeout, spam_model_dir=spam_model_dir)
        if platform_url:
            probe = replace(probe, platform_urls=tuple(platform_url))
        findings = redacted(
            examine(settings, probe, checks=checks, deadline_s=max(DEADLINE_S, 3 * timeout)), secrets_of(settings)
        )
    healthy = not any(f.status == "problem" for f in findings)
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
