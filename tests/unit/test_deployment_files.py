"""The deployment files cannot go stale: every ``tgexchange`` command line in compose.yaml, the
systemd units, the Procfile and the deployment docs parses against the real CLI (command, options
and their values), ``deploy/env.example`` names exactly the settings ``config.py`` reads, and the
probes they use are real routes. (Docker is not run here: these are checks of the files.)"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer._click.exceptions import UsageError  # Typer 0.29 carries its own click
from typer.core import TyperGroup

from tgexchange.cli import app
from tgexchange.config import Settings

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
SETTINGS = {str(f.validation_alias) for f in Settings.model_fields.values()}
COMPOSE_ONLY_MARK = "# --- compose.yaml only"
# Read by a library tgexchange runs, not by config.py.
OTHER_PROGRAMS = {"FORWARDED_ALLOW_IPS"}  # uvicorn
NAME = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)
SUBSTITUTES = {"$PORT": "8080", "%i": "8081"}  # what the platform or systemd puts in


def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    loaded = yaml.safe_load((ROOT / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def our_services() -> dict[str, dict[str, Any]]:
    """The services that run the tgexchange image."""
    return {name: s for name, s in compose()["services"].items() if s.get("image") == "tgexchange:latest"}


def command_lines() -> list[tuple[str, list[str]]]:
    """(where, arguments after ``tgexchange``) for every command line of the deployment files."""
    found: list[tuple[str, list[str]]] = []
    for name, service in our_services().items():
        found.append((f"compose {name}", [str(a) for a in service["command"]]))
        test = service.get("healthcheck", {}).get("test", [])
        if "tgexchange" in test:
            found.append((f"compose {name} healthcheck", test[test.index("tgexchange") + 1 :]))
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                words = shlex.split(line.removeprefix("ExecStart="))
                found.append((unit.name, words[1:]))
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        words = shlex.split(command)
        found.append((f"Procfile {process}", words[1:]))
    return [(where, [SUBSTITUTES.get(w, w) for w in words]) for where, words in found]


def parses(words: list[str]) -> None:
    """Parses ``words`` as the real CLI would (command, options, values) without running it.
    Raises UsageError."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    # The root's own options are not used in these files: its context needs no parsing.
    with group.make_context("tgexchange", [], resilient_parsing=True) as ctx:
        name, command, rest = group.resolve_command(ctx, list(words))
        while isinstance(command, TyperGroup):
            name, command, rest = command.resolve_command(ctx, rest)
        if command is None:  # resilient parsing answers None where a run would fail
            raise UsageError(f"no such command: tgexchange {' '.join(words)}")
        command.make_context(str(name), rest, parent=ctx).close()


def test_the_files_name_the_commands_each_process_runs() -> None:
    lines = {where: words[0] for where, words in command_lines()}

    assert {lines["compose migrate"], lines["compose webhook"], lines["compose worker"]} == {
        "migrate",
        "serve",
        "worker",
    }
    assert (lines["Procfile release"], lines["Procfile web"], lines["Procfile worker"]) == (
        "migrate",
        "serve",
        "worker",
    )
    assert sorted(lines[u.name] for u in UNITS) == ["migrate", "serve", "worker"]


@pytest.mark.parametrize(("where", "words"), command_lines(), ids=[w for w, _ in command_lines()])
def test_every_command_line_parses_against_the_real_cli(where: str, words: list[str]) -> None:
    parses(words)


def test_a_command_or_option_that_does_not_exist_is_caught() -> None:
    with pytest.raises(UsageError):
        parses(["serve", "--listen", "0.0.0.0"])
    with pytest.raises(UsageError):
        parses(["webhook"])
    with pytest.raises(UsageError):
        parses(["doctor", "--check"])
    with pytest.raises(UsageError):
        parses(["serve", "--port", "$PORT"])


def test_commands_named_in_the_deployment_docs_exist() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    texts = [ROOT / "docs" / "DEPLOYMENT.md", ROOT / "deploy" / "systemd" / "README.md", ROOT / "compose.yaml"]
    # As written in code: `tgexchange NAME`, .../bin/tgexchange NAME, or a line of a shell block.
    written = re.compile(r"(?:`|bin/|^\s*)tgexchange (?:--\S+ )*([a-z]+)\b", re.MULTILINE)
    named = {m for path in texts for m in written.findall(path.read_text())}

    assert {"doctor", "migrate", "serve", "worker"} <= named
    assert named <= set(group.commands), named


def settings_and_compose_names() -> tuple[set[str], set[str]]:
    text = (ROOT / "deploy" / "env.example").read_text()
    ours, _, compose_only = text.partition(COMPOSE_ONLY_MARK)
    return set(NAME.findall(ours)), set(NAME.findall(compose_only))


def test_env_example_names_every_setting_and_nothing_else() -> None:
    ours, _ = settings_and_compose_names()

    assert sorted(ours - SETTINGS) == []
    assert sorted(SETTINGS - ours) == []


def test_compose_reads_only_real_settings_and_variables_env_example_defines() -> None:
    _, compose_only = settings_and_compose_names()
    text = (ROOT / "compose.yaml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))

    assert interpolated == compose_only
    for name, service in our_services().items():
        assert service["env_file"] == ".env", name
        assert set(service["environment"]) <= SETTINGS | OTHER_PROGRAMS, name


def test_compose_runs_the_scale_out_topology_with_real_probes() -> None:
    from tgexchange.web.health import router

    services = compose()["services"]
    routes = {getattr(r, "path", "") for r in router.routes}
    webhook_probe = " ".join(services["webhook"]["healthcheck"]["test"])

    assert {"postgres", "redis", "migrate", "webhook", "worker", "proxy"} <= set(services)
    assert "/readyz" in webhook_probe
    assert "/readyz" in routes
    assert "/healthz" in routes
    assert "dynamic a webhook 8080" in (ROOT / "deploy" / "Caddyfile").read_text()
    assert services["webhook"]["expose"] == ["8080"]
    assert services["webhook"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["worker"]["deploy"]["replicas"] == "${WORKER_REPLICAS:-2}"
    assert services["webhook"]["deploy"]["replicas"] == "${WEBHOOK_REPLICAS:-2}"


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_every_systemd_unit_is_hardened_and_reads_the_environment_file(unit: Path) -> None:
    keys = dict(line.split("=", 1) for line in unit.read_text().splitlines() if "=" in line and line[0].isalpha())

    assert keys["EnvironmentFile"] == "/etc/tgexchange/tgexchange.env"
    assert keys["NoNewPrivileges"] == "yes"
    assert keys["ProtectSystem"] == "strict"
    assert keys["PrivateTmp"] == "yes"
    assert keys["ReadWritePaths"] == "/var/lib/tgexchange"
    assert keys["User"] == "tgexchange"
    if keys.get("Type") != "oneshot":
        assert keys["Restart"] == "on-failure"


def test_the_image_installs_from_the_lock_with_the_uv_scripts_setup_uses() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    setup = (ROOT / "scripts" / "setup").read_text()
    pinned = re.search(r'"uv==([\d.]+)"', setup)

    assert pinned is not None
    assert f'"uv=={pinned.group(1)}"' in dockerfile
    assert "uv sync --frozen" in dockerfile
    assert "FROM python:3.11-slim" in dockerfile
    assert "USER tgexchange" in dockerfile
