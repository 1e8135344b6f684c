"""The reciprocity model and its scores, as the use cases see them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from tgexchange.domain.content import Platform
from tgexchange.domain.reciprocity import ReciprocityScore


class ReciprocityLearner(Protocol):
    def train(
        self, *, estimator: str = "hgb", progress: Callable[[str, int], None] | None = None
    ) -> tuple[dict[str, Any], Any]:
        """Trains and saves a new version without promoting it: its model card, and the newest
        tasks it was tested on (opaque, for ``scores_on``). Raises ValueError subclasses when the
        history is too short or the estimator cannot be built."""
        ...

    def scores_on(self, test: Any) -> dict[str, float | None] | None:
        """``roc_auc`` and ``brier`` of the version in use on those tasks (its holdout model, the
        one its card scores, which never saw them); None without a model."""
        ...

    def promote(self, version: str) -> None: ...

    def refused(self) -> bool:
        """Whether a version is promoted but cannot be used (its file tampered with or foreign, or
        trained on other features or another scikit-learn), so the cold start stands in."""
        ...

    def card(self) -> dict[str, Any] | None:
        """The model card of the model in use; None when none is (or it cannot be trusted)."""
        ...

    def score_members(self, *, now: datetime) -> tuple[str, list[ReciprocityScore]]:
        """The version that scored (or the cold start's name) and every member's scores."""
        ...


class ReciprocityScores(Protocol):
    def replace(self, scores: Iterable[ReciprocityScore], *, version: str, now: datetime) -> int: ...

    def for_members(self, member_ids: Sequence[int]) -> dict[tuple[int, Platform], ReciprocityScore]: ...
