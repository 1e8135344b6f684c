"""How reliably a member gives feedback and how much they give back for what they receive."""

from __future__ import annotations

from dataclasses import dataclass

# Below this many judged tasks a reliability percentage says more about chance than about the
# member ("67%" after one verified task): faces show the plain count instead.
ENOUGH_HISTORY = 5


@dataclass(frozen=True, slots=True)
class MemberStats:
    """Counts of a member's tasks as giver, and of verified feedback they received."""

    tasks_taken: int = 0
    verified: int = 0
    rejected: int = 0
    expired: int = 0
    skipped: int = 0
    feedback_received: int = 0

    @property
    def decided(self) -> int:
        return self.verified + self.rejected + self.expired

    @property
    def reliability(self) -> float:
        """Share of finished tasks that ended verified, smoothed toward 1/2 with a Beta(1, 1) prior
        so that a newcomer starts in the middle rather than at 0 or 1."""
        return (self.verified + 1) / (self.decided + 2)

    @property
    def reciprocity_ratio(self) -> float:
        """Verified feedback given per feedback received (with one of each added, so a newcomer
        is at 1.0 and a pure taker falls toward 0)."""
        return (self.verified + 1) / (self.feedback_received + 1)


# How much a member's published rating (domain.rating) moves their reliability: at most ±20%,
# neutral at the scale's middle (3 of 5). Small on purpose: ratings are one person's opinion, and
# a retaliating owner should not be able to sink a giver whose feedback keeps being verified.
RATING_WEIGHT = 0.2
_RATING_MIDDLE = 3.0
_RATING_HALF_RANGE = 2.0


def with_ratings(reliability: float, rating: float | None, *, weight: float = RATING_WEIGHT) -> float:
    """``reliability`` scaled by the member's published average rating (1–5), within [0, 1];
    unchanged while nothing is published."""
    if rating is None:
        return reliability
    factor = 1 + weight * (rating - _RATING_MIDDLE) / _RATING_HALF_RANGE
    return min(1.0, max(0.0, reliability * factor))
