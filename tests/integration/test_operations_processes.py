"""Operations with real processes: `tgexchange pause` stops a running worker's verifications and
the pause outlives every process; a simulated platform outage (the recordings' OUTAGE file) opens
the breaker, and a worker's watchdog raises exactly one alert to a JSON receiver on loopback and,
once the platform answers again, exactly one recovery notice."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.integration.conftest import Receiver
from tests.integration.test_worker_processes import (
    Exchange,
    build_exchange,
    count_tasks,
    enqueue_all,
    start_worker,
    stop,
    wait_for,
)
from tgexchange.adapters.db import tables
from tgexchange.adapters.platforms.recorded import OUTAGE_FILE

pytestmark = pytest.mark.slow


def cli(exchange: Exchange, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tgexchange.cli", *args],
        env=exchange.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def about_the_outage(receiver: Receiver) -> list[str]:
    """The alerts about the platform (the failed passes also make a verification-errors anomaly,
    below the pause severity: it has alerts of its own)."""
    return [str(r["title"]) for r in receiver.received if "platform_outage" in str(r["title"])]


def test_a_pause_from_the_cli_stops_a_running_worker_and_outlives_every_process(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    exchange = build_exchange(
        tmp_path, queue_url=f"sqlite:///{tmp_path / 'queue.db'}", owners=24, givers=2, filler=400,
        rate_limits="youtube=2/1",
    )  # fmt: skip
    # Two passes a second: the 24 submissions take the worker ~12 s, so the pause (a CLI process,
    # 1-3 s) lands while most of them still wait. Unlimited, a worker whose quality gate loads in
    # a fraction of a second could verify all 48 tasks first and leave nothing to stop.
    storage = exchange.world.storage
    enqueue_all(exchange)
    worker = start_worker(exchange, tmp_path / "worker.log")
    workers.append(worker)
    wait_for(lambda: count_tasks(storage, "verified") > 0, timeout_s=90, what="the worker to verify something")

    paused = cli(exchange, "pause", "--reason", "checking a bad deploy")
    assert paused.returncode == 0, paused.stderr
    at_pause = count_tasks(storage, "verified")
    time.sleep(4)
    # Passes already past their check finish (two threads, two tasks a submission); no other does.
    after = count_tasks(storage, "verified")
    assert after <= at_pause + 4
    assert after < exchange.tasks

    assert stop(worker) == 0  # every process restarts
    restarted = start_worker(exchange, tmp_path / "worker.log")
    workers.append(restarted)
    enqueue_all(exchange)
    time.sleep(6)
    assert count_tasks(storage, "verified") == after
    status = json.loads(cli(exchange, "status", "--json").stdout)
    assert (status["paused"], status["reason"]) == (True, "checking a bad deploy")
    assert status["by"].startswith("cli:")
    assert len(status["workers"]) == 1

    resumed = cli(exchange, "resume")
    assert resumed.returncode == 0, resumed.stderr
    enqueue_all(exchange)
    wait_for(
        lambda: count_tasks(storage, "verified") == exchange.tasks,
        timeout_s=150,
        what="every task verified after the resume",
    )
    assert stop(restarted) == 0
    with storage.engine.connect() as connection:
        log = connection.execute(sa.select(tables.kill_switch_log.c.action, tables.kill_switch_log.c.held_s)).all()
    assert [action for action, _ in log] == ["pause", "resume"]
    assert log[1][1] is not None
    assert log[1][1] >= 10


def test_a_platform_outage_raises_one_alert_then_one_recovery_notice(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]], receiver: Receiver
) -> None:
    exchange = build_exchange(
        tmp_path, queue_url=f"sqlite:///{tmp_path / 'queue.db'}", owners=8, givers=1, filler=0,
        rate_limits="youtube=100000/1",
    )  # fmt: skip
    exchange.env.update(WATCHDOG_INTERVAL_S="5", ALERT_URLS=receiver.url)
    outage = Path(exchange.env["PLATFORM_SOURCE"].removeprefix("recorded:")) / "youtube" / OUTAGE_FILE
    outage.touch()
    worker = start_worker(exchange, tmp_path / "worker.log")
    workers.append(worker)
    enqueue_all(exchange)

    wait_for(lambda: len(about_the_outage(receiver)) >= 1, timeout_s=90, what="the outage's alert")
    time.sleep(12)  # two more ticks while the outage lasts
    assert about_the_outage(receiver) == ["[tgexchange] platform_outage (platform youtube), severity 0.70"]
    assert count_tasks(exchange.world.storage, "rejected") == 0  # an outage never rejects anyone

    outage.unlink()
    time.sleep(6)  # the breaker's cool-down for recordings
    enqueue_all(exchange)  # a pass probes the platform, which answers
    wait_for(lambda: len(about_the_outage(receiver)) >= 2, timeout_s=90, what="the recovery notice")
    time.sleep(6)
    assert about_the_outage(receiver)[1:] == ["[tgexchange] resolved: platform_outage (platform youtube)"]
    assert stop(worker) == 0
    with exchange.world.storage.engine.connect() as connection:
        episodes = connection.execute(sa.select(tables.anomalies.c.kind, tables.anomalies.c.cleared_at)).all()
    outages = [cleared for kind, cleared in episodes if kind == "platform_outage"]
    assert len(outages) == 1
    assert outages[0] is not None
