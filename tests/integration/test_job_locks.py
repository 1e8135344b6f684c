"""Job locks on every queue storage: Huey's SQLite and PostgreSQL storages take no lock TTL."""

from __future__ import annotations

from pathlib import Path

from tests.fakes import FakeClock, FakePlatform, FakeQualityGate
from tests.world import World
from tgexchange.bootstrap import Container, Storage
from tgexchange.config import Settings
from tgexchange.domain.task import TaskStatus
from tgexchange.worker.jobs import flush_stale_locks, lock_ttl, register_jobs
from tgexchange.worker.queue import make_huey


def test_a_sqlite_queue_takes_locks_without_a_ttl_and_a_memory_queue_with_one(tmp_path: Path) -> None:
    assert lock_ttl(make_huey(f"sqlite:///{tmp_path / 'queue.db'}"), 60) is None
    assert lock_ttl(make_huey("memory://"), 60) == 60


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
    jobs.enqueue_verification(submission.id or 0)  # raised NotImplementedError with a lock TTL
    assert world.task_row(task.id or 0).status is TaskStatus.VERIFYING  # the pass ran, no comment yet
    assert set(jobs.sweep().get()) == {"expired", "reviews_closed", "requeued"}


def test_locks_left_by_a_crash_are_flushed_when_the_embedded_worker_starts(tmp_path: Path) -> None:
    huey = make_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    huey.lock_task("verify:7").acquire()  # and then the process dies
    restarted = make_huey(f"sqlite:///{tmp_path / 'queue.db'}")
    assert restarted.is_locked("verify:7")
    assert flush_stale_locks(restarted) == {"verify:7"}
    assert not restarted.is_locked("verify:7")
