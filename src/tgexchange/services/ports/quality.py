"""The quality gate's contract: judge a piece of feedback, one or many at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tgexchange.domain.quality import ContentTopic


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    accepted: bool
    rule: str | None
    scores: dict[str, float]


class QualityGate(Protocol):
    def assess(
        self,
        text: str,
        *,
        min_words: int,
        earlier: Sequence[str] = (),
        content: ContentTopic | None = None,
        content_id: str | None = None,
    ) -> QualityVerdict:
        """Judges one piece of feedback against the community's rules; ``earlier`` is the same
        member's previous feedback (for the near-copy rule); ``content`` the public metadata of
        the content it was written for (for the off-topic rule, which without it does not apply);
        ``content_id`` that content's id, known even when relevance is not checked: a link to the
        content itself is not self-promotion (``content``'s own id counts too)."""
        ...

    def assess_many(
        self,
        texts: Sequence[str],
        *,
        min_words: int,
        earlier: Sequence[Sequence[str]] | None = None,
        content: Sequence[ContentTopic | None] | None = None,
        content_ids: Sequence[str | None] | None = None,
    ) -> list[QualityVerdict]:
        """The same rules for many texts at once (classifiers pay per call, so batch). ``earlier``,
        ``content`` and ``content_ids``, when given, hold each text's author's previous feedback,
        the metadata and the id of the content it was written for, in the same order as ``texts``."""
        ...
