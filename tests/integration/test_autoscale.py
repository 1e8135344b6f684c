"""Workers that follow the load: the rule on samples, then a real supervisor and real worker
processes on Redis under a synthetic backlog (bench/autoscale.py)."""

from __future__ import annotations

import os

import pytest
from bench.autoscale import run

from tgexchange.worker.autoscale import AutoscalePolicy, Autoscaler, BadRange, Sample, parse_range

POLICY = AutoscalePolicy(minimum=1, maximum=3, load=0.7, horizon_s=30, up_after=2, idle_after=3)


def test_a_backlog_beyond_what_the_workers_clear_adds_one_after_it_lasts() -> None:
    scaler = Autoscaler(POLICY)
    # One worker clears 10 jobs/s: 300 in the horizon; 250 waiting is more than 70% of that.
    assert scaler.decide(Sample(backlog=250, cleared=50, interval_s=5, workers=1)) == 0
    assert scaler.decide(Sample(backlog=250, cleared=50, interval_s=5, workers=1)) == 1
    assert scaler.decide(Sample(backlog=150, cleared=50, interval_s=5, workers=2)) == 0  # within 70%


def test_jobs_waiting_while_nothing_finishes_count_as_a_backlog() -> None:
    scaler = Autoscaler(POLICY)
    assert [scaler.decide(Sample(backlog=5, cleared=0, interval_s=5, workers=1)) for _ in range(2)] == [0, 1]


def test_never_above_max_nor_below_min() -> None:
    scaler = Autoscaler(POLICY)
    assert {scaler.decide(Sample(backlog=10_000, cleared=1, interval_s=5, workers=3)) for _ in range(5)} == {0}
    assert {scaler.decide(Sample(backlog=0, cleared=0, interval_s=5, workers=1)) for _ in range(10)} == {0}


def test_idle_workers_go_one_at_a_time_when_the_pace_fits_one_fewer() -> None:
    scaler = Autoscaler(POLICY)
    scaler.decide(Sample(backlog=400, cleared=100, interval_s=5, workers=2))  # 10 jobs/s a worker, busy
    # Now 3 jobs/s and nothing waits: one worker (70% of 10/s) would do.
    decisions = [scaler.decide(Sample(backlog=0, cleared=15, interval_s=5, workers=2)) for _ in range(3)]
    assert decisions == [0, 0, -1]
    # 15 jobs/s with nothing waiting still needs both.
    assert {scaler.decide(Sample(backlog=0, cleared=75, interval_s=5, workers=2)) for _ in range(5)} == {0}


def test_the_range_is_min_dash_max() -> None:
    assert parse_range("2-6") == (2, 6)
    assert parse_range("3") == (3, 3)
    for bad in ("0-2", "4-2", "a-b", "1-65", ""):
        with pytest.raises(BadRange):
            parse_range(bad)


@pytest.mark.redis
@pytest.mark.slow
def test_under_a_burst_it_grows_to_max_drains_shrinks_back_and_runs_every_job_once() -> None:
    url = os.environ.get("TGEXCHANGE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TGEXCHANGE_TEST_REDIS_URL must point at a Redis server in CI")
        pytest.skip("set TGEXCHANGE_TEST_REDIS_URL to run Redis tests")
    own_database = url.rsplit("/", 1)[0] + "/7"  # flushed by the run: not the other tests' database

    found = run(own_database, jobs=2500, work_s=0.05, minimum=1, maximum=3, timeout_s=240)

    assert found.max_workers == 3
    assert found.drained_s is not None
    assert found.back_to_min_s is not None
    assert (found.ran_once, found.ran_twice_or_more, found.never_ran) == (2500, 0, 0)
