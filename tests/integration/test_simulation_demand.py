"""The simulator's demand (simulation/profiles.Demand): the scarce community starts its members
with more credits and asks for feedback more often, so submissions wait for givers."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tgexchange.adapters.db import tables
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.bootstrap import build_storage
from tgexchange.simulation.profiles import AS_SIMULATED, SCARCE, Demand
from tgexchange.simulation.runner import Simulation


def _run(tmp_path: Path, demand: Demand) -> tuple[int, int, float]:
    """Welcome credits as the community stored them, submissions made, and the mean hours from a
    submission to its first task."""
    storage = build_storage(f"sqlite:///{tmp_path / f'demand-{demand.submits}.db'}")
    simulation = Simulation(
        storage, members=30, days=3, seed=11, gate=ClassifierQualityGate(), fair_play=False, demand=demand
    )
    try:
        simulation.run()
        s, t = tables.submissions, tables.tasks
        first_task = (
            sa.select(t.c.submission_id, sa.func.min(t.c.assigned_at).label("at"))
            .group_by(t.c.submission_id)
            .subquery()
        )
        with storage.engine.connect() as connection:
            welcome = connection.execute(sa.select(tables.communities.c.settings)).scalar_one().welcome_credits
            submitted = connection.execute(
                sa.select(s.c.created_at, first_task.c.at)
                .select_from(s)
                .join(first_task, first_task.c.submission_id == s.c.id, isouter=True)
            ).all()
    finally:
        storage.dispose()
    waits = [(at - created).total_seconds() / 3600 for created, at in submitted if at is not None]
    return welcome, len(submitted), sum(waits) / len(waits)


@pytest.mark.slow
def test_the_scarce_community_asks_for_more_than_its_givers_serve_at_once(tmp_path: Path) -> None:
    welcome, submitted, first_task_h = _run(tmp_path, AS_SIMULATED)
    scarce_welcome, scarce_submitted, scarce_first_task_h = _run(tmp_path, SCARCE)

    assert (welcome, scarce_welcome) == (30, 100)
    assert scarce_submitted > 2 * submitted
    assert scarce_first_task_h > 5 * first_task_h
