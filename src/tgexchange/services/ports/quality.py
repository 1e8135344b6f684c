"""The quality gate's contract: judge a piece of feedback, one or many at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    accepted: bool
    rule: str | None
    scores: dict[str, float]


class QualityGate(Protocol):
    def assess(self, text: str, *, min_words: int, earlier: Sequence[str] = ()) -> QualityVerdict:
        """Judges one piece of feedback against the community's rules; ``earlier`` is the same
        member's previous feedback (for the near-copy rule)."""
        ...

    def assess_many(
        self, texts: Sequence[str], *, min_words: int, earlier: Sequence[Sequence[str]] | None = None
    ) -> list[QualityVerdict]:
        """The same rules for many texts at once (classifiers pay per call, so batch). ``earlier``,
        when given, holds each text's author's previous feedback, in the same order as ``texts``."""
        ...
