"""Who gives back: retraining the reciprocity model and refreshing the scores matching reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tgexchange.domain.reciprocity import is_not_worse
from tgexchange.services.ports.reciprocity import ReciprocityLearner, ReciprocityScores


@dataclass(frozen=True, slots=True)
class Retrained:
    card: dict[str, Any]
    promoted: bool
    current: dict[str, float | None]
    """What is in use, on the same newest tasks: the promoted model, or before the first one the
    members' own records (the cold start matching falls back to)."""
    against_cold_start: bool = False


def retrain(
    learner: ReciprocityLearner, *, estimator: str = "hgb", progress: Callable[[str, int], None] | None = None
) -> Retrained:
    """Trains a new version on the whole history and promotes it only when it is not worse than
    what is in use on the newest tasks (the new version's own test rows, which neither version's
    holdout model saw; those are what each card scores): the promoted version, or before the
    first one the members' own records, which the card scores on those rows as its baseline.
    Raises the learner's ValueError (too little history, an unknown estimator)."""
    card, test = learner.train(estimator=estimator, progress=progress)
    current = learner.scores_on(test)
    against_cold_start = current is None
    if current is None:
        current = {"roc_auc": card.get("baseline_auc"), "brier": card.get("baseline_brier")}
    promoted = is_not_worse(
        auc=card.get("roc_auc"),
        brier=float(card["brier"]),
        current_auc=current.get("roc_auc"),
        current_brier=float(current.get("brier") or 1.0),
    )
    if promoted:
        learner.promote(str(card["version"]))
    return Retrained(card, promoted, current, against_cold_start)


def refresh_scores(learner: ReciprocityLearner, store: ReciprocityScores, *, now: datetime) -> tuple[str, int]:
    """Scores every member as of now (the promoted model, or each member's own record without
    one) and replaces the stored scores; the version used and how many scores were stored."""
    version, scores = learner.score_members(now=now)
    return version, store.replace(scores, version=version, now=now)
