"""The spam classifier's versioned artifact: a skops file (never pickle) and its JSON card.

``load_spam_model`` checks the file's sha256 against the card, the scikit-learn version, and loads
with an explicit list of trusted types. ``write_artifact`` writes both files atomically. Run-time
code: it imports no training, selection or evaluation module.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import Pipeline
from skops.io.exceptions import UntrustedTypesFoundException

from tgexchange.ml.spam_features import FEATURE_NAMES
from tgexchange.ml.spam_model import SpamModel

ARTIFACT_DIR = Path(__file__).resolve().parent / "artifacts"
ARTIFACT_NAME = "spam-v4"

# What skops may instantiate beyond its own defaults, named one by one (never trusted=True). The
# fitted Pipeline of TfidfVectorizer, FeatureUnion and LogisticRegression needs nothing extra; the
# gradient-boosted trees keep their trees as TreePredictor objects (plain arrays of nodes). Checked
# with get_untrusted_types when the artifact is written; anything else in a file is refused.
TRUSTED_TYPES: tuple[str, ...] = ("sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",)


class ModelArtifactError(Exception):
    """The model artifact is missing, altered, incompatible or holds types we do not trust."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(data)
        temporary = Path(handle.name)
    temporary.chmod(0o644)  # NamedTemporaryFile makes it private; artifacts are ordinary repo files
    os.replace(temporary, path)


def write_artifact(model: SpamModel, card: dict[str, Any], *, directory: Path = ARTIFACT_DIR) -> dict[str, Any]:
    """Writes ``<version>.skops`` and its card ``<version>.json`` (``card`` completed with the
    file's name, sha256 and the trusted types); returns the card as written.

    The model goes first and the card last, each by atomic rename, so an interrupted write leaves a
    card whose hash does not match and loading fails loudly instead of using the wrong model.
    Raises ModelArtifactError if the fitted model needs a type outside ``TRUSTED_TYPES``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    content = {"text_pipeline": model.text_pipeline, "feature_model": model.feature_model}
    data = sio.dumps(content, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelArtifactError(f"the model needs types we do not trust: {', '.join(untrusted)}")
    skops_path = directory / f"{model.version}.skops"
    _write_atomically(skops_path, data)
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
    card_text = json.dumps(written, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(directory / f"{model.version}.json", card_text.encode("utf-8"))
    return written


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
    """The model and threshold of the artifact ``version`` in ``directory``.

    Raises ModelArtifactError when the file is missing, its sha256 differs from the card's, it was
    written by another scikit-learn version (retrain with ``tgexchange train spam``), or it holds a
    type outside ``TRUSTED_TYPES`` (skops refuses to build it). The bytes that are hashed are the
    bytes that are loaded.
    """
    card = read_card(directory, version)
    path = directory / f"{version}.skops"  # never a path taken from the card
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelArtifactError(f"cannot read the model {path}: {error}") from error
    if sha256_of(data) != card.get("sha256"):
        raise ModelArtifactError(f"{path.name} does not match the sha256 in {version}.json")
    if card.get("sklearn_version") != sklearn.__version__:
        raise ModelArtifactError(
            f"{path.name} was written by scikit-learn {card.get('sklearn_version')}, this is"
            f" {sklearn.__version__}: retrain with `tgexchange train spam`"
        )
    try:
        content = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as error:
        raise ModelArtifactError(f"{path.name} holds types we do not trust: {error}") from error
    if not (
        isinstance(content, dict)
        and isinstance(content.get("text_pipeline"), Pipeline)
        and isinstance(content.get("feature_model"), HistGradientBoostingClassifier)
    ):
        raise ModelArtifactError(f"{path.name} does not hold a text pipeline and a feature model")
    if card.get("features") != list(FEATURE_NAMES):
        raise ModelArtifactError(
            f"{path.name} was trained on other hand features: retrain with `tgexchange train spam`"
        )
    try:
        threshold = float(card["threshold"])
        delete_topic_words = card["delete_topic_words"]
    except (KeyError, TypeError, ValueError) as error:
        raise ModelArtifactError(f"{version}.json lacks a usable threshold or input: {error}") from error
    if not isinstance(delete_topic_words, bool) or not 0.0 < threshold <= 1.0:
        raise ModelArtifactError(f"{version}.json: the threshold or delete_topic_words is out of range")
    return SpamModel(
        content["text_pipeline"],
        content["feature_model"],
        threshold=threshold,
        version=version,
        delete_topic_words=delete_topic_words,
    )
