"""The shipped models' arrays (.npz beside the skops artifact, and profanity-check's): what they are
made from, the same scores as the fitted models, and what happens when they are absent, stale,
tampered with or foreign."""

from __future__ import annotations

import io
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from profanity_check import predict_prob
from structlog.testing import capture_logs

from tgexchange.ml import artifact, dataset, model_arrays
from tgexchange.ml.artifact import ModelArtifactError
from tgexchange.simulation import texts as sim_texts

NAME = artifact.ARTIFACT_NAME
SHIPPED = artifact.ARTIFACT_DIR


def _card(directory: Path, name: str = f"{NAME}.json") -> dict[str, object]:
    card: dict[str, object] = json.loads((directory / name).read_text(encoding="utf-8"))
    return card


def _write_card(directory: Path, card: dict[str, object], name: str = f"{NAME}.json") -> None:
    (directory / name).write_text(json.dumps(card), encoding="utf-8")


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    for suffix in ("skops", "json", "npz"):
        shutil.copy(SHIPPED / f"{NAME}.{suffix}", tmp_path)
    for name in (model_arrays.TOXICITY_CARD, "toxicity.npz"):
        shutil.copy(SHIPPED / name, tmp_path)
    return tmp_path


def _vouch_for(directory: Path, data: bytes) -> None:
    """Writes ``data`` as the arrays and makes the card vouch for them (a consistent forgery)."""
    (directory / f"{NAME}.npz").write_bytes(data)
    card = _card(directory)
    card["arrays"] = {"file": f"{NAME}.npz", "sha256": model_arrays.sha256_of(data)}
    _write_card(directory, card)


def _shipped_arrays() -> dict[str, np.ndarray]:
    return model_arrays.read_npz((SHIPPED / f"{NAME}.npz").read_bytes(), "shipped")


def test_the_shipped_arrays_are_exactly_what_the_shipped_artifact_and_package_make(tmp_path: Path) -> None:
    for suffix in ("skops", "json"):
        shutil.copy(SHIPPED / f"{NAME}.{suffix}", tmp_path)
    card = artifact.write_arrays(tmp_path)
    assert card["arrays"] == _card(SHIPPED)["arrays"]
    assert (tmp_path / f"{NAME}.npz").read_bytes() == (SHIPPED / f"{NAME}.npz").read_bytes()
    toxicity_card = model_arrays.write_toxicity(tmp_path)
    assert toxicity_card["sha256"] == _card(SHIPPED, model_arrays.TOXICITY_CARD)["sha256"]
    assert toxicity_card["source"] == model_arrays.installed_profanity_check()


def train_arrays(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tgexchange.cli", "train", "arrays", "--directory", str(directory)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_train_arrays_makes_the_arrays_again_from_the_artifact_and_the_package(copy: Path) -> None:
    for name in (f"{NAME}.npz", "toxicity.npz", model_arrays.TOXICITY_CARD):
        (copy / name).unlink()
    result = train_arrays(copy)
    assert result.returncode == 0, result.stderr
    for name in (f"{NAME}.npz", f"{NAME}.json", "toxicity.npz", model_arrays.TOXICITY_CARD):
        assert (copy / name).read_bytes() == (SHIPPED / name).read_bytes(), name
    (copy / f"{NAME}.skops").write_bytes(b"not a model")
    refused = train_arrays(copy)
    assert refused.returncode == 1
    assert "does not match the sha256" in refused.stdout + refused.stderr


def test_the_model_from_its_arrays_scores_as_the_fitted_model() -> None:
    rng = random.Random(11)
    texts = [c.text for c in dataset.load_collection()]
    texts += [sim_texts.comment(rng, style, None) for style in ("substantive", "padding", "spam") for _ in range(100)]
    from_arrays, fitted = artifact.load_spam_model(), artifact.load_fitted_spam_model()
    assert from_arrays.text_pipeline is None
    assert fitted.text_pipeline is not None
    assert np.array_equal(from_arrays.score(texts), fitted.score(texts))
    assert (from_arrays.threshold, from_arrays.delete_topic_words) == (fitted.threshold, fitted.delete_topic_words)
    toxicity = model_arrays.load_toxicity()
    assert toxicity is not None
    assert np.array_equal(toxicity.probability(texts), np.asarray(predict_prob(texts), dtype=np.float64))


def test_without_arrays_the_skops_file_is_loaded_and_the_reason_logged(copy: Path) -> None:
    (copy / f"{NAME}.npz").unlink()
    with capture_logs() as logs:
        model = artifact.load_spam_model(copy)
    assert model.text_pipeline is not None
    assert model.feature_model is not None
    assert [entry["event"] for entry in logs] == ["model_arrays_absent"]
    card = _card(copy)
    del card["arrays"]
    _write_card(copy, card)
    with capture_logs() as logs:
        assert artifact.load_spam_model(copy).text_pipeline is not None
    assert logs[0]["reason"] == "the card names no arrays"


def test_arrays_made_from_another_skops_file_are_not_used(copy: Path) -> None:
    arrays = _shipped_arrays() | {"source": np.array("0" * 64)}
    _vouch_for(copy, model_arrays.npz_bytes(arrays))
    with capture_logs() as logs:
        model = artifact.load_spam_model(copy)
    assert model.text_pipeline is not None
    assert logs[0]["event"] == "model_arrays_not_used"
    assert "another skops file" in logs[0]["reason"]


def test_arrays_whose_bytes_changed_are_refused(copy: Path) -> None:
    path = copy / f"{NAME}.npz"
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ModelArtifactError, match=rf"{NAME}\.npz does not match the sha256"):
        artifact.load_spam_model(copy)


def test_foreign_arrays_are_refused_even_when_the_card_vouches_for_them(copy: Path) -> None:
    pickled = io.BytesIO()
    np.savez(pickled, format=np.array(1), source=np.array([{"a": 1}], dtype=object))
    _vouch_for(copy, pickled.getvalue())
    with pytest.raises(ModelArtifactError, match="not a plain numpy archive"):
        artifact.load_spam_model(copy)
    arrays = _shipped_arrays()
    del arrays["words_coef"]
    _vouch_for(copy, model_arrays.npz_bytes(arrays))
    with pytest.raises(ModelArtifactError, match="does not hold the spam model's arrays"):
        artifact.load_spam_model(copy)
    arrays = _shipped_arrays()
    arrays["trees_left"] = arrays["trees_left"] + 10**6  # a child outside the trees
    _vouch_for(copy, model_arrays.npz_bytes(arrays))
    with pytest.raises(ModelArtifactError, match="does not hold the spam model's arrays"):
        artifact.load_spam_model(copy)


def test_profanity_check_arrays_absent_or_from_another_package_are_not_used(copy: Path) -> None:
    card = _card(copy, model_arrays.TOXICITY_CARD)
    (copy / model_arrays.TOXICITY_CARD).unlink()
    with capture_logs() as logs:
        assert model_arrays.load_toxicity(copy) is None
    assert logs[0]["event"] == "model_arrays_absent"
    source = card["source"]
    assert isinstance(source, dict)
    card["source"] = source | {"version": "0.0.1"}
    _write_card(copy, card, model_arrays.TOXICITY_CARD)
    with capture_logs() as logs:
        assert model_arrays.load_toxicity(copy) is None
    assert logs[0]["reason"] == "made from another profanity-check"


def test_profanity_check_arrays_tampered_with_are_refused(copy: Path) -> None:
    path = copy / "toxicity.npz"
    path.write_bytes(path.read_bytes()[:-1])
    with pytest.raises(ModelArtifactError, match=r"toxicity\.npz does not match the sha256"):
        model_arrays.load_toxicity(copy)


SIMULATE_AND_LIST_MODULES = """
import json, sys
from tgexchange.cli import main_entry
sys.argv = ["tgexchange", "simulate", "--members", "4", "--days", "1", "--json"]
try:
    main_entry()
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# What `tgexchange simulate` must not import: scikit-learn & co. (the models come from their
# arrays) and the faces it does not use (doctor, the bot, the web app).
NOT_FOR_SIMULATE = (
    "sklearn",
    "skops",
    "scipy",
    "profanity_check",
    "joblib",
    "datasketch",
    "tgexchange.cli.doctor_checks",
)
NOT_FOR_SIMULATE_PREFIXES = ("tgexchange.bot", "tgexchange.web", "telegram", "fastapi", "huey")


def test_simulate_imports_no_scikit_learn_nor_the_faces_it_does_not_use(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SIMULATE_AND_LIST_MODULES],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    modules = set(json.loads(result.stderr.strip().splitlines()[-1]))
    assert "tgexchange.simulation.runner" in modules
    assert "tgexchange.adapters.quality" in modules
    assert json.loads(result.stdout.strip().splitlines()[-1])["members"] == 4
    found = {m for m in modules if m.split(".")[0] in NOT_FOR_SIMULATE or m in NOT_FOR_SIMULATE}
    found |= {m for m in modules if m.startswith(NOT_FOR_SIMULATE_PREFIXES)}
    assert found == set()
