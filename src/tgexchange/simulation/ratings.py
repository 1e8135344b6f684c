"""Owners rate the feedback they received (issue 19 §1), through the real use case, the way their
profile would: most owners by what the text is worth to them, colluders their partners high, and
the retaliator low whenever their own published ratings fell.

What a text is worth follows the giver's style (the simulator knows who wrote what): specific
feedback rates high, crafted collusion looks specific to an outsider, padding is long and says
nothing, spam says nothing at all. A retaliator cannot see who rated them (givers see an average
refreshed every 5 ratings), so a fall of their average makes them rate everyone low for a while:
the defence is that their anger spreads over every giver instead of landing on whoever rated them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from tgexchange.bootstrap import Storage
from tgexchange.domain.errors import DomainError
from tgexchange.domain.rating import Statement
from tgexchange.domain.task import TaskStatus
from tgexchange.services import rating as rating_service
from tgexchange.simulation.profiles import BEHAVIOURS, Profile

# How often an owner of each profile bothers to rate verified feedback.
RATES: dict[Profile, float] = {
    Profile.HONEST: 0.6,
    Profile.SLOW: 0.4,
    Profile.LEECHER: 0.2,
    Profile.SPAMMER: 0.2,
    Profile.RING: 0.8,
    Profile.PAIR: 0.8,
    Profile.PADDER: 0.4,
    Profile.RETALIATOR: 0.9,
}
# (specific, actionable, respectful): the lowest and highest mark an outsider gives a style.
WORTH: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int]]] = {
    "substantive": ((4, 5), (3, 5), (4, 5)),
    "crafted": ((3, 5), (3, 4), (4, 5)),
    "padding": ((1, 2), (1, 2), (3, 5)),
    "spam": ((1, 1), (1, 1), (1, 3)),
}
GRUDGE_RATINGS = 10  # a retaliator who sees their average fall rates this many feedbacks 1


class _Account(Protocol):
    @property
    def member_id(self) -> int: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def ring(self) -> int | None: ...


@dataclass
class OwnerRatings:
    storage: Storage
    rng: random.Random
    account_of: Callable[[int], _Account | None]
    rated: set[int] = field(default_factory=set)
    grudges: dict[int, int] = field(default_factory=dict)  # retaliator → low ratings still to give
    seen: dict[int, float] = field(default_factory=dict)  # retaliator → their average last seen
    marks: dict[str, list[int]] = field(default_factory=dict)  # giver's profile → [sum, count] of marks
    grudge_ratings: int = 0  # ratings a retaliator gave in a grudge

    def rate(self, submission_ids: Iterable[int], *, now: datetime) -> None:
        """Rates the feedback on ``submission_ids`` verified since the last call."""
        with self.storage.uow() as uow:
            tasks = [
                t
                for s in submission_ids
                for t in uow.tasks.list_for_submission(s, statuses=frozenset({TaskStatus.VERIFIED}))
                if t.id not in self.rated
            ]
        for task in tasks:
            self.rated.add(task.id)
            owner, giver = self.account_of(task.owner_id), self.account_of(task.giver_id)
            if owner is None or giver is None or self.rng.random() >= RATES[owner.profile]:
                continue
            marks = self._marks(owner, giver)
            tally = self.marks.setdefault(giver.profile.value, [0, 0])
            tally[0], tally[1] = tally[0] + sum(marks), tally[1] + len(marks)
            try:
                # The three statements in one transaction: the same rows as one call each.
                rating_service.rate_feedback_marks(
                    self.storage.uow(), member_id=owner.member_id, task_id=task.id,
                    marks=tuple(zip(Statement, marks, strict=True)), now=now,
                )  # fmt: skip
            except DomainError:
                continue  # e.g. the community was paused meanwhile

    def _marks(self, owner: _Account, giver: _Account) -> tuple[int, int, int]:
        if owner.ring is not None and owner.ring == giver.ring:
            return (5, 5, 5)  # one person praising their own other account
        if owner.profile is Profile.RETALIATOR and self._holds_a_grudge(owner):
            self.grudge_ratings += 1
            return (1, 1, 1)
        worth = WORTH.get(BEHAVIOURS[giver.profile].style, WORTH["substantive"])
        specific, actionable, respectful = (self.rng.randint(low, high) for low, high in worth)
        return specific, actionable, respectful

    def _holds_a_grudge(self, owner: _Account) -> bool:
        """A fall of the retaliator's own published average (what /me shows them) starts a grudge
        of GRUDGE_RATINGS low ratings, whoever the givers are."""
        with self.storage.uow() as uow:
            average = uow.ratings.summary(owner.member_id).overall
        before = self.seen.get(owner.member_id)
        if average is not None:
            self.seen[owner.member_id] = average
            if before is not None and average < before:
                self.grudges[owner.member_id] = GRUDGE_RATINGS
        left = self.grudges.get(owner.member_id, 0)
        if left:
            self.grudges[owner.member_id] = left - 1
        return left > 0

    def summary(self) -> dict[str, Any]:
        """The mean mark each giver profile got from owners, and how many ratings were grudges."""
        return {
            "mean_mark_by_giver_profile": {
                profile: round(total / count, 2) for profile, (total, count) in sorted(self.marks.items())
            },
            "grudge_ratings": self.grudge_ratings,
        }
