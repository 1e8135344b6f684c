"""The spam classifier's versioned artifact: a skops file (never pickle), its arrays (``.npz``,
what the numpy replicas score with) and its JSON card.

``load_spam_model`` checks the skops file's sha256 against the card and the scikit-learn version,
then builds the model from the arrays when the card vouches for them and they were made from this
very skops file (without importing scikit-learn or skops: ~2 s of a start-up), else loads the
skops file with an explicit list of trusted types (``ml/model_arrays.py`` has the rules).
``write_artifact`` writes the three files atomically. Run-time code: it imports no training,
selection or evaluation module.
"""

from __future__ import annotations

import importlib.metadata
import json
import zipfile
from pathlib import Path
from typing import Any

import structlog

from tgexchange.ml.model_arrays import (
    ModelArtifactError,
    npz_bytes,
    read_npz,
    sha256_of,
    spam_arrays,
    spam_replicas,
    write_atomically,
)
from tgexchange.ml.spam_features import FEATURE_NAMES
from tgexchange.ml.spam_model import SpamModel
from tgexchange.ml.trees import BoostedTrees
from tgexchange.ml.words import WordScores

__all__ = ["ARTIFACT_DIR", "ARTIFACT_NAME", "ModelArtifactError", "load_spam_model", "read_card", "write_artifact"]

log = structlog.get_logger("tgexchange.artifact")

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
ARTIFACT_NAME = "spam-v4"

# What skops may instantiate beyond its own defaults, named one by one (never trusted=True). The
# fitted Pipeline of TfidfVectorizer, FeatureUnion and LogisticRegression needs nothing extra; the
# gradient-boosted trees keep their trees as TreePredictor objects (plain arrays of nodes). Checked
# with get_untrusted_types when the artifact is written; anything else in a file is refused.
TRUSTED_TYPES: tuple[str, ...] = ("sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",)

_write_atomically = write_atomically


def write_artifact(model: SpamModel, card: dict[str, Any], *, directory: Path = ARTIFACT_DIR) -> dict[str, Any]:
    """Writes ``<version>.skops``, its arrays ``<version>.npz`` and its card ``<version>.json``
    (``card`` completed with the files' names, sha256 and the trusted types); returns the card as
    written.

    The model goes first and the card last, each by atomic rename, so an interrupted write leaves a
    card whose hash does not match and loading fails loudly instead of using the wrong model.
    Raises ModelArtifactError if the fitted model needs a type outside ``TRUSTED_TYPES``. A model
    the numpy replicas cannot score gets no arrays (it is then loaded from skops).
    """
    import skops.io as sio

    directory.mkdir(parents=True, exist_ok=True)
    content = {"text_pipeline": model.text_pipeline, "feature_model": model.feature_model}
    data = sio.dumps(content, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelArtifactError(f"the model needs types we do not trust: {', '.join(untrusted)}")
    skops_path = directory / f"{model.version}.skops"
    _write_atomically(skops_path, data)
    arrays = _write_arrays(model, source_sha256=sha256_of(data), directory=directory)
    written = {
        "version": model.version,
        "file": skops_path.name,
        "sha256": sha256_of(data),
        **card,
        "threshold": model.threshold,
        "delete_topic_words": model.delete_topic_words,
        "features": list(FEATURE_NAMES),
        "trusted_types": list(TRUSTED_TYPES),
    }
    if arrays is not None:
        written["arrays"] = arrays
    card_text = json.dumps(written, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(directory / f"{model.version}.json", card_text.encode("utf-8"))
    return written


def _write_arrays(model: SpamModel, *, source_sha256: str, directory: Path) -> dict[str, str] | None:
    words, trees = WordScores.of(model.text_pipeline), BoostedTrees.of(model.feature_model)
    if words is None or trees is None:
        return None
    data = npz_bytes(spam_arrays(words, trees, source_sha256=source_sha256))
    path = directory / f"{model.version}.npz"
    _write_atomically(path, data)
    return {"file": path.name, "sha256": sha256_of(data)}


def write_arrays(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> dict[str, Any]:
    """Makes the arrays of the artifact ``version`` again from its skops file (loaded and checked
    as ``load_spam_model`` loads it) and records them in its card; returns the card. Raises
    ModelArtifactError as loading does, or when the model cannot be scored by the replicas."""
    card = read_card(directory, version)
    model = load_fitted_spam_model(directory, version)
    arrays = _write_arrays(model, source_sha256=str(card["sha256"]), directory=directory)
    if arrays is None:
        raise ModelArtifactError(f"{version} is not of the shape the numpy replicas score")
    card["arrays"] = arrays
    _write_atomically(directory / f"{version}.json", (json.dumps(card, indent=2, ensure_ascii=False) + "\n").encode())
    return card


def read_card(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> dict[str, Any]:
    """The artifact's JSON card. Raises ModelArtifactError if it is missing or not a JSON object."""
    path = directory / f"{version}.json"
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelArtifactError(f"cannot read the model card {path}: {error}") from error
    if not isinstance(card, dict):
        raise ModelArtifactError(f"the model card {path} is not a JSON object")
    return card


def load_spam_model(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> SpamModel:
    """The model and threshold of the artifact ``version`` in ``directory``: scored by the numpy
    replicas built from its arrays when they can be used, else loaded from skops.

    Raises ModelArtifactError when the skops file is missing, its sha256 differs from the card's,
    it was written by another scikit-learn version (retrain with ``tgexchange train spam``), it
    holds a type outside ``TRUSTED_TYPES`` (skops refuses to build it), or when the arrays the
    card names differ from its sha256 or are not the model's arrays. Arrays that are absent or
    made from another skops file are not used (logged). The bytes that are hashed are the bytes
    that are loaded.
    """
    card, data = _checked(directory, version)
    threshold, delete_topic_words = _card_numbers(card, version)
    replicas = _arrays_of(card, data, directory, version)
    if replicas is None:
        return _fitted(card, data, version, threshold=threshold, delete_topic_words=delete_topic_words)
    return SpamModel(
        None, None, threshold=threshold, version=version, delete_topic_words=delete_topic_words, replicas=replicas
    )


def load_fitted_spam_model(directory: Path = ARTIFACT_DIR, version: str = ARTIFACT_NAME) -> SpamModel:
    """The artifact's fitted scikit-learn estimators, from skops (for training, tests and the
    benchmarks, which compare the replicas with them); raises as ``load_spam_model``."""
    card, data = _checked(directory, version)
    threshold, delete_topic_words = _card_numbers(card, version)
    return _fitted(card, data, version, threshold=threshold, delete_topic_words=delete_topic_words)


def _checked(directory: Path, version: str) -> tuple[dict[str, Any], bytes]:
    card = read_card(directory, version)
    path = directory / f"{version}.skops"  # never a path taken from the card
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelArtifactError(f"cannot read the model {path}: {error}") from error
    if sha256_of(data) != card.get("sha256"):
        raise ModelArtifactError(f"{path.name} does not match the sha256 in {version}.json")
    # Read from the installed package's metadata: importing scikit-learn to ask costs ~0.7 s.
    installed = importlib.metadata.version("scikit-learn")
    if card.get("sklearn_version") != installed:
        raise ModelArtifactError(
            f"{path.name} was written by scikit-learn {card.get('sklearn_version')}, this is"
            f" {installed}: retrain with `tgexchange train spam`"
        )
    if card.get("features") != list(FEATURE_NAMES):
        raise ModelArtifactError(
            f"{path.name} was trained on other hand features: retrain with `tgexchange train spam`"
        )
    return card, data


def _card_numbers(card: dict[str, Any], version: str) -> tuple[float, bool]:
    try:
        threshold = float(card["threshold"])
        delete_topic_words = card["delete_topic_words"]
    except (KeyError, TypeError, ValueError) as error:
        raise ModelArtifactError(f"{version}.json lacks a usable threshold or input: {error}") from error
    if not isinstance(delete_topic_words, bool) or not 0.0 < threshold <= 1.0:
        raise ModelArtifactError(f"{version}.json: the threshold or delete_topic_words is out of range")
    return threshold, delete_topic_words


def _arrays_of(
    card: dict[str, Any], data: bytes, directory: Path, version: str
) -> tuple[WordScores, BoostedTrees] | None:
    named = card.get("arrays")
    if not isinstance(named, dict) or not isinstance(named.get("file"), str):
        log.info("model_arrays_absent", model=version, reason="the card names no arrays")
        return None
    path = directory / Path(named["file"]).name  # never a path outside the artifact's folder
    try:
        arrays_data = path.read_bytes()
    except FileNotFoundError:
        log.info("model_arrays_absent", model=version, file=str(path))
        return None
    except OSError as error:
        raise ModelArtifactError(f"cannot read the model's arrays {path}: {error}") from error
    if sha256_of(arrays_data) != named.get("sha256"):
        raise ModelArtifactError(f"{path.name} does not match the sha256 in {version}.json")
    source, words, trees = spam_replicas(read_npz(arrays_data, path.name), path.name)
    if source != sha256_of(data):
        log.warning("model_arrays_not_used", model=version, reason=f"{path.name} was made from another skops file")
        return None
    return words, trees


def _fitted(
    card: dict[str, Any], data: bytes, version: str, *, threshold: float, delete_topic_words: bool
) -> SpamModel:
    import skops.io as sio
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline
    from skops.io.exceptions import UntrustedTypesFoundException

    name = card.get("file", f"{version}.skops")
    try:
        content = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as error:
        raise ModelArtifactError(f"{name} holds types we do not trust: {error}") from error
    if not (
        isinstance(content, dict)
        and isinstance(content.get("text_pipeline"), Pipeline)
        and isinstance(content.get("feature_model"), HistGradientBoostingClassifier)
    ):
        raise ModelArtifactError(f"{name} does not hold a text pipeline and a feature model")
    return SpamModel(
        content["text_pipeline"],
        content["feature_model"],
        threshold=threshold,
        version=version,
        delete_topic_words=delete_topic_words,
    )
