"""The command line, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import free_port

CLI = [sys.executable, "-m", "tgexchange.cli"]
COMMANDS = ["migrate", "simulate", "demo", "serve", "rollups rebuild"]
CLI_TOKEN = "cli-operator-token-0123456789abcdef"
LOGIN_LINK = re.compile(r"http://127\.0\.0\.1:\d+/exchange/dashboard/login\?token=[\w-]+")


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(data_dir), "NO_COLOR": "1", "COLUMNS": "120"}
    env["PYTHONUNBUFFERED"] = "1"  # lines reach the test as they are printed
    for name in ("DATABASE_URL", "OPERATOR_TOKEN", "SECRET_KEY", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    return env


def run(*args: str, data_dir: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=cli_env(data_dir), timeout=timeout, check=False
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_help(command: str, tmp_path: Path) -> None:
    result = run(*command.split(), "--help", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_simulate_json_ends_with_one_summary_object(tmp_path: Path) -> None:
    result = run("simulate", "--members", "24", "--days", "3", "--seed", "3", "--json", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["members"] == 24
    assert summary["days"] == 3
    assert summary["seed"] == 3
    assert summary["ledger_balanced"] is True
    assert set(summary["profiles"]) == {
        "honest", "slow", "leecher", "spammer", "ring", "pair", "padder", "retaliator",
    }  # fmt: skip
    assert sum(p["members"] for p in summary["profiles"].values()) == 24
    assert set(summary["outcomes"]) == {"verified", "rejected", "expired"}
    assert set(summary["rings"]) == {
        "precision",
        "recall",
        "true_accounts",
        "flagged_accounts",
        "true_groups",
        "flagged_groups",
    }
    assert summary["outcomes"]["verified"] > 0
    assert summary["fair_play"] is True
    assert set(summary["ratings"]) == {"mean_mark_by_giver_profile", "grudge_ratings"}
    assert summary["ratings"]["mean_mark_by_giver_profile"]  # owners rated verified feedback
    assert not (tmp_path / "tgexchange.db").exists()  # a simulation never touches the real database


def test_simulate_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = run("simulate", "--members", "16", "--days", "2", "--seed", "11", "--json", data_dir=tmp_path)
    second = run("simulate", "--members", "16", "--days", "2", "--seed", "11", "--json", data_dir=tmp_path)

    def summary(result: subprocess.CompletedProcess[str]) -> dict[str, object]:
        data: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
        data.pop("elapsed_s")
        return data

    assert summary(first) == summary(second)


def test_simulate_table_says_the_data_is_synthetic(tmp_path: Path) -> None:
    result = run("simulate", "--members", "10", "--days", "1", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "synthetic" in result.stdout
    assert "honest" in result.stdout


def test_simulate_refuses_nonsense_arguments_clearly(tmp_path: Path) -> None:
    result = run("simulate", "--members", "1", data_dir=tmp_path)
    assert result.returncode != 0
    assert "members" in (result.stderr + result.stdout)


def test_demo_fills_the_embedded_database_once_and_reuses_it(tmp_path: Path) -> None:
    first = run("demo", "--members", "12", "--days", "2", "--no-serve", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "tgexchange.db").exists()
    assert "What to look at" in first.stdout
    assert "short-video" in first.stdout  # the second community, on every platform
    second = run("demo", "--members", "12", "--days", "2", "--no-serve", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already exist" in second.stdout
    links = [LOGIN_LINK.findall(result.stdout) for result in (first, second)]
    assert len(links[0]) == len(links[1]) == 1
    assert links[0] != links[1]  # a fresh single-use link on every run

    rebuilt = run("rollups", "rebuild", "--quiet", data_dir=tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Rebuilt the rollups of 2 communities" in rebuilt.stdout


def wait_for_line(process: subprocess.Popen[str], pattern: re.Pattern[str], timeout: float) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = pattern.search(line)
        if found:
            return found.group(0)
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"no line matching {pattern.pattern}")


def wait_until_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the dashboard never became ready")


def test_demo_serves_the_dashboard_behind_the_link_it_prints_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    with subprocess.Popen(
        [*CLI, "demo", "--members", "8", "--days", "1", "--port", str(port)],
        env=cli_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as demo:
        try:
            link = wait_for_line(demo, LOGIN_LINK, timeout=120)
            wait_until_ready(f"http://127.0.0.1:{port}")
            with httpx.Client() as browser:
                landed = browser.get(link, follow_redirects=True)
                overview = browser.get(f"http://127.0.0.1:{port}/exchange/dashboard/overview").json()
        finally:
            demo.send_signal(signal.SIGINT)
            code = demo.wait(timeout=30)
    assert landed.status_code == 200
    assert "tgexchange dashboard" in landed.text
    assert overview["totals"]["tasks"] > 0
    assert code == 0


def test_serve_answers_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    with subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env={**cli_env(tmp_path), "OPERATOR_TOKEN": f" {CLI_TOKEN}\n"},  # pasted with a space and a newline
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}")
            metrics = httpx.get(f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {CLI_TOKEN}"})
        finally:
            server.send_signal(signal.SIGINT)
            code = server.wait(timeout=30)
    assert metrics.status_code == 200
    assert "tgexchange_queue_depth 0.0" in metrics.text  # the embedded SQLite queue, empty
    assert code == 0


def test_migrate_creates_the_embedded_database(tmp_path: Path) -> None:
    result = run("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tgexchange.db").exists()
    assert "revision" in result.stdout


def test_a_setting_that_cannot_work_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    env = {**cli_env(tmp_path), "SECRET_KEY": "too-short"}
    result = subprocess.run(
        [*CLI, "serve", "--port", str(free_port())], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "configuration error: SECRET_KEY must be at least 32 characters" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL 'verbose' is not one of"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL is not a database URL"),
        ({"WORKER_THREADS": "many"}, "WORKER_THREADS: Input should be a valid integer"),
        ({"OPERATOR_TOKEN": "x"}, "OPERATOR_TOKEN: must be at least 32 characters"),
        ({"OPERATOR_TOKEN": " " + "x" * 31 + " "}, "OPERATOR_TOKEN: must be at least 32 characters"),
    ],
)
def test_settings_that_cannot_work_are_one_clear_line(tmp_path: Path, setting: dict[str, str], said: str) -> None:
    env = {**cli_env(tmp_path), "COLUMNS": "300", **setting}
    result = subprocess.run([*CLI, "migrate"], capture_output=True, text=True, env=env, timeout=60, check=False)

    assert result.returncode == 2
    assert said in result.stderr
    assert "Traceback" not in result.stderr
