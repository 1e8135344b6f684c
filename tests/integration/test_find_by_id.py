"""Finding a task or submission to change (adapters/db/mapping.find_by_id): the same objects as
Session.get, a lock on PostgreSQL, and on SQLite no second read of a row the unit of work holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.fakes import FakeClock, FakePlatform
from tests.world import World
from tgexchange.bootstrap import Storage
from tgexchange.domain.task import TaskStatus


@contextmanager
def statements(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(world.storage.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(world.storage.engine, "before_cursor_execute", record)


def a_task(world: World) -> Any:
    community = world.community()
    world.submission(world.member(community), wanted=2)
    return world.task(world.member(community))


def test_a_locked_find_returns_the_object_the_unit_of_work_holds(any_world: World) -> None:
    task = a_task(any_world)
    with any_world.uow() as uow:
        listed = uow.tasks.list_for_submission(task.submission_id, statuses=frozenset({TaskStatus.ASSIGNED}))
        locked = uow.tasks.find(task.id, for_update=True)
        submission = uow.submissions.find(task.submission_id, for_update=True)
        again = uow.submissions.find(task.submission_id, for_update=True)

        assert locked is listed[0]
        assert submission is again
        assert submission is not None
        assert submission.id == task.submission_id
        assert uow.tasks.find(task.id + 1000, for_update=True) is None
        assert uow.submissions.find(task.submission_id + 1000) is None


def test_on_sqlite_a_row_the_unit_of_work_holds_is_not_read_again(world: World) -> None:
    task = a_task(world)
    with world.uow() as uow:
        uow.tasks.list_for_submission(task.submission_id, statuses=frozenset({TaskStatus.ASSIGNED}))
        with statements(world) as seen:
            uow.tasks.find(task.id, for_update=True)
            uow.tasks.find(task.id)
        assert seen == []

        with statements(world) as seen:
            uow.submissions.find(task.submission_id, for_update=True)
            uow.submissions.find(task.submission_id, for_update=True)
        assert len(seen) == 1  # read once, then held


@pytest.mark.postgres
def test_on_postgresql_a_locked_find_reads_the_row_again_with_a_lock(
    postgres_storage: Storage, clock: FakeClock, platform: FakePlatform
) -> None:
    world = World(postgres_storage, clock, platform)
    task = a_task(world)
    with world.uow() as uow:
        uow.tasks.find(task.id)
        with statements(world) as seen:
            uow.tasks.find(task.id, for_update=True)
        assert len(seen) == 1
        assert "FOR UPDATE" in seen[0]
