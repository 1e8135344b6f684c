"""A member's health: one score in [0, 1] that says how well they play the exchange, and the
cooldown a low score earns (the honest form of the original auto-scaler's "account health").

Pure: the caller brings the counts. The weights are documented in docs/DESIGN-NOTES.md ("Fair
play"); in short, giving feedback that is verified is what counts most, and each penalty in force
takes a share of whatever the member earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tgexchange.domain.errors import DomainError
from tgexchange.domain.reliability import MemberStats

RELIABILITY_WEIGHT = 0.5
"""The verified share of the member's finished tasks (Beta(1, 1)-smoothed: a newcomer is at 1/2)."""
CLEAN_WEIGHT = 0.3
"""One minus the share of their feedback the quality gate or verification rejected (smoothed
with two clean tasks, so one early rejection is not a verdict)."""
RATING_WEIGHT = 0.2
"""The recipients' ratings, scaled to [0, 1]; left out (the other weights share its part) while
the member has none. Ratings come with issue 19 §1: the caller passes them when they exist."""
WARNING_COST = 0.15
COOLDOWN_COST = 0.3
"""What each penalty in force takes off, as a share of the score (a ban needs no score: a banned
member cannot act at all)."""
MAX_HEALTH_COOLDOWN = timedelta(hours=24)
HEALTH_COOLDOWN_EVERY = timedelta(hours=24)
"""A health cooldown starts at most once in this window: a member at health 0 waits 24 h, then may
ask once before the next cooldown (giving feedback, which raises the score, is never blocked)."""


@dataclass(frozen=True, slots=True)
class HealthInputs:
    stats: MemberStats
    active_warnings: int = 0
    active_cooldowns: int = 0
    rating: float | None = None
    """The member's average rating scaled to [0, 1]; None: no ratings yet (neutral)."""


def health(inputs: HealthInputs) -> float:
    """The score in [0, 1]; 1 is a member whose feedback is always verified, never rejected, well
    rated and unpenalised."""
    stats = inputs.stats
    reliability = stats.reliability
    clean = 1 - stats.rejected / (stats.verified + stats.rejected + 2)
    parts = [(RELIABILITY_WEIGHT, reliability), (CLEAN_WEIGHT, clean)]
    if inputs.rating is not None:
        parts.append((RATING_WEIGHT, min(1.0, max(0.0, inputs.rating))))
    base = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    cost = WARNING_COST * max(0, inputs.active_warnings) + COOLDOWN_COST * max(0, inputs.active_cooldowns)
    return min(1.0, max(0.0, base * (1 - min(1.0, cost))))


def cooldown_for(score: float, threshold: float) -> timedelta:
    """How long a member at ``score`` waits before requesting feedback: nothing at or above the
    threshold, then linearly more the lower the score, up to 24 h at 0 (whole minutes)."""
    if threshold <= 0 or score >= threshold:
        return timedelta(0)
    share = (threshold - max(0.0, score)) / threshold
    return timedelta(minutes=round(share * MAX_HEALTH_COOLDOWN.total_seconds() / 60))


class CooldownActive(DomainError):
    """The member may not request feedback until ``until``: a cooldown penalty, or a cooldown
    their health earned."""

    code = "cooldown_active"

    def __init__(self, until: datetime, cause: str, score: float | None = None) -> None:
        super().__init__(f"You can ask for feedback again at {until.isoformat()}.", until=until, cause=cause)
        self.until = until
        self.cause = cause  # "penalty" | "health"
        self.score = score  # the health that started it (None: a penalty, or an earlier cooldown)


class AdmissionClosed(DomainError):
    """The community took in as many newcomers today as its admins allow (anti-raid)."""

    code = "admission_closed"

    def __init__(self, reopens_at: datetime, cap: int) -> None:
        super().__init__(
            f"No more newcomers today; come back at {reopens_at.isoformat()}.", reopens_at=reopens_at, cap=cap
        )
        self.reopens_at = reopens_at
        self.cap = cap
