"""The command line, run as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "tgexchange.cli"]
COMMANDS = ["migrate", "simulate", "demo"]


def run(*args: str, data_dir: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(data_dir), "NO_COLOR": "1", "COLUMNS": "120"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_with_help(command: str, tmp_path: Path) -> None:
    result = run(command, "--help", data_dir=tmp_path)
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
    assert set(summary["profiles"]) == {"honest", "slow", "leecher", "spammer", "ring"}
    assert sum(p["members"] for p in summary["profiles"].values()) == 24
    assert set(summary["outcomes"]) == {"verified", "rejected", "expired"}
    assert summary["outcomes"]["verified"] > 0
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
    first = run("demo", "--members", "12", "--days", "2", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "tgexchange.db").exists()
    assert "What to look at" in first.stdout
    second = run("demo", "--members", "12", "--days", "2", data_dir=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already exists" in second.stdout


def test_migrate_creates_the_embedded_database(tmp_path: Path) -> None:
    result = run("migrate", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tgexchange.db").exists()
    assert "revision" in result.stdout
