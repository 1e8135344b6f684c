"""The estimate of the whole training procedure on files it never saw: for each file, ``train`` on
the others (selection included) and evaluate on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.metrics import SpamEvaluation, evaluate
from tgexchange.ml.selection import TARGET_LONG_HAM_FPR, Selection, count_fits, train
from tgexchange.ml.spam_model import SpamModel
from tgexchange.ml.training import C_GRID, Progress


@dataclass(frozen=True, slots=True)
class Rotation:
    """The training procedure run on all files but one and evaluated on that one."""

    trained_on: tuple[str, ...]
    evaluated_on: str
    model: SpamModel
    selection: Selection
    evaluation: SpamEvaluation

    def to_json(self) -> dict[str, Any]:
        return {
            "trained_on": list(self.trained_on),
            "evaluated_on": self.evaluated_on,
            "selection": self.selection.to_json(),
            "held_out": self.evaluation.to_json(),
        }


def count_rotation_fits(sources: int, *, c_grid: Sequence[float] = C_GRID) -> int:
    return sources * count_fits(sources - 1, c_grid=c_grid)


def rotations(
    comments: Sequence[LabelledComment],
    *,
    c_grid: Sequence[float] = C_GRID,
    target_fpr: float = TARGET_LONG_HAM_FPR,
    delete_topic_words: bool = True,
    progress: Progress | None = None,
) -> list[Rotation]:
    """For each source file: ``train`` on the others (selection included), evaluate on it.
    Needs at least three files (selection itself leaves one training file out)."""
    sources = list(dict.fromkeys(x.source for x in comments))
    if len(sources) < 3:
        raise ValueError("rotations need at least three files")
    results: list[Rotation] = []
    for held_out in sources:
        inside = [x for x in comments if x.source != held_out]
        outside = [x for x in comments if x.source == held_out]
        model, selection = train(
            inside, c_grid=c_grid, target_fpr=target_fpr, delete_topic_words=delete_topic_words, progress=progress
        )
        trained_on = tuple(s for s in sources if s != held_out)
        results.append(Rotation(trained_on, held_out, model, selection, evaluate(model, outside)))
    return results
