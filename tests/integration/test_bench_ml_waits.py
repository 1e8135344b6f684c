"""bench/ml_waits.py: where a reliable member's wait for a first verified feedback goes, read from
a real SQLite file of a small paired simulation and worked out by hand on a few submissions."""

from __future__ import annotations

import statistics
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from bench.ml import exchange_outcomes
from bench.ml_waits import summarize, waits_summary

from tests.fakes import T0
from tgexchange.adapters.db import tables
from tgexchange.adapters.quality import ClassifierQualityGate
from tgexchange.bootstrap import build_storage
from tgexchange.domain.task import TaskStatus
from tgexchange.simulation.runner import Simulation


def _task(assigned_h: float, status: TaskStatus, decided_h: float | None = None) -> SimpleNamespace:
    decided = None if decided_h is None else T0 + timedelta(hours=decided_h)
    return SimpleNamespace(assigned_at=T0 + timedelta(hours=assigned_h), status=status, decided_at=decided)


def test_a_failed_task_before_the_first_verified_one_is_told_apart_and_a_skip_is_not() -> None:
    hours, waits = summarize(
        [
            # Handed at once and done 4 h later.
            (T0, [_task(0.0, TaskStatus.VERIFIED, 4.0)]),
            # The first giver let it expire (48 h); the next one did it.
            (T0, [_task(1.0, TaskStatus.EXPIRED, 49.0), _task(49.0, TaskStatus.VERIFIED, 55.0)]),
            # A skip hands it straight back: not a failure.
            (T0, [_task(2.0, TaskStatus.SKIPPED, 2.0), _task(2.0, TaskStatus.VERIFIED, 8.0)]),
            # Never verified: left out.
            (T0, [_task(0.0, TaskStatus.REJECTED, 5.0)]),
        ]
    )
    assert waits == {
        "first_task_mean_h": 1.0,  # (0 + 1 + 2) / 3
        "after_failure_share": 0.333,
        "after_failure_mean_h": 55.0,
        "otherwise_mean_h": 6.0,  # (4 + 8) / 2
    }
    assert sorted(hours) == [4.0, 8.0, 55.0]
    assert summarize([]) == (
        [],
        {
            "first_task_mean_h": None,
            "after_failure_share": None,
            "after_failure_mean_h": None,
            "otherwise_mean_h": None,
        },
    )


def test_the_summary_gives_a_groups_means_off_and_on() -> None:
    def run(days: int, off_first: float, on_first: float) -> dict[str, object]:
        def arm(first: float) -> dict[str, object]:
            return {
                "waits": {
                    "first_task_mean_h": first,
                    "after_failure_share": 0.2,
                    "after_failure_mean_h": 11.0,
                    "otherwise_mean_h": None,
                }
            }

        return {"days": days, "off": arm(off_first), "on": arm(on_first)}

    (ten,) = waits_summary("As simulated, 10 days", [run(10, 0.1, 0.3), run(10, 0.3, 0.5), {"days": 10, "off": {}}])
    assert ten.startswith("Where the wait goes (As simulated, 10 days; mean over the seeds, off → on):")
    assert "first giver 0.20 → 0.40 h" in ten  # the run saved before waits were read is left out
    assert "failed on 0.20 → 0.20 of them, a wait of 11.00 → 11.00 h against — → — h otherwise." in ten
    assert waits_summary("As simulated, 5 days", [{"days": 5, "off": {}}]) == []


@pytest.mark.slow
def test_the_waits_read_from_a_simulated_exchange_add_up_to_the_mean_wait(tmp_path: Path) -> None:
    storage = build_storage(f"sqlite:///{tmp_path / 'simulation.db'}")
    simulation = Simulation(
        storage, members=40, days=4, seed=3, gate=ClassifierQualityGate(), fair_play=False, paired_randomness=True
    )
    simulation.run()
    outcomes = exchange_outcomes(simulation, storage)
    mean_wait, restricted_wait = _mean_first_feedback_hours(storage.engine, simulation)
    storage.dispose()
    waits = outcomes["waits"]
    assert waits["first_task_mean_h"] is not None
    assert 0.0 <= waits["first_task_mean_h"] < 24.0
    assert 0.0 < waits["after_failure_share"] < 1.0
    # The two groups' means, weighted by their shares, are the mean wait read here apart, and the
    # one bench/ml.py reports.
    share = waits["after_failure_share"]
    combined = share * waits["after_failure_mean_h"] + (1 - share) * waits["otherwise_mean_h"]
    assert combined == pytest.approx(mean_wait, abs=0.05)
    assert outcomes["reliable_first_feedback_mean_h"] == pytest.approx(mean_wait, abs=0.005)
    assert waits["after_failure_mean_h"] > waits["otherwise_mean_h"]
    # Counting the submissions still waiting at the end as waiting until then.
    assert outcomes["reliable_submissions_without_feedback"] > 0
    assert outcomes["reliable_first_feedback_restricted_mean_h"] == pytest.approx(restricted_wait, abs=0.005)


def _mean_first_feedback_hours(engine: sa.Engine, simulation: Simulation) -> tuple[float, float]:
    """The reliable members' mean wait for a first verified feedback, in one SQL query: over the
    submissions that got one, and over all of them (one never served waiting until the end)."""
    reliable = [sim.member_id for sim in simulation.members if sim.profile.value in ("honest", "slow")]
    t, s = tables.tasks, tables.submissions
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(s.c.created_at, sa.func.min(t.c.decided_at))
            .select_from(s)
            .outerjoin(t, (t.c.submission_id == s.c.id) & (t.c.status == TaskStatus.VERIFIED))
            .where(s.c.owner_id.in_(reliable))
            .group_by(s.c.id, s.c.created_at)
        ).all()
    served = [(first - created).total_seconds() / 3600 for created, first in rows if first is not None]
    every = [((first or simulation.now) - created).total_seconds() / 3600 for created, first in rows]
    return statistics.fmean(served), statistics.fmean(every)
