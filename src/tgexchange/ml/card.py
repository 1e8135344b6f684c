"""The model card written beside the artifact: what was trained, on what, chosen how, and how the
training procedure did on files it never saw."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops

from tgexchange.ml.artifact import ARTIFACT_DIR, write_artifact
from tgexchange.ml.dataset import LONG_HAM_MIN_WORDS, DataDir, describe_files
from tgexchange.ml.evaluation import Rotation
from tgexchange.ml.selection import TARGET_LONG_HAM_FPR, Selection
from tgexchange.ml.spam_model import SpamModel
from tgexchange.ml.training import C_GRID


def save_artifact(
    model: SpamModel,
    *,
    selection: Selection,
    rotations: Sequence[Rotation],
    data_dir: DataDir | None,
    trained_on: Sequence[str],
    directory: Path = ARTIFACT_DIR,
) -> dict[str, Any]:
    """Writes the model and its card (see ``write_artifact``); returns the card. ``data_dir`` is
    where ``trained_on`` was read (None: the packaged collection)."""
    held_out = [rotation.evaluation for rotation in rotations]
    card: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": (
            "TF-IDF words 1-2 (sublinear) + chars within words 2-5 (sublinear, min_df 2)"
            f" -> LogisticRegression(C={model.c:g}, class_weight=balanced)"
        ),
        "input": (
            "prepare() (HTML cleaned, U+FEFF dropped, NFKC, controls removed), then channel/subscribe words deleted"
            if model.delete_topic_words
            else "prepare() (HTML cleaned, U+FEFF dropped, NFKC, controls removed)"
        ),
        "delete_topic_words": model.delete_topic_words,
        "threshold": model.threshold,
        "threshold_rule": (
            f"lowest threshold whose leave-one-file-out false-positive rate on ham of {LONG_HAM_MIN_WORDS}+"
            f" words is at most {TARGET_LONG_HAM_FPR:.0%}, C chosen the same way among {list(C_GRID)}"
        ),
        "trained_on": describe_files(data_dir, trained_on),
        "selection": selection.to_json(),
        "evaluated_on": [rotation.evaluated_on for rotation in rotations],
        "metrics": {
            "note": (
                "each rotation runs the same training procedure (selection included) on the other"
                " files and evaluates on the held-out file; the shipped model is trained on all files"
            ),
            "rotations": [rotation.to_json() for rotation in rotations],
            "median_spam_recall": round(float(np.median([e.spam_recall for e in held_out])), 4),
            "median_long_ham_false_positive_rate": round(
                float(np.median([e.long_ham_false_positive_rate for e in held_out])), 4
            ),
        },
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "data_licence": "YouTube Spam Collection, CC BY 4.0, Alberto, Lochter & Almeida (TubeSpam, ICMLA 2015), UCI",
    }
    return write_artifact(model, card, directory=directory)
