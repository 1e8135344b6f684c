"""Behaviour profiles of simulated members."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Profile(StrEnum):
    HONEST = "honest"
    SLOW = "slow"
    LEECHER = "leecher"
    SPAMMER = "spammer"
    RING = "ring"
    PAIR = "pair"  # two accounts of one person serving each other
    PADDER = "padder"  # long feedback with nothing in it
    RETALIATOR = "retaliator"  # gives real feedback, rates low whoever (they think) rated them low


@dataclass(frozen=True, slots=True)
class Behaviour:
    sessions_per_day: float  # how often the member opens the bot
    completes: float  # chance a taken task is actually done
    delay_hours: tuple[float, float]  # how long a done task takes, uniform
    style: str  # which comment texts they write
    submits_per_day: float  # wish to submit new content, when credits allow


BEHAVIOURS: dict[Profile, Behaviour] = {
    Profile.HONEST: Behaviour(2.0, 0.95, (0.5, 8.0), "substantive", 0.35),
    Profile.SLOW: Behaviour(0.8, 0.8, (12.0, 70.0), "substantive", 0.25),
    Profile.LEECHER: Behaviour(0.3, 0.0, (0.0, 0.0), "none", 0.6),
    Profile.SPAMMER: Behaviour(2.0, 1.0, (0.1, 1.0), "spam", 0.5),
    Profile.RING: Behaviour(1.5, 1.0, (0.2, 3.0), "crafted", 0.5),
    Profile.PAIR: Behaviour(1.5, 1.0, (0.2, 3.0), "crafted", 0.5),
    Profile.PADDER: Behaviour(2.0, 0.95, (0.2, 2.0), "padding", 0.4),
    Profile.RETALIATOR: Behaviour(2.0, 0.95, (0.5, 8.0), "substantive", 0.35),
}


@dataclass(frozen=True, slots=True)
class Demand:
    """How much a community asks of its givers: the credits each member starts with (None: the
    community default) and how often every profile wishes to submit, times ``BEHAVIOURS``'."""

    welcome_credits: int | None = None
    submits: float = 1.0


AS_SIMULATED = Demand()  # the community ``tgexchange simulate`` reports on
# Requests outnumber givers: a submission waits hours for its first giver, so the order in which
# matching hands submissions out decides who is served (bench/ml.py --effect --demand scarce).
SCARCE = Demand(welcome_credits=100, submits=3.0)

# Shares of the population; rings are groups of accounts of one person, of RING_SIZES in turn
# (the last one may be smaller), pairs two accounts of one person.
MIX: dict[Profile, float] = {
    Profile.HONEST: 0.43,
    Profile.SLOW: 0.15,
    Profile.LEECHER: 0.12,
    Profile.SPAMMER: 0.08,
    Profile.RING: 0.08,
    Profile.PAIR: 0.06,
    Profile.PADDER: 0.05,
    Profile.RETALIATOR: 0.03,
}
RING_SIZES = (3, 4, 5)
PAIR_SIZE = 2


def assign_profiles(members: int) -> list[Profile]:
    """A deterministic population of ``members`` with the MIX shares (largest remainder)."""
    raw = {p: MIX[p] * members for p in Profile}
    counts = {p: int(v) for p, v in raw.items()}
    for p in sorted(Profile, key=lambda p: raw[p] - counts[p], reverse=True)[: members - sum(counts.values())]:
        counts[p] += 1
    return [p for p in Profile for _ in range(counts[p])]
