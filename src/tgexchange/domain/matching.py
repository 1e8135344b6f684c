"""Which submission a member should serve next.

Hard rules filter (``Ineligible``: never your own, never one you already served, only platforms
where you have a linked channel, only submissions with a free slot, never a banned owner's, never
one of a member of a ring you are flagged in with them, and, while the community matches by
reciprocity, never a new submission held for givers who give back: ``is_held``); one
score orders the rest. The candidate query in storage is built from the same ``Ineligible`` list,
one SQL condition per rule, so the two cannot drift apart. The
score multiplies named factors, so each weight is an exponent and a factor at 1.0 is neutral:
longest waiting first, weighted by how reliably and how reciprocally the owner gives back.
The reciprocity model joins as one more factor (``predicted_reciprocity``): the owner's stored
score, the model's chance that a task given to them ends verified times their pace of taking
tasks at all (domain.pace), so that a member who only asks ranks below one who gives.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tgexchange.domain.content import Platform

_FLOOR = 0.02  # keeps log() finite and a zero factor from erasing the others entirely


# The weight of the owner's predicted reciprocity when a community turns it on (see bench/ml.py).
PREDICTED_RECIPROCITY_WEIGHT = 2.0

# While a community matches by reciprocity, a submission made less than HOLD ago that has no
# verified feedback yet is not handed to a giver whose predicted give-back (on its platform) is
# below HOLD_SHARE of its owner's. Where givers outnumber submissions (a new one is taken within
# minutes), who takes it decides how soon its owner hears back: the first task going to a member
# who lets it expire costs the owner a deadline's wait. Both values were chosen before measuring
# and not tuned: half, so that a slow but real giver still passes an honest owner's bar, and six
# hours, so that nothing waits longer than an honest giver takes to do a task.
HOLD = timedelta(hours=6)
HOLD_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class MatchWeights:
    waiting: float = 1.0
    owner_reliability: float = 1.0
    owner_reciprocity: float = 1.0
    predicted_reciprocity: float = 0.0
    noise: float = 0.05


@dataclass(frozen=True, slots=True)
class Candidate:
    submission_id: int
    owner_id: int
    platform: Platform
    waiting_since: datetime
    free_slots: int
    owner_reliability: float
    owner_reciprocity: float
    predicted_reciprocity: float | None = None
    served_by_giver: bool = False
    """The giver already had a task on this submission (whatever became of it)."""
    owner_banned: bool = False
    owner_in_giver_ring: bool = False
    """The owner and the giver are in one flagged (or confirmed) ring (domain.ring)."""
    created_at: datetime | None = None
    verified_so_far: int = 0
    giver_predicted_reciprocity: float | None = None
    """The giver's own stored score on this submission's platform (None before their first)."""


@dataclass(frozen=True, slots=True)
class Giver:
    member_id: int
    platforms: frozenset[Platform]
    holds_made_after: datetime | None = None
    """Submissions made after this are held (``is_held``); None when the community does not
    match by reciprocity."""

    @classmethod
    def asking(cls, member_id: int, platforms: frozenset[Platform], *, now: datetime, hold: bool) -> Giver:
        return cls(member_id=member_id, platforms=platforms, holds_made_after=now - HOLD if hold else None)


class Ineligible(StrEnum):
    """Why a submission may not be given to a giver: every hard rule of matching, by name."""

    OWN = "own"
    SERVED = "served"
    PLATFORM = "platform"
    FULL = "full"
    OWNER_BANNED = "owner_banned"
    SAME_RING = "same_ring"
    HELD = "held"


def is_held(giver: Giver, candidate: Candidate) -> bool:
    """A new submission without verified feedback yet, kept for givers who give back at least
    HOLD_SHARE of what its owner does. A giver or owner without a score yet is given the benefit of
    the doubt: nothing is held from a newcomer, or for one."""
    return (
        giver.holds_made_after is not None
        and candidate.created_at is not None
        and candidate.created_at > giver.holds_made_after
        and candidate.verified_so_far == 0
        and candidate.giver_predicted_reciprocity is not None
        and candidate.predicted_reciprocity is not None
        and candidate.giver_predicted_reciprocity < HOLD_SHARE * candidate.predicted_reciprocity
    )


def why_ineligible(giver: Giver, candidate: Candidate) -> Ineligible | None:
    """The first hard rule the candidate breaks for this giver; None when it may be given."""
    broken = {
        Ineligible.OWN: candidate.owner_id == giver.member_id,
        Ineligible.SERVED: candidate.served_by_giver,
        Ineligible.PLATFORM: candidate.platform not in giver.platforms,
        Ineligible.FULL: candidate.free_slots <= 0,
        Ineligible.OWNER_BANNED: candidate.owner_banned,
        Ineligible.SAME_RING: candidate.owner_in_giver_ring,
        Ineligible.HELD: is_held(giver, candidate),
    }
    return next((rule for rule in Ineligible if broken[rule]), None)


def is_eligible(giver: Giver, candidate: Candidate) -> bool:
    return why_ineligible(giver, candidate) is None


def _tie_break(seed: int, giver_id: int, submission_id: int) -> float:
    digest = hashlib.blake2b(f"{seed}:{giver_id}:{submission_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def score(candidate: Candidate, *, giver_id: int, now: datetime, weights: MatchWeights, seed: int) -> float:
    """Log of the product of the weighted factors, plus a small seeded jitter."""
    waited_h = max(0.0, (now - candidate.waiting_since).total_seconds() / 3600)
    reciprocity = min(1.0, candidate.owner_reciprocity)
    # Without a score yet (a newcomer, or before the first refresh) the model's own cold start
    # stands in: the owner's smoothed record.
    predicted = (
        candidate.owner_reliability if candidate.predicted_reciprocity is None else candidate.predicted_reciprocity
    )
    return (
        weights.waiting * math.log1p(waited_h)
        + weights.owner_reliability * math.log(max(_FLOOR, candidate.owner_reliability))
        + weights.owner_reciprocity * math.log(max(_FLOOR, reciprocity))
        + weights.predicted_reciprocity * math.log(max(_FLOOR, predicted))
        + weights.noise * _tie_break(seed, giver_id, candidate.submission_id)
    )


def rank(
    giver: Giver,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    weights: MatchWeights = MatchWeights(),
    seed: int = 0,
) -> Sequence[Candidate]:
    """Eligible candidates, best first. Deterministic for the same inputs and seed."""
    eligible = [c for c in candidates if is_eligible(giver, c)]
    return sorted(
        eligible,
        key=lambda c: (-score(c, giver_id=giver.member_id, now=now, weights=weights, seed=seed), c.submission_id),
    )


def pick(
    giver: Giver,
    candidates: Iterable[Candidate],
    *,
    now: datetime,
    weights: MatchWeights = MatchWeights(),
    seed: int = 0,
) -> Candidate | None:
    ranked = rank(giver, candidates, now=now, weights=weights, seed=seed)
    return ranked[0] if ranked else None
