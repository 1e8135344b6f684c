"""Stored tasks."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.mapping import find_by_id
from tgexchange.domain.task import Task, TaskStatus

_t = tables.tasks
_OPEN = [TaskStatus.ASSIGNED.value, TaskStatus.SUBMITTED.value, TaskStatus.VERIFYING.value]
_GIVER = sa.bindparam("giver_id", type_=sa.BigInteger)

# The queries every task request and verification pass runs are built once, values bound at
# execution: building (and cache-keying) a statement cost about as much as running it.
_COUNT_OPEN_FOR_GIVER = (
    sa.select(sa.func.count()).select_from(_t).where(_t.c.giver_id == _GIVER, _t.c.status.in_(_OPEN))
)
_RECENT_FEEDBACK_TEXTS = (
    sa.select(_t.c.feedback_text)
    .where(_t.c.giver_id == _GIVER, _t.c.status == TaskStatus.VERIFIED, _t.c.feedback_text.is_not(None))
    .order_by(_t.c.decided_at.desc(), _t.c.id.desc())
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
# The same on SQLite, whose planner preferred the dashboard's (status, decided_at) index to skip
# sorting and then walked every member's verified tasks to find one giver's: 0.3 ms per call
# after 1,000 verified tasks and growing, against 12 us through the giver's own index (SQLAlchemy
# renders no table hints for SQLite; PostgreSQL weighs the giver's selectivity by its statistics).
_RECENT_FEEDBACK_TEXTS_SQLITE = sa.text(
    "SELECT feedback_text FROM tasks INDEXED BY ix_tasks_giver_status"
    " WHERE giver_id = :giver_id AND status = :verified AND feedback_text IS NOT NULL"
    " ORDER BY decided_at DESC, id DESC LIMIT :limit"
).bindparams(verified=TaskStatus.VERIFIED.value)


@functools.cache
def _of_submission() -> sa.Select[Any]:
    """Built on first use (Task is mapped by then)."""
    return (
        sa.select(Task)
        .where(
            _t.c.submission_id == sa.bindparam("submission_id", type_=sa.BigInteger),
            _t.c.status.in_(sa.bindparam("statuses", expanding=True)),
        )
        .order_by(_t.c.id)
    )


class SqlTaskRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, task: Task) -> None:
        self._session.add(task)

    def find(self, task_id: int, *, for_update: bool = False) -> Task | None:
        return find_by_id(self._session, Task, task_id, for_update=for_update)

    def find_by_update(self, update_id: int) -> Task | None:
        return self._session.scalars(sa.select(Task).where(_t.c.update_id == update_id)).first()

    def count_open_for_giver(self, giver_id: int) -> int:
        return self._session.scalar(_COUNT_OPEN_FOR_GIVER, {"giver_id": giver_id}) or 0

    def list_for_giver(
        self, giver_id: int, *, statuses: frozenset[TaskStatus], limit: int | None = 20
    ) -> Sequence[Task]:
        return self._session.scalars(
            sa.select(Task)
            .where(_t.c.giver_id == giver_id, _t.c.status.in_([s.value for s in statuses]))
            .order_by(_t.c.id.desc())
            .limit(limit)
        ).all()

    def list_for_submission(self, submission_id: int, *, statuses: frozenset[TaskStatus]) -> Sequence[Task]:
        return self._session.scalars(
            _of_submission(), {"submission_id": submission_id, "statuses": sorted(s.value for s in statuses)}
        ).all()

    def list_in_community(self, community_id: int, *, statuses: frozenset[TaskStatus]) -> Sequence[Task]:
        return self._session.scalars(
            sa.select(Task)
            .where(_t.c.community_id == community_id, _t.c.status.in_([s.value for s in statuses]))
            .order_by(_t.c.id)
        ).all()

    def list_overdue_ids(self, *, now: datetime, limit: int) -> Sequence[int]:
        return self._session.scalars(
            sa.select(_t.c.id)
            .where(_t.c.status == TaskStatus.ASSIGNED.value, _t.c.deadline_at <= now)
            .order_by(_t.c.deadline_at, _t.c.id)
            .limit(limit)
        ).all()

    def recent_feedback_texts(self, giver_id: int, *, limit: int) -> Sequence[str]:
        sqlite = self._session.get_bind().dialect.name == "sqlite"
        query = _RECENT_FEEDBACK_TEXTS_SQLITE if sqlite else _RECENT_FEEDBACK_TEXTS
        return self._session.scalars(query, {"giver_id": giver_id, "limit": limit}).all()

    def submissions_due_for_check(self, *, now: datetime, limit: int) -> Sequence[int]:
        due = sa.or_(
            sa.and_(_t.c.next_check_at.is_(None), sa.func.coalesce(_t.c.verifying_at, _t.c.done_at) <= now),
            _t.c.next_check_at <= now,
        )
        return self._session.scalars(
            sa.select(_t.c.submission_id)
            .where(_t.c.status.in_([TaskStatus.SUBMITTED, TaskStatus.VERIFYING]), _t.c.review_stage.is_(None), due)
            .group_by(_t.c.submission_id)
            .order_by(sa.func.min(_t.c.done_at))
            .limit(limit)
        ).all()

    def count_waiting_for_verification(self, submission_id: int) -> int:
        return (
            self._session.scalar(
                sa.select(sa.func.count())
                .select_from(_t)
                .where(
                    _t.c.submission_id == submission_id,
                    _t.c.status.in_([TaskStatus.SUBMITTED, TaskStatus.VERIFYING]),
                    _t.c.review_stage.is_(None),
                )
            )
            or 0
        )

    def list_review_expired(self, *, now: datetime, limit: int) -> Sequence[int]:
        return self._session.scalars(
            sa.select(_t.c.id)
            .where(_t.c.status == TaskStatus.VERIFYING, _t.c.review_stage.is_not(None), _t.c.review_until <= now)
            .order_by(_t.c.review_until)
            .limit(limit)
        ).all()
