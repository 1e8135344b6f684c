"""The fault run of bench/faults.py, small enough for every CI run: webhook processes and workers
SIGKILLed at random moments during a load, then the checker proves that every accepted update
took effect once, nobody was paid twice and the ledger balances. (PostgreSQL and Redis restarts
are in the full run only: the servers here are shared with the other tests.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench.faults import fault_run, summary
from bench.faults_checker import describe

from tgexchange.bootstrap import Storage
from tgexchange.worker.queue import make_huey

# Both multi-process tests in one xdist group: run side by side they would starve each other.
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("cluster")]


@pytest.fixture
def queue_url() -> str:
    url = os.environ.get("TGEXCHANGE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TGEXCHANGE_TEST_REDIS_URL must point at a Redis server in CI")
        pytest.skip("set TGEXCHANGE_TEST_REDIS_URL to run Redis tests")
    url = url.rsplit("/", 1)[0] + "/10"  # its own database: other tests flush database 0
    make_huey(url).flush()
    return url


def test_kills_during_a_load_lose_no_accepted_update_and_pay_nobody_twice(
    tmp_path: Path, postgres_storage: Storage, queue_url: str
) -> None:
    database_url = postgres_storage.engine.url.render_as_string(hide_password=False)
    run = fault_run(
        tmp_path, database_url=database_url, queue_url=queue_url, members=8, updates=150, seconds=12, kills=4,
        restarts=[], seed=7, settle_s=40, pause=1.0,
    )  # fmt: skip
    report = "\n".join(summary(run) + describe(run.verdict))
    verdict = run.verdict
    assert run.chaos.kills == 4, report
    assert run.settled, report
    assert verdict.accepted >= 40, report  # the load did happen
    assert run.chaos.kills_by_kind == {"webhook": 2, "worker": 2}, report
    assert verdict.by_kind["task_done"] > 0, report
    assert verdict.lost == [], report
    assert verdict.doubled == [], report
    assert verdict.payouts == verdict.paid_tasks > 0, report
    assert verdict.ledger_balanced, report
    assert verdict.balances_match_postings, report
    assert verdict.stuck_tasks == verdict.queue_pending == verdict.inbox_pending == 0, report
