"""The estimate of the whole training procedure on videos it never saw: for each video, ``train`` on
the others (threshold selection included, nested: it never sees the held-out video) and judge that
video with the gate. The worst video is the number an outside check on new videos is likely to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tgexchange.ml import selection
from tgexchange.ml.candidates import SHIPPED, Candidate, Scorer
from tgexchange.ml.dataset import LabelledComment
from tgexchange.ml.metrics import SpamEvaluation, evaluation_of
from tgexchange.ml.training import Progress


@dataclass(frozen=True, slots=True)
class Rotation:
    """The training procedure run on all videos but one and evaluated on that one."""

    candidate: str
    trained_on: tuple[str, ...]
    evaluated_on: str
    scorer: Scorer
    selection: selection.Selection
    evaluation: SpamEvaluation

    def to_json(self) -> dict[str, Any]:
        return {
            "candidate": self.candidate,
            "trained_on": list(self.trained_on),
            "evaluated_on": self.evaluated_on,
            "selection": self.selection.to_json(),
            "held_out": self.evaluation.to_json(),
        }


def count_rotation_fits(videos: int) -> int:
    return videos * selection.count_fits(videos - 1)


def rotations(
    comments: Sequence[LabelledComment],
    candidate: Candidate = SHIPPED,
    *,
    target: float = selection.TARGET_LONG_HAM_REJECTION,
    progress: Progress | None = None,
) -> list[Rotation]:
    """For each video: ``train`` on the others, judge it. Needs at least three videos (selection
    itself leaves one training video out)."""
    videos = selection.videos_of(comments)
    if len(videos) < 3:
        raise ValueError("rotations need at least three videos")
    results: list[Rotation] = []
    for held_out in videos:
        inside = [comment for comment in comments if comment.source != held_out]
        outside = [comment for comment in comments if comment.source == held_out]
        scorer, chosen = selection.train(inside, candidate, target=target, progress=progress)
        probabilities = scorer.score_prepared([comment.text for comment in outside])
        evaluation = evaluation_of(outside, probabilities, chosen.threshold)
        trained_on = tuple(video for video in videos if video != held_out)
        results.append(Rotation(candidate.name, trained_on, held_out, scorer, chosen, evaluation))
    return results


@dataclass(frozen=True, slots=True)
class Summary:
    """Per-video spam recall and long-ham false rejection, summarised: the worst, the mean, the
    spread (largest minus smallest) and the pooled rate."""

    worst_recall: float
    mean_recall: float
    recall_spread: float
    pooled_recall: float
    worst_false_rejection: float
    mean_false_rejection: float
    pooled_false_rejection: float

    def to_json(self) -> dict[str, float]:
        return {name: round(getattr(self, name), 4) for name in self.__slots__}


def summarise(results: Sequence[Rotation]) -> Summary:
    evaluations = [rotation.evaluation for rotation in results]
    recalls = [e.spam_recall for e in evaluations]
    rejections = [e.long_ham_false_rejection for e in evaluations]
    return Summary(
        worst_recall=min(recalls),
        mean_recall=float(np.mean(recalls)),
        recall_spread=max(recalls) - min(recalls),
        pooled_recall=sum(e.spam_rejected for e in evaluations) / sum(e.spam for e in evaluations),
        worst_false_rejection=max(rejections),
        mean_false_rejection=float(np.mean(rejections)),
        pooled_false_rejection=sum(e.long_ham_rejected_as_spam for e in evaluations)
        / sum(e.long_ham for e in evaluations),
    )
