"""The reciprocity model behind its port: training on the stored history, the versioned files
under ``ML_MODEL_PATH``, and scoring every member.

The toxicity of each verified feedback (a feature) is scored here in one batch with
alt-profanity-check, as the quality gate does; the history stores the texts, not the scores.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import structlog
from profanity_check import predict_prob

from tgexchange.adapters.db.reciprocity import SqlReciprocityHistory
from tgexchange.domain.pace import paces
from tgexchange.domain.reciprocity import MemberRecord, ReciprocityScore, TaskRecord
from tgexchange.domain.task import TaskStatus
from tgexchange.ml import reciprocity_artifact as artifact
from tgexchange.ml.features import Dataset, build_dataset, snapshot
from tgexchange.ml.reciprocity import ReciprocityModel, confidence_of, predict_or_fall_back
from tgexchange.ml.reciprocity_metrics import score
from tgexchange.ml.reciprocity_training import TRAIN_SHARE, train

log = structlog.get_logger("tgexchange.reciprocity")
COLD_START = "cold-start"


def _toxicity(texts: list[str]) -> list[float]:
    return [float(p) for p in predict_prob(texts)] if texts else []


class ReciprocityLearner:
    """Implements the ReciprocityLearner port."""

    def __init__(
        self,
        history: SqlReciprocityHistory,
        directory: Path,
        *,
        toxicity: Callable[[list[str]], list[float]] = _toxicity,
    ) -> None:
        self._history = history
        self.directory = directory
        self._toxicity = toxicity

    def records(self, progress: Callable[[int], None] | None = None) -> tuple[list[TaskRecord], list[MemberRecord]]:
        """Every task (toxicity of verified feedback filled in) and every member."""
        tasks: list[TaskRecord] = []
        texts: list[str] = []
        verified_at: list[int] = []
        for record, text in self._history.tasks():
            if record.status is TaskStatus.VERIFIED and text:
                verified_at.append(len(tasks))
                texts.append(text)
            tasks.append(record)
            if progress is not None and len(tasks) % 10_000 == 0:
                progress(len(tasks))
        for index, value in zip(verified_at, self._toxicity(texts), strict=True):
            tasks[index] = dataclasses.replace(tasks[index], toxicity=value)
        return tasks, self._history.members()

    def train(
        self, *, estimator: str = "hgb", progress: Callable[[str, int], None] | None = None
    ) -> tuple[dict[str, Any], Dataset]:
        """Trains and saves a new version (not promoted); its card and the rows it was tested on.
        Raises NotEnoughHistory or ValueError."""
        tasks, members = self.records(progress=(lambda n: progress("read", n)) if progress else None)
        if progress:
            progress("features", len(tasks))
        dataset = build_dataset(tasks, members, groups=self._history.groups())
        if progress:
            progress("fit", len(dataset))
        trained = train(dataset, estimator=estimator, version=artifact.new_version(self.directory))
        card = artifact.save(trained.model, trained.card, self.directory, holdout=trained.holdout)
        return card, dataset.split(TRAIN_SHARE)[1]

    def current(self, *, holdout: bool = False) -> tuple[ReciprocityModel, dict[str, Any]] | None:
        """The promoted model (or with ``holdout`` the one its card scores) and its card; None
        (logged) when there is none or it is refused."""
        try:
            return artifact.load(self.directory, holdout=holdout)
        except artifact.ModelRefused as refused:
            if artifact.current_version(self.directory) is not None:
                log.warning("reciprocity_model_refused", reason=str(refused))
            return None

    def scores_on(self, test: Dataset) -> dict[str, float | None] | None:
        """How the promoted version does on these rows (None without one): its holdout model,
        which learnt only from tasks older than a newer version's test rows, so it is scored on
        rows it never saw, as the newer one is."""
        found = self.current(holdout=True)
        if found is None or len(test) == 0:
            return None
        scores = score(test.labels, found[0].predict_many(test.features))
        return {"roc_auc": scores.roc_auc, "brier": scores.brier}

    def refused(self) -> bool:
        """A version is promoted but does not load (logged by ``current``)."""
        return artifact.current_version(self.directory) is not None and self.current() is None

    def card(self) -> dict[str, Any] | None:
        found = self.current()
        return None if found is None else found[1]

    def promote(self, version: str) -> None:
        artifact.promote(version, self.directory)

    def score_members(self, *, now: datetime) -> tuple[str, list[ReciprocityScore]]:
        """Every member's chance of giving back on each platform, as of now: how a task given to
        them would end (the promoted model, or their own record, the cold start, when there is
        none) times their pace of taking tasks, or asking for one when there was none
        (domain.pace)."""
        tasks, members = self.records()
        keys, rows = snapshot(tasks, members, at=now, groups=self._history.groups())
        found = self.current()
        model = found[0] if found else None
        probabilities = predict_or_fall_back(model, rows)
        confidence = confidence_of(rows, probabilities) if len(rows) else np.zeros(0)
        pace = paces(tasks, members, at=now, hours_in_vain=self._history.hours_in_vain(before=now))
        scores = [
            ReciprocityScore(member_id, platform, float(p) * pace.get(member_id, 1.0), float(c))
            for (member_id, platform), p, c in zip(keys, probabilities, confidence, strict=True)
        ]
        return (model.version if model else COLD_START), scores
