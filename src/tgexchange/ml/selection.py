"""Choosing C and the decision threshold, from out-of-file predictions on the training files only.

No hyperparameter or threshold is ever chosen on the comments a model is evaluated on: ``train``
picks C and the threshold from leave-one-file-out predictions on its own training files (see
``tgexchange.ml.evaluation`` for the estimate of the whole procedure on files it never saw).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.metrics import SpamEvaluation, evaluation_of
from tgexchange.ml.spam_model import SpamModel
from tgexchange.ml.training import C_GRID, Progress, fit

# The benchmark's budget for substantive ham flagged as spam is 10%; thresholds aim at half of it
# on out-of-file predictions, leaving room for the shift between training files and real feedback.
TARGET_LONG_HAM_FPR = 0.05
THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.30 + 0.01 * step, 2) for step in range(61))


def choose_threshold(
    comments: Sequence[LabelledComment],
    probabilities: NDArray[np.float64],
    *,
    target_fpr: float = TARGET_LONG_HAM_FPR,
) -> float:
    """The lowest threshold in ``THRESHOLD_GRID`` (so the highest spam recall) whose false-positive
    rate on long ham stays within ``target_fpr``; the grid's top if none does."""
    long_ham = np.array([x.is_long_ham for x in comments], dtype=bool)
    if not long_ham.any():
        return 0.5
    for threshold in THRESHOLD_GRID:
        if float(np.mean(probabilities[long_ham] >= threshold)) <= target_fpr:
            return threshold
    return THRESHOLD_GRID[-1]


def out_of_file_probabilities(
    comments: Sequence[LabelledComment],
    c: float,
    *,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> NDArray[np.float64]:
    """Each comment's spam probability from a model fitted on the other files only (aligned with
    ``comments``). Raises ValueError with fewer than two source files."""
    sources = list(dict.fromkeys(x.source for x in comments))
    if len(sources) < 2:
        raise ValueError("leave-one-file-out needs at least two files")
    probabilities = np.zeros(len(comments), dtype=np.float64)
    for held_out in sources:
        inside = [x for x in comments if x.source != held_out]
        positions = [i for i, x in enumerate(comments) if x.source == held_out]
        model = fit(inside, c, delete_topic_words=delete_topic_words)
        probabilities[positions] = model.score_prepared([comments[i].text for i in positions])
        if progress:
            progress(f"C={c:g}, held out {held_out}")
    return probabilities


@dataclass(frozen=True, slots=True)
class Selection:
    """The C and threshold chosen from out-of-file predictions on the training files."""

    c: float
    threshold: float
    evaluation: SpamEvaluation

    def to_json(self) -> dict[str, Any]:
        return {"C": self.c, "threshold": self.threshold, "out_of_file": self.evaluation.to_json()}


def select(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> Selection:
    """For each C, leave-one-file-out predictions and the threshold ``choose_threshold`` gives;
    keeps the C with the highest recall (then the lowest false-positive rate, then the smallest C)."""
    best: tuple[tuple[float, float, float], Selection] | None = None
    for c in c_grid:
        probabilities = out_of_file_probabilities(comments, c, delete_topic_words=delete_topic_words, progress=progress)
        threshold = choose_threshold(comments, probabilities, target_fpr=target_fpr)
        evaluation = evaluation_of(comments, probabilities, threshold)
        key = (evaluation.spam_recall, -evaluation.long_ham_false_positive_rate, -c)
        if best is None or key > best[0]:
            best = (key, Selection(c, threshold, evaluation))
    if best is None:
        raise ValueError("the C grid is empty")
    return best[1]


def count_fits(sources: int, *, c_grid: Sequence[float] = C_GRID) -> int:
    """How many fits ``train`` makes for this many source files (for progress bars)."""
    return len(c_grid) * sources + 1


def train(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> tuple[SpamModel, Selection]:
    """Selects C and the threshold on ``comments`` (see ``select``), then fits on all of them."""
    selection = select(
        comments, c_grid=c_grid, target_fpr=target_fpr, delete_topic_words=delete_topic_words, progress=progress
    )
    fitted = fit(comments, selection.c, delete_topic_words=delete_topic_words)
    model = replace(fitted, threshold=selection.threshold)
    if progress:
        progress(f"final model, C={selection.c:g}")
    return model, selection
