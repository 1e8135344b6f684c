"""Real concurrent connections racing for the same rows (SQLite file and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.errors import DomainError
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services import task as task_service

T = TypeVar("T")


def race(*calls: Callable[[], T]) -> list[T | BaseException]:
    """Runs the calls on their own threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list[T | BaseException] = [RuntimeError("not run")] * len(calls)

    def run(index: int, call: Callable[[], T]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as error:  # reported to the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def payouts_for(world: World, task_id: int) -> int:
    with world.storage.engine.connect() as connection:
        return (
            connection.scalar(
                sa.select(sa.func.count())
                .select_from(tables.postings)
                .where(tables.postings.c.task_id == task_id, tables.postings.c.kind == PostingKind.PAYOUT)
            )
            or 0
        )


def test_two_connections_recording_the_same_verification_pay_exactly_once(any_world: World) -> None:
    community = any_world.community()
    owners = [any_world.member(community) for _ in range(2)]
    givers = [any_world.member(community) for _ in range(3)]
    for owner in owners:
        any_world.submission(owner, wanted=3)
    tasks: list[Task] = []
    for giver in givers:
        for _ in owners:
            task = any_world.task(giver)
            any_world.done(task)
            tasks.append(task)

    for task in tasks:
        results = race(
            *[
                lambda t=task: record_verification_outcome(
                    any_world.uow(), task_id=t.id, verified=True, now=any_world.now
                )
                for _ in range(2)
            ]
        )
        assert all(isinstance(r, Task) and r.status is TaskStatus.VERIFIED for r in results), results
        assert payouts_for(any_world, task.id) == 1

    for giver in givers:
        assert any_world.balance(giver) == 30 + 2 * 10
    with any_world.uow() as uow:
        assert uow.ledger.is_balanced()


def test_verify_and_reject_racing_leave_one_outcome_and_consistent_credits(any_world: World) -> None:
    community = any_world.community()
    owner = any_world.member(community)
    giver = any_world.member(community)
    any_world.submission(owner, wanted=1)
    task = any_world.task(giver)
    any_world.done(task)

    results = race(
        lambda: record_verification_outcome(any_world.uow(), task_id=task.id, verified=True, now=any_world.now),
        lambda: record_verification_outcome(
            any_world.uow(), task_id=task.id, verified=False, reason="too_short", now=any_world.now
        ),
    )
    statuses = {r.status for r in results if isinstance(r, Task)}
    assert len(statuses) == 1, results  # both callers see the single stored outcome
    final = statuses.pop()
    assert any_world.balance(giver) == (40 if final is TaskStatus.VERIFIED else 30)
    with any_world.uow() as uow:
        assert uow.ledger.is_balanced()


def test_two_members_racing_for_the_last_slot_get_one_task(any_world: World) -> None:
    community = any_world.community()
    owner = any_world.member(community)
    first, second = any_world.member(community), any_world.member(community)
    submission = any_world.submission(owner, wanted=1)

    results = race(
        lambda: task_service.request_task(any_world.uow(), member_id=first.id, now=any_world.now),
        lambda: task_service.request_task(any_world.uow(), member_id=second.id, now=any_world.now),
    )
    won = [r for r in results if isinstance(r, Task)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1, results
    assert len(lost) == 1, results
    assert lost[0].code == "no_task_available"
    with any_world.uow() as uow:
        stored = uow.submissions.find(submission.id)
        assert stored is not None
        assert stored.tasks_open == 1
