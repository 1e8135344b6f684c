"""Paired randomness (simulation/streams.py): two runs of one seed that differ in a setting draw
the same numbers for the same choices, so each member comes by in the same hours in both; with
the shared stream one task handed differently reshuffles everyone's later draws."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.bootstrap import build_storage
from tgexchange.simulation.runner import SimMember, Simulation


class Recording(Simulation):
    """Notes who came by in which simulated hour."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions: list[tuple[datetime, int]] = []

    def _session(self, sim: SimMember) -> None:
        self.sessions.append((self.now, sim.index))
        super()._session(sim)


@pytest.fixture(scope="module")
def gate() -> ClassifierQualityGate:
    return ClassifierQualityGate()


def _run(tmp_path: Path, gate: ClassifierQualityGate, *, fair_play: bool, paired: bool) -> Recording:
    storage = build_storage(f"sqlite:///{tmp_path / f'fair-{fair_play}-paired-{paired}.db'}")
    simulation = Recording(
        storage, members=40, days=4, seed=5, gate=gate, fair_play=fair_play, paired_randomness=paired
    )
    try:
        simulation.run()
    finally:
        storage.dispose()
    return simulation


@pytest.mark.slow
@pytest.mark.parametrize("paired", [True, False], ids=["paired", "shared"])
def test_only_paired_runs_keep_who_came_by_when_a_setting_changes_what_happened(
    tmp_path: Path, gate: ClassifierQualityGate, paired: bool
) -> None:
    with_fair_play = _run(tmp_path, gate, fair_play=True, paired=paired)
    without = _run(tmp_path, gate, fair_play=False, paired=paired)
    assert len(with_fair_play.sessions) > 200
    # The setting changed what happened (credit by substance halves the requests)...
    assert len(with_fair_play.give_back) != len(without.give_back)
    # ...and paired, not who came by in which hour; shared, one task handed differently
    # reshuffles everyone's later draws.
    assert (with_fair_play.sessions == without.sessions) is paired
