"""The model card written beside the artifact: what was trained, on what, chosen how, and how the
training procedure did on videos it never saw."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sklearn
import skops

from tgexchange.ml.artifact import ARTIFACT_DIR, write_artifact
from tgexchange.ml.candidates import SHIPPED
from tgexchange.ml.dataset import LONG_HAM_MIN_WORDS, DataDir, describe_feedback_ham, describe_files
from tgexchange.ml.evaluation import Rotation, summarise
from tgexchange.ml.selection import Selection
from tgexchange.ml.spam_model import SpamModel
from tgexchange.ml.training import TEXT_C


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
    card: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": (
            f"{SHIPPED.description}: TF-IDF words 1-2 + char_wb 2-5 (sublinear, min_df 2) ->"
            f" LogisticRegression(C={TEXT_C:g}, class_weight=balanced); HistGradientBoostingClassifier"
            " (learning_rate 0.05, 150 iterations, max_depth 3, min_samples_leaf 40, l2_regularization 1,"
            " class_weight=balanced) on hand features"
        ),
        "input": (
            "tgexchange.domain.quality.normalize (HTML, invisible characters, look-alike letters, runs),"
            " links to the comment's own video removed (as the gate reads feedback on a submission)"
            + (
                ", then calls to act on an account (channel, subscribe, follow, share, check, visit) deleted for the"
                " text half unless they name the writer's own"
                if model.delete_topic_words
                else ""
            )
        ),
        "threshold_rule": (
            f"lowest threshold at which the whole gate rejects at most {selection.target:.1%} of ham of"
            f" {LONG_HAM_MIN_WORDS}+ words as spam or self-promotion, on leave-one-video-out predictions"
            " over the training videos"
        ),
        "trained_on": describe_files(data_dir, trained_on),
        # training ham only: never a video of the selection or of the evaluation below
        "extra_ham": describe_feedback_ham(),
        "selection": selection.to_json(),
        "evaluated_on": [rotation.evaluated_on for rotation in rotations],
        "metrics": {
            "note": (
                "each rotation runs the same training procedure (threshold selection included, on the"
                " training videos only) and judges the held-out video with the whole gate; the shipped"
                " model is trained on all videos"
            ),
            "rotations": [rotation.to_json() for rotation in rotations],
            "summary": summarise(rotations).to_json() if rotations else None,
        },
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "data_licence": "YouTube Spam Collection, CC BY 4.0, Alberto, Lochter & Almeida (TubeSpam, ICMLA 2015), UCI",
    }
    return write_artifact(model, card, directory=directory)
