"""A giver's recent verified feedback (the near-copy rule's history, read for every task a
verification pass decides) is read through the giver's own index on SQLite, and in the same order
as on every database: latest decision first."""

from __future__ import annotations

from sqlalchemy import event

from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.services import task as task_service


def test_recent_feedback_is_the_givers_latest_first(any_world: World) -> None:
    community = any_world.community(welcome_credits=500)
    giver = any_world.member(community)
    others = [any_world.member(community) for _ in range(3)]
    for n, owner in enumerate(others):
        any_world.submission(owner, wanted=1)
        task = any_world.task(giver)
        text = f"feedback number {n} with enough words to be a real comment here"
        task_service.mark_task_done(
            any_world.uow(), member_id=giver.id, task_id=task.id, now=any_world.now, feedback_text=text
        )
        any_world.clock.advance(hours=1)
        record_verification_outcome(any_world.uow(), task_id=task.id, verified=True, now=any_world.now)

    with any_world.uow() as uow:
        texts = uow.tasks.recent_feedback_texts(giver.id, limit=2)
        assert uow.tasks.recent_feedback_texts(others[0].id, limit=50) == []

    assert [t.split()[2] for t in texts] == ["2", "1"]


def test_on_sqlite_it_uses_the_givers_index(world: World) -> None:
    plans: list[str] = []

    def explain(conn: object, cursor: object, statement: str, parameters: object, *_: object) -> None:
        if "feedback_text FROM tasks" in statement:
            plans.extend(str(row) for row in cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters))  # type: ignore[attr-defined]

    event.listen(world.storage.engine, "before_cursor_execute", explain)
    try:
        with world.uow() as uow:
            uow.tasks.recent_feedback_texts(1, limit=50)
    finally:
        event.remove(world.storage.engine, "before_cursor_execute", explain)

    assert any("ix_tasks_giver_status" in plan for plan in plans), plans
