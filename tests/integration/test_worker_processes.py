"""Real `tgexchange worker` processes on a shared queue: a worker killed with SIGKILL in the
middle of its jobs loses no task and pays no task twice; two workers share one queue and one
per-platform rate limit, on SQLite and on Redis."""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.fakes import FakeClock
from tests.recordings import RecordedComment, write_youtube_recording
from tests.settings import settings_of
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Container, Storage, build_storage
from tgexchange.config import Settings
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.submission import Submission
from tgexchange.worker.jobs import Jobs, register_jobs
from tgexchange.worker.queue import make_huey

pytestmark = pytest.mark.slow

_WORDS = [
    "lighting",
    "framing",
    "pacing",
    "intro",
    "outro",
    "colour",
    "audio",
    "music",
    "captions",
    "thumbnail",
    "title",
    "story",
    "cut",
    "transition",
    "zoom",
    "tripod",
    "microphone",
    "voice",
    "background",
    "script",
    "joke",
    "chapter",
    "ending",
    "hook",
]
_FIXES = (
    "could be shorter",
    "needs more contrast",
    "feels a bit rushed",
    "works really well",
    "could use a caption",
    "is slightly too loud",
    "deserves more time",
    "is my favourite part",
)


def feedback_text(rng: random.Random, index: int) -> str:
    """Distinct, substantive feedback so that no text is a near copy of another."""
    a, b, c = rng.sample(_WORDS, 3)
    return (
        f"At minute {index % 9}:{rng.randrange(60):02d} the {a} {rng.choice(_FIXES)}, while the {b} "
        f"{rng.choice(_FIXES)} and the {c} {rng.choice(_FIXES)}."
    )


@dataclass
class Exchange:
    world: World
    submissions: list[Submission]
    settings: Settings
    env: dict[str, str]
    tasks: int


def build_exchange(
    tmp_path: Path, *, queue_url: str, owners: int, givers: int, filler: int, rate_limits: str
) -> Exchange:
    url = f"sqlite:///{tmp_path / 'tgexchange.db'}"
    storage = build_storage(url)
    world = World(storage, FakeClock(datetime.now(UTC) - timedelta(minutes=30)))
    community = world.community(max_open_tasks_per_member=50)
    owner_members = [world.member(community) for _ in range(owners)]
    giver_members = [world.member(community) for _ in range(givers)]
    submissions = [world.submission(owner, wanted=givers) for owner in owner_members]
    rng = random.Random(5)
    comments: dict[int, list[RecordedComment]] = {s.id: [] for s in submissions}
    count = 0
    for giver in giver_members:
        for _ in submissions:
            task = world.task(giver)
            world.clock.advance(seconds=1)
            count += 1
            comments[task.submission_id].append(
                RecordedComment(world.channel_of[giver.id], feedback_text(rng, count), world.now)
            )
            world.done(task)
    recordings = tmp_path / "recordings"
    for submission in submissions:
        write_youtube_recording(
            recordings,
            video_id=submission.content_id,
            channel_id=world.channel_of[submission.owner_id],
            comments=comments[submission.id],
            filler=filler,
        )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUEUE_URL": queue_url,
        "PLATFORM_SOURCE": f"recorded:{recordings}",
        "PLATFORM_RATE_LIMITS": rate_limits,
        "TGEXCHANGE_DATA_DIR": str(tmp_path),
        "LOG_JSON": "1",
        # A killed worker's locks would otherwise hold its submissions for the default two minutes.
        "VERIFICATION_LOCK_TTL_S": "3",
        # Pass at once rather than pacing passes minutes apart as in production.
        "VERIFY_DEBOUNCE_S": "0",
        "VERIFY_MIN_INTERVAL_S": "1",
    }
    settings = settings_of(
        DATABASE_URL=url,
        QUEUE_URL=queue_url,
        PLATFORM_RATE_LIMITS=rate_limits,
        VERIFY_DEBOUNCE_S=0,
        VERIFY_MIN_INTERVAL_S=1,
    )
    return Exchange(world, submissions, settings, env, count)


def enqueue_all(exchange: Exchange) -> Jobs:
    huey = make_huey(exchange.settings.effective_queue_url)
    jobs = register_jobs(
        huey, Container(settings=exchange.settings, storage=exchange.world.storage, clock=exchange.world.clock)
    )
    for submission in exchange.submissions:
        jobs.enqueue_verification(submission.id)
    return jobs


def start_worker(exchange: Exchange, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "tgexchange.cli", "worker", "--threads", "2"],
            env=exchange.env,
            stdout=handle,
            stderr=handle,
        )


def count_tasks(storage: Storage, status: str) -> int:
    with storage.engine.connect() as connection:
        return (
            connection.scalar(
                sa.select(sa.func.count()).select_from(tables.tasks).where(tables.tasks.c.status == status)
            )
            or 0
        )


def wait_for(condition: object, *, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=60)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_job_loses_no_task_and_pays_none_twice(
    tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    exchange = build_exchange(
        tmp_path,
        queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
        owners=24,
        givers=2,
        filler=400,
        rate_limits="youtube=100000/1",
    )
    storage = exchange.world.storage
    enqueue_all(exchange)
    log = tmp_path / "worker.log"

    killed_mid_job = 0
    for _ in range(6):
        done_before = count_tasks(storage, "verified")
        if done_before == exchange.tasks:
            break
        worker = start_worker(exchange, log)
        workers.append(worker)
        wait_for(
            lambda before=done_before, process=worker: (
                count_tasks(storage, "verified") > before or process.poll() is not None
            ),
            timeout_s=90,
            what="the worker to verify something",
        )
        time.sleep(random.Random(done_before).uniform(0.05, 0.4))
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        # A task left "verifying" is a job that died between starting its pass and deciding.
        killed_mid_job += count_tasks(storage, "verifying") > 0
        if killed_mid_job:
            break
    assert killed_mid_job, "no kill landed in the middle of a job; the test proved nothing"
    assert count_tasks(storage, "verified") < exchange.tasks

    survivor = start_worker(exchange, log)
    workers.append(survivor)
    wait_for(
        lambda: count_tasks(storage, "verified") == exchange.tasks,
        timeout_s=150,
        what=f"all {exchange.tasks} tasks to be verified after the restart",
    )
    assert stop(survivor) == 0

    with storage.engine.connect() as connection:
        payouts = connection.execute(
            sa.select(tables.postings.c.task_id, sa.func.count())
            .where(tables.postings.c.kind == PostingKind.PAYOUT)
            .group_by(tables.postings.c.task_id)
        ).all()
    assert len(payouts) == exchange.tasks
    assert {count for _, count in payouts} == {1}
    with exchange.world.uow() as uow:
        assert uow.ledger.is_balanced()


def started_at(log: Path) -> list[tuple[float, int]]:
    """When each verification pass was let through the shared rate limit, and the limiter's window
    it was counted in, from the JSON logs."""
    passes = []
    for line in log.read_text(errors="replace").splitlines():
        if '"verify_started"' in line:
            record = json.loads(line)
            moment = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).timestamp()
            passes.append((moment, int(record["rate_window"])))
    return sorted(passes)


@pytest.mark.parametrize("queue", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_two_workers_share_one_queue_and_one_platform_rate_limit(
    queue: str, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    if queue == "redis":
        url = os.environ.get("TGEXCHANGE_TEST_REDIS_URL")
        if not url:
            if os.environ.get("CI"):
                pytest.fail("TGEXCHANGE_TEST_REDIS_URL must point at a Redis server in CI")
            pytest.skip("set TGEXCHANGE_TEST_REDIS_URL to run Redis tests")
        make_huey(url).flush()
        queue_url = url
    else:
        queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
    limit, per = 4, 2
    exchange = build_exchange(
        tmp_path, queue_url=queue_url, owners=16, givers=1, filler=0, rate_limits=f"youtube={limit}/{per}"
    )
    enqueue_all(exchange)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    pair = [start_worker(exchange, log) for log in logs]
    workers.extend(pair)

    wait_for(
        lambda: count_tasks(exchange.world.storage, "verified") == exchange.tasks,
        timeout_s=150,
        what="both workers to verify every task",
    )
    assert [stop(worker) for worker in pair] == [0, 0]

    passes = [started_at(log) for log in logs]
    assert all(passes), "each worker should have taken part"
    everything = sorted(p for worker_passes in passes for p in worker_passes)
    # One pass per submission served its task; a worker that starts re-queues whatever is in flight
    # (it cannot tell a busy worker from a dead one), which may repeat a pass or two.
    assert exchange.tasks <= len(everything) <= exchange.tasks + 2
    # Fixed windows of `per` seconds admit at most `limit` passes each, across both processes.
    windows: dict[int, int] = {}
    for _, window in everything:
        windows[window] = windows.get(window, 0) + 1
    assert max(windows.values()) <= limit, windows
    # The first pass falls anywhere in its window W and the last in W + tasks/limit - 1 or later:
    # more than (tasks/limit - 2) windows apart, whatever the phase (the old bound, one window
    # more, held only while each worker's first pass spent ~2.5 s building the quality gate, then
    # importing scikit-learn and skops, which kept the first window from filling). 0.5 s for log
    # times taken after the window's.
    span = everything[-1][0] - everything[0][0]
    assert span >= (math.ceil(exchange.tasks / limit) - 2) * per - 0.5, span
