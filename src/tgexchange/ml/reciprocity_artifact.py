"""The reciprocity model on disk: versioned skops files (never pickle) with their cards, and which
version is in use.

In ``directory`` (``ML_MODEL_PATH``): ``<version>.skops`` and ``<version>.json`` (the model card,
with the file's sha256 and the types it trusts), and ``current.json`` naming the promoted version.
Loading checks the sha256, the feature list and the scikit-learn version, and lets skops build
only the types listed here: a tampered or foreign file is refused with ``ModelRefused``, and the
caller falls back to the cold start. Run-time code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops.io as sio
from skops.io.exceptions import UntrustedTypesFoundException

from tgexchange.ml.features import FEATURE_NAMES
from tgexchange.ml.reciprocity import ReciprocityModel

CURRENT = "current.json"
# Beyond skops's own defaults, one by one (never trusted=True): the trees of each estimator.
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.tree._tree.Tree",
    "xgboost.core.Booster",
    "xgboost.sklearn.XGBClassifier",
)


class ModelRefused(Exception):
    """The model file is missing, tampered with, foreign, or built for other features."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def new_version(directory: Path, *, now: datetime | None = None) -> str:
    """A version name not yet written in ``directory``: the time to the second, with a suffix
    when another version was written in the same second (a second write must never replace the
    files of a version that may already be the promoted one)."""
    base = (now or datetime.now(UTC)).strftime("reciprocity-%Y%m%dT%H%M%SZ")
    version, n = base, 1
    while (directory / f"{version}.skops").exists() or (directory / f"{version}.json").exists():
        n += 1
        version = f"{base}-{n}"
    return version


def save(model: ReciprocityModel, card: dict[str, Any], directory: Path) -> dict[str, Any]:
    """Writes the version's model and card (not promoted); returns the card as written. Raises
    ModelRefused when the model needs a type this module does not trust."""
    content = {"classifier": model.classifier, "thresholds": model.thresholds, "values": model.values}
    data = sio.dumps(content, compression=zipfile.ZIP_DEFLATED)
    untrusted = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if untrusted:
        raise ModelRefused(f"the model needs types we do not trust: {', '.join(untrusted)}")
    written = {
        **card,
        "file": f"{model.version}.skops",
        "sha256": _sha256(data),
        "sklearn": sklearn.__version__,
        "features": list(FEATURE_NAMES),
        "trusted_types": list(TRUSTED_TYPES),
    }
    _write(directory / f"{model.version}.skops", data)
    _write(directory / f"{model.version}.json", json.dumps(written, indent=2).encode())
    return written


def promote(version: str, directory: Path) -> None:
    _write(directory / CURRENT, json.dumps({"version": version}).encode())


def current_version(directory: Path) -> str | None:
    try:
        found = json.loads((directory / CURRENT).read_text())
    except (OSError, ValueError):
        return None
    version = found.get("version") if isinstance(found, dict) else None
    return version if isinstance(version, str) and version.replace("-", "").isalnum() else None


def read_card(directory: Path, version: str) -> dict[str, Any]:
    try:
        card = json.loads((directory / f"{version}.json").read_text())
    except (OSError, ValueError) as error:
        raise ModelRefused(f"no readable card for {version}: {error}") from error
    if not isinstance(card, dict):
        raise ModelRefused(f"the card of {version} is not an object")
    return card


def load(directory: Path, version: str | None = None) -> tuple[ReciprocityModel, dict[str, Any]]:
    """The model ``version`` (default: the promoted one) and its card. Raises ModelRefused."""
    version = version or current_version(directory)
    if version is None:
        raise ModelRefused("no model has been promoted yet")
    card = read_card(directory, version)
    try:
        data = (directory / f"{version}.skops").read_bytes()
    except OSError as error:
        raise ModelRefused(f"cannot read {version}.skops: {error}") from error
    if card.get("sha256") != _sha256(data):
        raise ModelRefused(f"{version}.skops does not match its card's sha256 (changed since it was written)")
    if card.get("features") != list(FEATURE_NAMES):
        raise ModelRefused(f"{version} was trained on other features")
    if card.get("sklearn") != sklearn.__version__:
        raise ModelRefused(f"{version} was built with scikit-learn {card.get('sklearn')}, not {sklearn.__version__}")
    try:
        content = sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as error:
        raise ModelRefused(f"{version}.skops holds types we do not trust: {error}") from error
    except Exception as error:  # a corrupt archive: refused, never half-loaded
        raise ModelRefused(f"{version}.skops cannot be read: {error}") from error
    if not isinstance(content, dict) or not {"classifier", "thresholds", "values"} <= set(content):
        raise ModelRefused(f"{version}.skops is not a reciprocity model")
    model = ReciprocityModel(
        content["classifier"],
        np.asarray(content["thresholds"], dtype=np.float64),
        np.asarray(content["values"], dtype=np.float64),
        version=version,
    )
    return model, card
