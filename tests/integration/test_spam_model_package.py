"""How the spam classifier's code and data are packaged: what scoring imports, where the collection
is found, and the size of the quality gate's modules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import tgexchange
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.domain.quality import QualityThresholds
from tgexchange.ml import dataset
from tgexchange.ml.artifact import load_spam_model

PACKAGE = Path(tgexchange.__file__).resolve().parent
TRAINING_MODULES = {
    "tgexchange.ml.candidates",
    "tgexchange.ml.card",
    "tgexchange.ml.dataset",
    "tgexchange.ml.evaluation",
    "tgexchange.ml.metrics",
    "tgexchange.ml.selection",
    "tgexchange.ml.training",
    "tgexchange.ml.reciprocity_training",
    "tgexchange.ml.reciprocity_calibration",
    "tgexchange.ml.reciprocity_metrics",
}
# The reciprocity model's run-time modules: the gate's scoring does not load them either.
RECIPROCITY_RUNTIME = {
    "tgexchange.ml.features",
    "tgexchange.ml.history_replay",
    "tgexchange.ml.reciprocity",
    "tgexchange.ml.reciprocity_artifact",
}

# profanity-check's probability, which the gate computes at run time too.
GATE_TOXICITY = "tgexchange.ml.toxicity"
# The classifiers' scores without scikit-learn's per-call checks (the same numbers).
GATE_REPLICAS = {"tgexchange.ml.trees", "tgexchange.ml.words", "tgexchange.ml.sigmoid", "tgexchange.ml.model_arrays"}

SCORE_AND_LIST_MODULES = """
import json, sys
from tgexchange.adapters.quality import ClassifierQualityGate
verdicts = ClassifierQualityGate().assess_many(["check out my channel", "the audio is quiet at 2:30"], min_words=0)
assert len(verdicts) == 2
print(json.dumps(sorted(name for name in sys.modules if name.startswith("tgexchange"))))
"""


def test_scoring_at_run_time_imports_no_training_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCORE_AND_LIST_MODULES], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert {
        "tgexchange.ml.spam_model",
        "tgexchange.ml.artifact",
        "tgexchange.ml.spam_features",
        GATE_TOXICITY,
        *GATE_REPLICAS,
    } <= loaded
    assert not loaded & TRAINING_MODULES


def test_every_training_module_is_named_in_the_import_check() -> None:
    runtime = {"tgexchange.ml.spam_model", "tgexchange.ml.artifact", "tgexchange.ml.spam_features", "tgexchange.ml"}
    runtime.add(GATE_TOXICITY)
    runtime |= GATE_REPLICAS
    runtime |= RECIPROCITY_RUNTIME
    modules = {f"tgexchange.ml.{path.stem}" for path in (PACKAGE / "ml").glob("*.py") if path.stem != "__init__"}
    assert modules - runtime == TRAINING_MODULES


LOAD_FROM_A_COPY = """
import json, sys
from tgexchange.ml import dataset
comments = dataset.load_collection()
print(json.dumps({"package": dataset.__file__, "data": str(dataset.packaged_data_dir()), "comments": len(comments)}))
"""


def test_the_collection_is_found_inside_the_package_wherever_it_is_installed(tmp_path: Path) -> None:
    """A copy of the package alone (no source checkout around it) stands for an installed one."""
    site = tmp_path / "site-packages"
    shutil.copytree(PACKAGE, site / "tgexchange", ignore=shutil.ignore_patterns("__pycache__"))
    # Without coverage's subprocess hook: it would measure the copy as a second, mostly unrun package.
    env = {name: value for name, value in os.environ.items() if not name.startswith("COVERAGE")}
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r})\n{LOAD_FROM_A_COPY}"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["package"].startswith(str(site))
    assert found["data"].startswith(str(site))
    assert found["comments"] == 350 + 350 + 438


def test_the_licence_travels_with_the_collection() -> None:
    readme = dataset.packaged_data_dir().joinpath("README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme
    assert "Alberto" in readme
    for name in dataset.COLLECTION_FILES:
        assert dataset.packaged_data_dir().joinpath(name).is_file()


def test_no_ignore_rule_keeps_the_package_data_out_of_the_wheel() -> None:
    """The wheel builder leaves out what .gitignore matches (a "data/" rule once dropped the CSVs)."""
    if shutil.which("git") is None or not (PACKAGE.parents[1] / ".git").exists():
        pytest.skip("not a git checkout")
    shipped = [
        *(PACKAGE / "ml" / "datasets").rglob("*"),
        *(PACKAGE / "ml" / "artifacts").glob("*"),
    ]
    assert len(shipped) >= 7
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *map(str, shipped)],
        capture_output=True,
        text=True,
        cwd=PACKAGE.parents[1],
        check=False,
    )
    assert result.returncode == 1, f"ignored: {result.stdout}"


def test_the_gates_thresholds_are_the_domains_with_the_artifacts_spam_threshold() -> None:
    model = load_spam_model()
    gate = ClassifierQualityGate(model=model)
    assert gate.thresholds == replace(QualityThresholds(), spam=model.threshold)
    tuned = ClassifierQualityGate(model=model, toxicity_threshold=0.5)
    assert tuned.thresholds == replace(QualityThresholds(), spam=model.threshold, toxicity=0.5)


QUALITY_MODULES = [
    *sorted((PACKAGE / "ml").glob("*.py")),
    *sorted((PACKAGE / "domain" / "quality").glob("*.py")),
    PACKAGE / "adapters" / "quality.py",
    PACKAGE / "cli" / "quality.py",
    PACKAGE / "cli" / "train.py",
]


@pytest.mark.parametrize("path", QUALITY_MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_quality_gate_modules_stay_under_400_lines(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400
