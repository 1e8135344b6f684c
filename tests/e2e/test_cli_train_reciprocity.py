"""`tgexchange train reciprocity` as an operator runs it, in its own process: on an empty exchange
a clear refusal and exit 1 (with --json, also as {"error": ...} on the last line); on a stored history the model and its card under the data folder and,
with --json, one JSON object on the last line; a second run compared with the model in use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reciprocity_history import exchange_history
from tests.world import World

CLI = [sys.executable, "-m", "tgexchange.cli", "train", "reciprocity"]


def train(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TGEXCHANGE_DATA_DIR": str(data_dir), "NO_COLOR": "1", "COLUMNS": "160"}
    for name in ("DATABASE_URL", "ML_MODEL_PATH", "QUEUE_URL"):  # the data folder's defaults
        env.pop(name, None)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=180, check=False)


def test_too_little_history_is_a_clear_message_and_exit_1(tmp_path: Path) -> None:
    result = train(tmp_path, "--json")

    assert result.returncode == 1
    assert "Cannot train the reciprocity model" in result.stderr
    assert "at least 200" in result.stderr
    assert "Traceback" not in result.stderr
    answer = json.loads(result.stdout.splitlines()[-1])
    assert answer == {
        "error": "Cannot train the reciprocity model: 0 finished tasks; at least 200 are needed to learn anything"
    }
    assert not (tmp_path / "models" / "current.json").exists()


@pytest.mark.slow
def test_a_stored_history_gives_a_model_its_card_and_one_json_line(world: World, tmp_path: Path) -> None:
    exchange_history(world)  # written to tmp_path / "tgexchange.db", the data folder's database

    first = train(tmp_path, "--json")

    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    for key in ("roc_auc", "baseline_auc", "brier", "baseline_brier", "ece", "log_loss", "mse", "r2"):
        assert isinstance(summary[key], float), key
    assert summary["roc_auc"] > 0.8  # who gives back is learnt from the history (chance: 0.5)
    # Each member here has one fixed chance, so their own record is nearly the truth: the model
    # can only match it (within the promotion's tolerance), not beat it.
    assert summary["roc_auc"] >= summary["baseline_auc"] - 0.005
    assert summary["samples"]["test"] > 50
    assert summary["served"]["train"] + summary["served"]["calibration"] == sum(summary["samples"].values())
    assert summary["promoted"] is True  # better than the members' own records, in use until now
    model = Path(summary["model_path"])
    assert model.parent == tmp_path / "models"
    assert model.is_file()
    card = json.loads(model.with_suffix(".json").read_text())
    assert card["version"] == summary["version"]
    assert json.loads((tmp_path / "models" / "current.json").read_text()) == {"version": summary["version"]}

    second = train(tmp_path)  # the same history again, read as a person would

    assert second.returncode == 0, second.stderr
    assert "ROC AUC" in second.stdout
    assert "members' own record" in second.stdout
    assert "Promoted: it is the model in use now." in second.stdout  # as good as the one in use
    served = summary["served"]["train"] + summary["served"]["calibration"]
    assert f"the same recipe refitted on all {served:,} tasks" in " ".join(second.stdout.split())
    versions = sorted(p.stem for p in (tmp_path / "models").glob("*.skops"))
    assert len(versions) == 2  # the first version's files were not replaced
