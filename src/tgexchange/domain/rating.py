"""Recipient ratings (issue 19 §1): the submission's owner rates one verified feedback, one tap per
statement (specific, actionable, respectful; 1–5).

Only the recipient rates; each mark may be changed for 24 hours after the first one, then the
rating is fixed. Givers see their average only as it stood at their latest 5th, 10th, 15th…
rating (``RatingSummary``): a single rating never moves what they see, so nobody can tell who
rated them low by watching the number change. The published average feeds reliability (a small
weight, ``domain.reliability.with_ratings``) and, through it, matching.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tgexchange.domain.errors import DomainError, IllegalTransition


class Statement(StrEnum):
    SPECIFIC = "specific"
    ACTIONABLE = "actionable"
    RESPECTFUL = "respectful"


MARKS = range(1, 6)
CHANGE_WINDOW = timedelta(hours=24)
PUBLISH_EVERY = 5


class NotTheRecipient(DomainError):
    code = "not_the_recipient"

    def __init__(self, task_id: int) -> None:
        super().__init__("Only the person who received this feedback can rate it.", task_id=task_id)


class RatingLocked(DomainError):
    code = "rating_locked"

    def __init__(self, task_id: int) -> None:
        super().__init__("This rating can no longer be changed.", task_id=task_id)


class InvalidMark(DomainError):
    code = "invalid_mark"

    def __init__(self, mark: object) -> None:
        super().__init__("A mark is a whole number from 1 to 5.", mark=mark)


@dataclass(kw_only=True)
class Rating:
    task_id: int
    community_id: int
    giver_id: int
    owner_id: int
    rated_at: datetime
    """When the first mark was given; marks are fixed ``CHANGE_WINDOW`` after it."""
    changed_at: datetime
    specific: int | None = None
    actionable: int | None = None
    respectful: int | None = None

    @classmethod
    def start(
        cls, *, task_id: int, community_id: int, giver_id: int, owner_id: int, verified: bool, member_id: int,
        now: datetime,
    ) -> Rating:  # fmt: skip
        """A new, empty rating of a task's feedback by ``member_id``. Raises NotTheRecipient unless
        they own the submission, IllegalTransition unless the feedback was verified."""
        if member_id != owner_id:
            raise NotTheRecipient(task_id)
        if not verified:
            raise IllegalTransition(task_id, "unverified", "rated")
        return cls(
            task_id=task_id, community_id=community_id, giver_id=giver_id, owner_id=owner_id, rated_at=now,
            changed_at=now,
        )  # fmt: skip

    def is_locked(self, now: datetime) -> bool:
        return now >= self.rated_at + CHANGE_WINDOW

    def mark(self, *, member_id: int, statement: Statement, mark: int, now: datetime) -> None:
        """Sets one statement's mark. Raises NotTheRecipient, InvalidMark or RatingLocked."""
        if member_id != self.owner_id:
            raise NotTheRecipient(self.task_id)
        if type(mark) is not int or mark not in MARKS:
            raise InvalidMark(mark)
        if self.is_locked(now) and self.marks.get(statement) != mark:
            raise RatingLocked(self.task_id)
        setattr(self, statement.value, mark)
        self.changed_at = now

    @property
    def marks(self) -> dict[Statement, int | None]:
        return {statement: getattr(self, statement.value) for statement in Statement}

    @property
    def is_complete(self) -> bool:
        return all(mark is not None for mark in self.marks.values())


@dataclass(frozen=True, slots=True)
class RatingSummary:
    """A giver's published ratings: how many were counted, and the sum and count of each
    statement's marks among them (a statement left unmarked is not counted as anything)."""

    ratings: int = 0
    sums: tuple[int, int, int] = (0, 0, 0)
    counts: tuple[int, int, int] = (0, 0, 0)

    @classmethod
    def of(cls, ratings: list[Rating]) -> RatingSummary:
        sums = [0, 0, 0]
        counts = [0, 0, 0]
        for rating in ratings:
            for i, statement in enumerate(Statement):
                mark = rating.marks[statement]
                if mark is not None:
                    sums[i] += mark
                    counts[i] += 1
        return cls(len(ratings), (sums[0], sums[1], sums[2]), (counts[0], counts[1], counts[2]))

    def average(self, statement: Statement) -> float | None:
        i = list(Statement).index(statement)
        return self.sums[i] / self.counts[i] if self.counts[i] else None

    @property
    def overall(self) -> float | None:
        """The mean of every counted mark, 1–5; None before the first publication."""
        marks = sum(self.counts)
        return sum(self.sums) / marks if marks else None

    @property
    def scaled(self) -> float | None:
        """``overall`` on [0, 1] (1 → 0, 5 → 1), as member health reads it; None before any."""
        overall = self.overall
        return None if overall is None else (overall - 1) / 4


def is_publication_due(ratings_received: int) -> bool:
    """Whether the giver's published average is refreshed now: at every ``PUBLISH_EVERY``th rating."""
    return ratings_received > 0 and ratings_received % PUBLISH_EVERY == 0
