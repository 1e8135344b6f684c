"""Golden outcomes of the simulator: what a simulation decided, recorded once from code known to be
right, so that a change made for speed can never silently change behaviour.

A case's golden is its ``--json`` summary (without ``elapsed_s``) and a fingerprint of what it left
in the database: every task, submission, posting, balance, member counter, rollup row and job
failure (SHA-256 over the sorted rows). ``version`` columns are left out: they count the UPDATEs
that wrote a row, which is how the ORM works, not what the exchange decided; nor is ``update_id``
(which Telegram update made a row; always empty in a simulation). Ownership proofs are
left out too: their codes are random by design.

Record again (``python -m tests.simulation_golden``) only when a change is MEANT to change what
the simulator decides, and say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Storage, build_storage
from tgexchange.domain.community import CommunitySettings
from tgexchange.domain.content import Platform
from tgexchange.domain.quality import ContentTopic
from tgexchange.services.ports import QualityGate
from tgexchange.simulation.runner import Simulation

GOLDEN = Path(__file__).resolve().parent / "fixtures" / "simulation" / "golden.json"

FINGERPRINTED = (
    tables.communities,
    tables.members,
    tables.member_stats,
    tables.channels,
    tables.submissions,
    tables.tasks,
    tables.accounts,
    tables.postings,
    tables.job_failures,
    tables.ratings,
    tables.rating_summaries,
    tables.rollup_daily,
    tables.rollup_totals,
    tables.rollup_rejections,
    tables.rollup_rejections_all,
)
# ``update_id`` names the Telegram update that made a task or submission (the webhook's exactly
# once); the simulator has no updates, so it is always empty there and says nothing decided.
_LEFT_OUT = frozenset({"version", "update_id"})


@dataclass(frozen=True)
class Case:
    """One simulation, as ``tgexchange simulate`` (YouTube only) or the demo's second community
    (every platform, owner reviews, platform outages) runs it."""

    name: str
    members: int
    days: int
    seed: int
    platforms: tuple[Platform, ...] = (Platform.YOUTUBE,)
    outage_rate: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)

    def run(self, storage: Storage, gate: QualityGate) -> dict[str, Any]:
        simulation = Simulation(
            storage,
            members=self.members,
            days=self.days,
            seed=self.seed,
            gate=gate,
            platforms=self.platforms,
            outage_rate=self.outage_rate,
            **self.options,
        )
        summary = simulation.run().to_json()
        return {"summary": summary, "fingerprint": fingerprint(storage)}


CASES = (
    Case("youtube-40x5-seed3", members=40, days=5, seed=3),
    Case("youtube-40x5-seed7", members=40, days=5, seed=7),
    Case("youtube-40x5-seed11", members=40, days=5, seed=11),
    # The exchange without fair play (credit by substance, cooldowns, ratings, ring detection).
    Case(
        "youtube-40x5-seed7-no-fair-play",
        members=40,
        days=5,
        seed=7,
        options={"fair_play": False, "detect_rings": False},
    ),
    Case("every-platform-outages-30x4-seed8", members=30, days=4, seed=8, platforms=tuple(Platform), outage_rate=0.15),
)


def _plain(value: object) -> object:
    """A value whose repr is the same in every process (no enum or set reprs, whose order or form
    may vary)."""
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, CommunitySettings | ContentTopic):
        return json.dumps(value.to_json(), sort_keys=True, default=str)
    if value is None or isinstance(value, int | float | str | bool):
        return value
    raise TypeError(f"no stable form for {type(value).__name__}")


def fingerprint(storage: Storage) -> str:
    """SHA-256 of every fingerprinted table's rows (sorted, ``version`` left out)."""
    digest = hashlib.sha256()
    with storage.engine.connect() as connection:
        for table in FINGERPRINTED:
            columns = [c for c in table.columns if c.name not in _LEFT_OUT]
            rows = sorted(
                (tuple(_plain(v) for v in row) for row in connection.execute(sa.select(*columns))),
                key=repr,
            )
            digest.update(f"{table.name}:{[c.name for c in columns]}:{len(rows)}\n".encode())
            for row in rows:
                digest.update(repr(row).encode())
                digest.update(b"\n")
    return digest.hexdigest()


def load() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def record(cases: Sequence[Case] = CASES) -> None:
    """Runs every case on a fresh SQLite file with the packaged quality gate and writes the golden
    file."""
    from tgexchange.adapters.quality import ClassifierQualityGate

    gate = ClassifierQualityGate()
    golden: dict[str, dict[str, Any]] = {}
    for case in cases:
        with tempfile.TemporaryDirectory(prefix="tgexchange-golden-") as scratch:
            storage = build_storage(f"sqlite:///{Path(scratch) / 'simulation.db'}")
            golden[case.name] = case.run(storage, gate)
            storage.dispose()
        sys.stderr.write(f"{case.name}: {golden[case.name]['summary']['outcomes']}\n")
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(golden, indent=1) + "\n", encoding="utf-8")  # key order kept: it is compared


if __name__ == "__main__":
    record()
