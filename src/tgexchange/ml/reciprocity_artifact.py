"""The reciprocity model on disk: versioned skops files (never pickle) with their cards, and which
version is in use.

In ``directory`` (``ML_MODEL_PATH``): ``<version>.skops`` and ``<version>.json`` (the model card,
with the file's sha256 and the types it trusts), and ``current.json`` naming the promoted version.
A version's file holds the model served and, under ``holdout``, the model its card scores (what a
later version is compared with); a file written before there were two holds one model, both.
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


def _parts(model: ReciprocityModel) -> dict[str, Any]:
    return {"classifier": model.classifier, "thresholds": model.thresholds, "values": model.values}


def save(
    model: ReciprocityModel, card: dict[str, Any], directory: Path, *, holdout: ReciprocityModel | None = None
) -> dict[str, Any]:
    """Writes the version's model (served) and card, and the ``holdout`` model the card scores
    when it is another (not promoted); returns the card as written. Raises ModelRefused when a
    model needs a type this module does not trust."""
    content = _parts(model) | ({"holdout": _parts(holdout)} if holdout is not None else {})
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


def _model(parts: Any, version: str) -> ReciprocityModel:
    if not isinstance(parts, dict) or not {"classifier", "thresholds", "values"} <= set(parts):
        raise ModelRefused(f"{version}.skops is not a reciprocity model")
    return ReciprocityModel(
        parts["classifier"],
        np.asarray(parts["thresholds"], dtype=np.float64),
        np.asarray(parts["values"], dtype=np.float64),
        version=version,
    )


def load(
    directory: Path, version: str | None = None, *, holdout: bool = False
) -> tuple[ReciprocityModel, dict[str, Any]]:
    """The model ``version`` (default: the promoted one) serves, or with ``holdout`` the one its
    card scores, and its card. Raises ModelRefused."""
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
    served = _model(content, version)
    if not holdout:
        return served, card
    return (_model(content["holdout"], version) if "holdout" in content else served), card
