"""Job locks on every queue storage: Huey's own lock TTL works only on Redis 7.4+, so the jobs
use ExpiringLock, which a crashed worker cannot hold forever."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from huey.exceptions import TaskLockedException

from tests.fakes import FakeClock, FakePlatform, FakeQualityGate
from tests.world import World
from tgexchange.bootstrap import Container, Storage
from tgexchange.config import Settings
from tgexchange.domain.task import TaskStatus
from tgexchange.worker.jobs import LookAhead, register_jobs
from tgexchange.worker.locks import ExpiringLock
from tgexchange.worker.queue import make_huey


def test_jobs_run_on_the_embedded_sqlite_queue(tmp_path: Path, sqlite_storage: Storage) -> None:
    world = World(sqlite_storage, FakeClock(), FakePlatform())
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.done(world.task(giver))
    huey = make_huey(f"sqlite:///{tmp_path / 'queue.db'}", immediate=True)
    container = Container(
        settings=Settings(),
        storage=sqlite_storage,
        clock=world.clock,
        _readers=(world.platform, world.platform),
        _quality_gate=FakeQualityGate(),
    )
    jobs = register_jobs(huey, container)
    jobs.verify(submission.id)  # a lock with a TTL raised NotImplementedError here
    assert world.task_row(task.id).status is TaskStatus.VERIFYING  # the pass ran, no comment yet
    jobs.sweep()
    assert huey.get(LookAhead.KEY, peek=True) is not None  # the look-ahead sweep ran
    # No job's return value is kept (they would pile up, one per pass): only the pacer's and the
    # sweep's own keys are there, no task ids.
    assert sorted(huey.all_results()) == [
        "sweep:looked_ahead_at",
        "tgexchange.verify-last.1",
        "tgexchange.verify-next.1",
    ]


def test_a_held_lock_refuses_a_second_holder_on_a_sqlite_queue(tmp_path: Path) -> None:
    huey = make_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    with ExpiringLock(huey, "verify:7", ttl_s=60), pytest.raises(TaskLockedException):
        ExpiringLock(make_huey(f"sqlite:///{tmp_path / 'queue.db'}"), "verify:7", ttl_s=60).acquire()
    ExpiringLock(huey, "verify:7", ttl_s=60).acquire()  # released on exit


def test_a_lock_left_by_a_crash_is_taken_over_once_it_expires(tmp_path: Path) -> None:
    ExpiringLock(make_huey(f"sqlite:///{tmp_path / 'queue.db'}"), "verify:7", ttl_s=0.2).acquire()  # then it dies
    restarted = make_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    with pytest.raises(TaskLockedException):
        ExpiringLock(restarted, "verify:7", ttl_s=60).acquire()
    time.sleep(0.3)
    ExpiringLock(restarted, "verify:7", ttl_s=60).acquire()


def test_a_holder_that_outlived_its_lock_does_not_free_the_next_holders(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    slow = ExpiringLock(make_huey(url), "verify:7", ttl_s=0.2)
    slow.acquire()
    time.sleep(0.3)  # its pass ran longer than the lock lived
    successor = ExpiringLock(make_huey(url), "verify:7", ttl_s=60)
    successor.acquire()

    slow.release()

    with pytest.raises(TaskLockedException):  # the successor still holds it
        ExpiringLock(make_huey(url), "verify:7", ttl_s=60).acquire()
    successor.release()
    ExpiringLock(make_huey(url), "verify:7", ttl_s=60).acquire()
