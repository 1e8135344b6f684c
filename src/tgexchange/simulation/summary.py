"""The simulation's summary: each profile's means, and how the ring detection did against the
simulator's truth."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tgexchange.domain.ledger import AccountKey
from tgexchange.domain.ring import RingStatus
from tgexchange.domain.task import TaskStatus
from tgexchange.services.ports import UnitOfWork
from tgexchange.services.ports.rings import RingStore
from tgexchange.simulation import collusion
from tgexchange.simulation.profiles import Profile

if TYPE_CHECKING:
    from tgexchange.simulation.runner import Simulation


class _Account(Protocol):
    @property
    def member_id(self) -> int: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def ring(self) -> int | None: ...
    @property
    def index(self) -> int: ...


_MEANS = ("credits", "received", "given", "rejected")


def tally(
    uow: UnitOfWork, accounts: Sequence[_Account], *, community_id: int
) -> tuple[dict[str, dict[str, list[float]]], dict[str, int], bool]:
    """Each profile's credits, feedback received, given and rejected per member (for
    ``profile_means``), the count of each task outcome, and whether the ledger balances. Call it
    inside ``with uow``."""
    per_profile: dict[str, dict[str, list[float]]] = {}
    for account in accounts:
        stats = uow.stats.get(account.member_id)
        bucket = per_profile.setdefault(account.profile.value, {k: [] for k in _MEANS})
        bucket["credits"].append(uow.ledger.balance(AccountKey.member(account.member_id)))
        bucket["received"].append(stats.feedback_received)
        bucket["given"].append(stats.verified)
        bucket["rejected"].append(stats.rejected)
    outcomes = {"verified": 0, "rejected": 0, "expired": 0}
    for status in (TaskStatus.VERIFIED, TaskStatus.REJECTED, TaskStatus.EXPIRED):
        outcomes[status.value] = len(uow.tasks.list_in_community(community_id, statuses=frozenset({status})))
    return per_profile, outcomes, uow.ledger.is_balanced(community_id)


def indexes_by_profile(accounts: Sequence[_Account]) -> dict[str, list[int]]:
    """Each profile's simulated members, by their index (the latent probabilities' key)."""
    groups: dict[str, list[int]] = {}
    for account in accounts:
        groups.setdefault(account.profile.value, []).append(account.index)
    return groups


def profile_means(per_profile: dict[str, dict[str, list[float]]]) -> dict[str, dict[str, float]]:
    """Means per profile of ``credits``, ``received``, ``given`` and ``rejected`` (the quality
    gate's refusals of their feedback: whether it catches the padders)."""
    return {
        name: {
            "members": len(values["credits"]),
            "credits_mean": round(statistics.fmean(values["credits"]), 2),
            "feedback_received_mean": round(statistics.fmean(values["received"]), 2),
            "feedback_given_mean": round(statistics.fmean(values["given"]), 2),
            "feedback_rejected_mean": round(statistics.fmean(values["rejected"]), 2),
        }
        for name, values in per_profile.items()
    }


def ring_detection(store: RingStore, accounts: Sequence[_Account], *, community_id: int) -> dict[str, Any]:
    """Accounts in groups the exchange keeps apart (flagged or confirmed) against the accounts of
    the simulated rings and pairs."""
    keeps_apart = [s for s in RingStatus if s.keeps_apart]
    stored = store.rings_in([community_id], statuses=keeps_apart)
    flagged = {m for ring in stored for m in ring.member_ids}
    truth = [a.member_id for a in accounts if a.ring is not None]
    groups = len({a.ring for a in accounts if a.ring is not None})
    return collusion.detection_summary(truth, flagged, groups=groups, flagged_groups=len(stored))


@dataclass(frozen=True)
class SimulationResult:
    members: int
    days: int
    seed: int
    community_id: int
    ledger_balanced: bool
    profiles: dict[str, dict[str, float]]
    outcomes: dict[str, int]
    rings: dict[str, Any] = field(default_factory=dict)
    latent: dict[str, dict[str, float]] = field(default_factory=dict)
    fair_play: bool = True
    ratings: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "days": self.days,
            "seed": self.seed,
            "synthetic": True,
            "ledger_balanced": self.ledger_balanced,
            "profiles": self.profiles,
            "outcomes": self.outcomes,
            "rings": self.rings,
            "latent_give_back": self.latent,
            "fair_play": self.fair_play,
            "ratings": self.ratings,
        }


def result(simulation: Simulation) -> SimulationResult:
    """What a finished run reports (``tgexchange simulate``'s summary and JSON)."""
    with simulation.storage.uow() as uow:
        per_profile, outcomes, balanced = tally(uow, simulation.members, community_id=simulation.community_id)
    return SimulationResult(
        members=simulation.member_count,
        days=simulation.days,
        seed=simulation.seed,
        community_id=simulation.community_id,
        ledger_balanced=balanced,
        profiles=profile_means(per_profile),
        outcomes=outcomes,
        rings=ring_detection(simulation.storage.rings, simulation.members, community_id=simulation.community_id),
        latent=simulation.latent.summary(indexes_by_profile(simulation.members)),
        fair_play=simulation.fair_play,
        ratings=simulation.ratings.summary() if simulation.ratings is not None else {},
    )
