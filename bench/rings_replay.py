"""Replays the ring rule (domain/ring.py) offline on simulated histories, to choose its thresholds
without re-running the simulator for every candidate.

A history is the SQLite file of ``tgexchange simulate --no-ring-detection --database-url
sqlite:///FILE`` (fair play on, as by default). The rule runs on it as the simulator would run it:
once a simulated day at midnight, on the verified tasks decided in the last 30 days, the groups it
finds accumulating as the exchange stores them (``plan_rings``: a group found again refreshes its
flag, a grown one replaces it). Which accounts collude is the simulator's truth, rebuilt from the
members' names (``member-NNN`` is the NNN-th of ``assign_profiles``) as the simulator assigns it.

Caveat: with detection off, a flagged group goes on serving each other (with it on, matching keeps
them apart from the day they are flagged); flags only accumulate, so what is flagged is the same,
but the exchange counts of later days are not.

Usage: python bench/rings_replay.py FILE.db [FILE.db ...] [--grid [--fix min_tie=3,...]] [--top 15]
                                   [--statuses verified,rejected]
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from tgexchange.domain.ring import (
    DEFAULT_RING_THRESHOLDS,
    Exchange,
    ExchangeGraph,
    Ring,
    RingFinding,
    RingStatus,
    RingThresholds,
    flagged_groups,
    plan_rings,
)
from tgexchange.simulation.collusion import assign_groups
from tgexchange.simulation.profiles import assign_profiles

WINDOW = timedelta(days=30)
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_QUERY = """
SELECT t.giver_id, t.owner_id, t.assigned_at, t.decided_at, s.created_at, t.feedback_text
FROM tasks t JOIN submissions s ON s.id = t.submission_id
WHERE t.status IN ({statuses}) AND t.decided_at IS NOT NULL ORDER BY t.id
"""


@dataclass(frozen=True)
class History:
    name: str
    exchanges: list[tuple[datetime, Exchange]]  # (decided at, exchange), in task order
    truth: dict[int, int]  # member id -> group id, for accounts of rings and pairs
    start: datetime
    days: int


def _at(value: str) -> datetime:
    return datetime.strptime(value, _FORMAT).replace(tzinfo=UTC)  # stored naive, meant UTC


def load(path: Path, statuses: Sequence[str] = ("verified",)) -> History:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = dict(db.execute("SELECT id, display_name FROM members").fetchall())
        marks = ", ".join("?" for _ in statuses)
        rows = db.execute(_QUERY.format(statuses=marks), tuple(statuses)).fetchall()
        first, last = db.execute("SELECT min(assigned_at), max(assigned_at) FROM tasks").fetchone()
    index = {member: int(name.split("-")[1]) for member, name in names.items() if name.startswith("member-")}
    groups = assign_groups(assign_profiles(len(index)))
    truth = {member: g for member, i in index.items() if (g := groups[i]) is not None}
    exchanges = []
    for giver, owner, assigned, decided, created, text in rows:
        waited = max(0.0, (_at(assigned) - _at(created)).total_seconds())
        exchanges.append((_at(decided), Exchange(giver, owner, waited, text)))
    start = _at(first).replace(hour=0, minute=0, second=0, microsecond=0)
    days = (_at(last) - start).days + 1
    return History(path.stem, exchanges, truth, start, days)


def windows(history: History) -> Iterator[tuple[datetime, ExchangeGraph]]:
    """The graph the detection sees at each simulated midnight (the simulator's order: the hour's
    verifications, then the detection)."""
    for day in range(1, history.days):
        now = history.start + timedelta(days=day)
        yield now, ExchangeGraph([e for at, e in history.exchanges if now - WINDOW <= at <= now])


Rule = Callable[[ExchangeGraph], list[RingFinding]]


def rule_of(thresholds: RingThresholds) -> Rule:
    def rule(graph: ExchangeGraph) -> list[RingFinding]:
        return [RingFinding(tuple(sorted(g)), {}) for g, _, _ in flagged_groups(graph, thresholds)]

    return rule


def replay(days: Sequence[tuple[datetime, ExchangeGraph]], rule: Rule) -> set[int]:
    """The accounts in stored (flagged) groups after running ``rule`` every day."""
    stored: list[Ring] = []
    for now, graph in days:
        plan = plan_rings(stored, rule(graph))
        by_id = {r.id: r for r in stored}
        for ring_id, finding in plan.refreshed:
            by_id[ring_id] = replace(by_id[ring_id], member_ids=finding.member_ids, last_seen_at=now)
        for finding in plan.new:
            ring_id = len(by_id) + 1
            by_id[ring_id] = Ring(ring_id, 1, RingStatus.FLAGGED, finding.member_ids, {}, now, now)
        stored = list(by_id.values())
    return {m for r in stored for m in r.member_ids}


def score(truth: dict[int, int], flagged: set[int]) -> tuple[float, float]:
    hits = len(flagged & truth.keys())
    precision = hits / len(flagged) if flagged else 1.0
    recall = hits / len(truth) if truth else 1.0
    return precision, recall


# The grid the committed thresholds were chosen on (fair-play seeds 101-103, docs/BENCHMARKS.md).
GRID = {
    "min_tie": (2, 3, 4),
    "min_quick_tie": (2, 3),  # 3 or more: no quick ties below min_tie 3
    "min_tie_share": (0.1, 0.15, 0.2),
    "min_exchanges": (2, 3, 4, 6),
    "min_internal": (2, 3),
    "min_share": (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5),
    "min_lift": (10.0,),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--grid", action="store_true", help="Every combination of GRID (else the defaults).")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--fix", default="", help="Grid values to hold, e.g. 'min_tie=2,min_lift=5'.")
    parser.add_argument(
        "--statuses",
        default="verified,rejected",
        help="Which tasks are exchanges (default: as the detection reads them).",
    )
    args = parser.parse_args()
    histories = [load(path, args.statuses.split(",")) for path in args.files]
    days = {h.name: list(windows(h)) for h in histories}
    candidates = [DEFAULT_RING_THRESHOLDS]
    if args.grid:
        grid = dict(GRID)
        for item in filter(None, args.fix.split(",")):
            key, value = item.split("=")
            grid[key] = (type(grid[key][0])(value),)
        keys = list(grid)
        candidates = [
            RingThresholds(**dict(zip(keys, values, strict=True)))  # type: ignore[arg-type]  # GRID's keys are its fields
            for values in itertools.product(*grid.values())
        ]
    results = []
    for t in candidates:
        scores = [score(h.truth, replay(days[h.name], rule_of(t))) for h in histories]
        worst = min(min(p, r) for p, r in scores)
        results.append((worst, t, scores))
    results.sort(key=lambda row: (-row[0], -sum(p + r for p, r in row[2])))
    for worst, t, scores in results[: args.top]:
        cells = "  ".join(f"{h.name} {p:.3f}/{r:.3f}" for h, (p, r) in zip(histories, scores, strict=True))
        print(f"worst {worst:.3f}  {cells}  {t}")


if __name__ == "__main__":
    main()
