"""Rings: small groups of members (a pair or more, often one person's accounts) that mostly serve
each other. Found in the exchange graph of verified tasks, flagged with their evidence, shown to
admins, who clear or confirm them; while a group is flagged, matching stops feeding its members
each other's content.

Pure Python (no graph library: the graphs are a community's members over a window, thousands of
edges at most). The rule, in order:

1. A *tie* joins two members who exchanged feedback (either way) at least ``min_tie`` times, or
   at least ``min_quick_tie`` times when every one of those tasks was taken within ``quick_s`` of
   its submission (one person's two accounts take each other's content at once), and for
   whom those exchanges are at least ``min_tie_share`` of *both* members' exchanges (each of whom
   has at least ``min_exchanges``): a hub who serves everyone has many ties that are each a sliver
   of its own work, so it has none. An exchange is a task judged, verified or rejected: accounts
   that keep taking each other's content collude whether or not what they write passes.
2. Groups are the connected parts of the tie graph; a part larger than ``max_size`` loses its
   weakest tie until its parts fit (or fall apart).
3. A group keeps the members who give *and* receive inside it; it is flagged when it holds at least
   ``min_internal`` exchanges, its internal share (exchange ends inside the group over all of its
   members' exchange ends) is at least ``min_share``, and that share is at least ``min_lift``
   times what random matching would give a group of that size in that community
   ((size - 1) / (active members - 1)): a small honest community where everyone serves everyone
   is not a ring, however dense.

Timing (how soon after a submission appeared its group partners took it, against the community's
median) and text similarity (word-bigram Jaccard of feedback written by different members of the
group, against their feedback and outsiders') are reported as evidence: one person writing for
several accounts, and accounts that wait for each other's content, show there; the decision rests
on the graph, which the simulator's abusers cannot hide without giving up the exchange they want.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from tgexchange.domain.errors import DomainError, NotFound
from tgexchange.domain.quality import shingles

MAX_TEXTS_PER_GROUP = 24  # texts compared per group: the pairwise similarity is quadratic
MAX_OUTSIDER_TEXTS = 48


class RingStatus(StrEnum):
    FLAGGED = "flagged"
    CLEARED = "cleared"
    CONFIRMED = "confirmed"

    @property
    def keeps_apart(self) -> bool:
        """Whether matching keeps the group's members from serving each other: while flagged
        (pending an admin) and once confirmed."""
        return self is not RingStatus.CLEARED


@dataclass(frozen=True, slots=True)
class Exchange:
    """One verified task: ``giver_id`` served ``owner_id``; ``waited_s`` from the submission's
    creation to this task's assignment; the feedback's text when known."""

    giver_id: int
    owner_id: int
    waited_s: float
    text: str | None = None


@dataclass(frozen=True, slots=True)
class RingThresholds:
    """Where the rule flags (see the module docstring). Chosen on simulated seeds and reported
    on others (docs/BENCHMARKS.md, bench:rings)."""

    min_size: int = 2
    max_size: int = 6
    min_exchanges: int = 3  # a member's own, before any tie of theirs counts (new members are noisy)
    min_tie: int = 4
    min_tie_share: float = 0.1
    # Or ``min_quick_tie`` exchanges each taken within ``quick_s`` (docs/DESIGN-NOTES.md, "Four
    # exchanges make a tie, or three quick ones").
    min_quick_tie: int = 3
    quick_s: float = 3600.0
    min_internal: int = 2
    min_share: float = 0.3
    min_lift: float = 10.0

    def __post_init__(self) -> None:
        if not 2 <= self.min_size <= self.max_size:
            raise ValueError("ring sizes must satisfy 2 <= min_size <= max_size")
        for name in ("min_tie_share", "min_share"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in (0, 1]")
        if min(self.min_tie, self.min_quick_tie, self.min_internal) < 1 or self.min_lift < 1.0:
            raise ValueError("min_tie, min_quick_tie and min_internal must be at least 1, min_lift at least 1.0")


DEFAULT_RING_THRESHOLDS = RingThresholds()


@dataclass(frozen=True, slots=True)
class RingFinding:
    """A group the rule flags, with the evidence an admin sees."""

    member_ids: tuple[int, ...]
    evidence: dict[str, Any]


class ExchangeGraph:
    """Counts of one community's exchanges: per direction, per pair, per member."""

    def __init__(self, exchanges: Sequence[Exchange]) -> None:
        self.directed: dict[tuple[int, int], int] = defaultdict(int)
        self.total: dict[int, int] = defaultdict(int)
        self.slowest: dict[tuple[int, int], float] = defaultdict(float)  # the longest wait, per pair
        for e in exchanges:
            if e.giver_id == e.owner_id:
                continue
            self.directed[(e.giver_id, e.owner_id)] += 1
            pair = (min(e.giver_id, e.owner_id), max(e.giver_id, e.owner_id))
            self.slowest[pair] = max(self.slowest[pair], e.waited_s)
            self.total[e.giver_id] += 1
            self.total[e.owner_id] += 1
        self.undirected: dict[tuple[int, int], int] = defaultdict(int)
        for (giver, owner), count in self.directed.items():
            self.undirected[(min(giver, owner), max(giver, owner))] += count

    def tie_strength(self, a: int, b: int) -> float:
        count = self.undirected[(min(a, b), max(a, b))]
        return min(count / self.total[a], count / self.total[b])

    def ties(self, t: RingThresholds) -> dict[tuple[int, int], float]:
        return {
            pair: strength
            for pair, count in self.undirected.items()
            if (count >= t.min_tie or (count >= t.min_quick_tie and self.slowest[pair] < t.quick_s))
            and min(self.total[pair[0]], self.total[pair[1]]) >= t.min_exchanges
            and (strength := self.tie_strength(*pair)) >= t.min_tie_share
        }

    def internal(self, group: Iterable[int]) -> dict[str, Any]:
        members = set(group)
        given = dict.fromkeys(members, 0)
        received = dict.fromkeys(members, 0)
        for (giver, owner), count in self.directed.items():
            if giver in members and owner in members:
                given[giver] += count
                received[owner] += count
        inside = sum(given.values())
        ends = sum(self.total[m] for m in members)
        return {
            "internal_exchanges": inside,
            "share": 2 * inside / ends if ends else 0.0,
            "given": given,
            "received": received,
            "member_share": {m: (given[m] + received[m]) / self.total[m] for m in members},
        }


def _components(nodes: Iterable[int], ties: Iterable[tuple[int, int]]) -> list[set[int]]:
    neighbours: dict[int, set[int]] = defaultdict(set)
    for a, b in ties:
        neighbours[a].add(b)
        neighbours[b].add(a)
    seen: set[int] = set()
    parts = []
    for node in sorted(nodes):
        if node in seen or node not in neighbours:
            continue
        part, stack = set(), [node]
        while stack:
            current = stack.pop()
            if current in part:
                continue
            part.add(current)
            stack.extend(neighbours[current] - part)
        seen |= part
        parts.append(part)
    return parts


def _small_groups(ties: dict[tuple[int, int], float], t: RingThresholds) -> list[set[int]]:
    """Connected parts of the tie graph of at most ``max_size`` members: a larger part loses its
    weakest tie (ties in a fixed order on equal strength) until its parts fit."""
    remaining = dict(ties)
    pending = _components({n for pair in ties for n in pair}, remaining)
    groups = []
    while pending:
        part = pending.pop()
        if len(part) <= t.max_size:
            groups.append(part)
            continue
        inside = {pair: s for pair, s in remaining.items() if pair[0] in part and pair[1] in part}
        del remaining[min(inside, key=lambda pair: (inside[pair], pair))]
        pending.extend(_components(part, [pair for pair in inside if pair in remaining]))
    return [g for g in groups if len(g) >= t.min_size]


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _mean_similarity(pairs: Iterable[tuple[frozenset[str], frozenset[str]]]) -> float | None:
    values = [_similarity(a, b) for a, b in pairs]
    return round(statistics.fmean(values), 3) if values else None


def _text_evidence(
    group: set[int], exchanges: Sequence[Exchange], shingled: dict[str, frozenset[str]]
) -> dict[str, float | None]:
    """Mean word-bigram Jaccard similarity of feedback written by different members of the group
    (``across_members``) and between their feedback and outsiders' (``with_outsiders``).
    ``shingled``: texts' shingles, kept across the groups of one run (most share the outsiders)."""
    written = [(e.giver_id, e.text) for e in exchanges if e.text and e.giver_id in group][-MAX_TEXTS_PER_GROUP:]
    others = [e.text for e in exchanges if e.text and e.giver_id not in group][-MAX_OUTSIDER_TEXTS:]
    for text in [text for _, text in written] + others:
        if text not in shingled:
            shingled[text] = shingles(text)
    mine = [(writer, shingled[text]) for writer, text in written]
    outsiders = [shingled[text] for text in others]
    across = ((a, b) for (wa, a), (wb, b) in itertools.combinations(mine, 2) if wa != wb)
    return {
        "across_members": _mean_similarity(across),
        "with_outsiders": _mean_similarity((a, b) for _, a in mine for b in outsiders),
    }


def _timing_evidence(group: set[int], exchanges: Sequence[Exchange]) -> dict[str, float | None]:
    """Median hours from a submission's creation to its assignment: for tasks inside the group,
    and for every task of the community."""
    inside = [e.waited_s for e in exchanges if e.giver_id in group and e.owner_id in group]
    every = [e.waited_s for e in exchanges]
    return {
        "inside_median_h": round(statistics.median(inside) / 3600, 2) if inside else None,
        "community_median_h": round(statistics.median(every) / 3600, 2) if every else None,
    }


def _mutual_core(graph: ExchangeGraph, group: set[int]) -> set[int]:
    """The members who both give and receive inside the group, repeated until it holds: someone
    tied to a pair only by serving one of them (or only by being served) is not one of them."""
    while True:
        inside = graph.internal(group)
        core = {m for m in group if inside["given"][m] > 0 and inside["received"][m] > 0}
        if core == group:
            return group
        group = core


def flagged_groups(
    graph: ExchangeGraph, thresholds: RingThresholds = DEFAULT_RING_THRESHOLDS
) -> list[tuple[set[int], dict[str, Any], float]]:
    """The groups the rule flags in ``graph``, each with its internal counts and the share random
    matching would give it (no evidence: cheap enough to replay many thresholds)."""
    active = len(graph.total)
    flagged = []
    for part in _small_groups(graph.ties(thresholds), thresholds):
        group = _mutual_core(graph, part)
        if len(group) < thresholds.min_size:
            continue
        inside = graph.internal(group)
        expected = (len(group) - 1) / max(1, active - 1)
        lift = inside["share"] / expected if expected else 0.0
        if (
            inside["internal_exchanges"] >= thresholds.min_internal
            and inside["share"] >= thresholds.min_share
            and lift >= thresholds.min_lift
        ):
            flagged.append((group, inside, expected))
    return flagged


def find_rings(
    exchanges: Sequence[Exchange], *, thresholds: RingThresholds = DEFAULT_RING_THRESHOLDS
) -> list[RingFinding]:
    """The groups of one community's exchanges (over the window the caller chose) that the rule
    flags, each with its member ids in ascending order; deterministic for the same exchanges."""
    graph = ExchangeGraph(exchanges)
    active = len(graph.total)
    findings = []
    shingled: dict[str, frozenset[str]] = {}
    for group, inside, expected in flagged_groups(graph, thresholds):
        members = tuple(sorted(group))
        evidence: dict[str, Any] = {
            "size": len(members),
            "internal_exchanges": inside["internal_exchanges"],
            "exchanges": sum(graph.total[m] for m in members) - inside["internal_exchanges"],
            "internal_share": round(inside["share"], 3),
            "expected_share": round(expected, 4),
            "lift": round(inside["share"] / expected if expected else 0.0, 1),
            "active_members": active,
            "members": {
                str(m): {
                    "given_inside": inside["given"][m],
                    "received_inside": inside["received"][m],
                    "exchanges": graph.total[m],
                    "share_inside": round(inside["member_share"][m], 3),
                }
                for m in members
            },
            "timing": _timing_evidence(group, exchanges),
            "text_similarity": _text_evidence(group, exchanges, shingled),
        }
        findings.append(RingFinding(members, evidence))
    return sorted(findings, key=lambda f: f.member_ids)


@dataclass(frozen=True, slots=True)
class Ring:
    """A flagged group as stored, with the admin's decision once there is one."""

    id: int
    community_id: int
    status: RingStatus
    member_ids: tuple[int, ...]
    evidence: dict[str, Any]
    flagged_at: datetime
    last_seen_at: datetime
    decided_at: datetime | None = None
    decided_by_member_id: int | None = None
    decided_by_label: str | None = None


@dataclass(frozen=True, slots=True)
class RingPlan:
    """What one detection run changes in a community: groups to flag anew, and stored groups whose
    members or evidence are refreshed (by id)."""

    new: tuple[RingFinding, ...]
    refreshed: tuple[tuple[int, RingFinding], ...]
    left_cleared: int


def plan_rings(stored: Sequence[Ring], findings: Sequence[RingFinding]) -> RingPlan:
    """How findings meet the groups already stored in their community:

    - the very same members as a stored group: its evidence is refreshed, unless an admin cleared
      it (their decision stands: the same group is not flagged again);
    - all the members of a group still flagged and more (the group grew): that group takes the
      new members and evidence, so an admin sees one entry per group;
    - otherwise a new flag (a group that overlaps another one without containing it is shown
      beside it: replacing the older one would unflag members the evidence still points at).
    """
    new: list[RingFinding] = []
    refreshed: list[tuple[int, RingFinding]] = []
    left_cleared = 0
    taken: set[int] = set()
    for finding in findings:
        members = set(finding.member_ids)
        same = next((r for r in stored if set(r.member_ids) == members), None)
        if same is not None:
            if same.status is RingStatus.CLEARED:
                left_cleared += 1
            elif same.id not in taken:
                taken.add(same.id)
                refreshed.append((same.id, finding))
            continue
        overlapping = next(
            (r for r in stored if r.status is RingStatus.FLAGGED and r.id not in taken and members > set(r.member_ids)),
            None,
        )
        if overlapping is not None:
            taken.add(overlapping.id)
            refreshed.append((overlapping.id, finding))
        else:
            new.append(finding)
    return RingPlan(tuple(new), tuple(refreshed), left_cleared)


class RingNotFound(NotFound):
    code: ClassVar[str] = "ring_not_found"

    def __init__(self, key: object) -> None:
        super().__init__("ring", key)


class RingAlreadyDecided(DomainError):
    """An admin already cleared or confirmed this group."""

    code: ClassVar[str] = "ring_already_decided"

    def __init__(self, ring_id: int, status: str) -> None:
        super().__init__(f"Ring {ring_id} is already {status}.", ring_id=ring_id, status=status)
        self.ring_id = ring_id
        self.status = status


def decide(ring: Ring, verdict: RingStatus) -> RingStatus:
    """The status an admin's verdict gives a flagged group. Raises ValueError for a verdict that
    is not cleared or confirmed, RingAlreadyDecided for a group already decided."""
    if verdict is RingStatus.FLAGGED:
        raise ValueError("an admin clears or confirms a ring")
    if ring.status is not RingStatus.FLAGGED:
        raise RingAlreadyDecided(ring.id, ring.status.value)
    return verdict
