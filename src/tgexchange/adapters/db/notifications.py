"""The outbox: notices written in the transaction of the decision they announce
(``SqlNoticeRepository``, inside a unit of work), then claimed, delivered and closed by whichever
process gets to them first (``SqlOutbox``, one short transaction per call)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tgexchange.adapters.db import tables
from tgexchange.services.ports import Notice, PendingNotice

_o = tables.outbox
MAX_ERROR = 300


class SqlNoticeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.added: list[int] = []

    def add(self, notice: Notice, *, now: datetime, deliver_after: datetime) -> None:
        notice_id = self._session.execute(
            _o.insert()
            .values(
                member_id=notice.member_id,
                telegram_user_id=notice.telegram_user_id,
                kind=notice.kind,
                params=notice.params,
                created_at=now,
                next_attempt_at=deliver_after,
                attempts=0,
            )
            .returning(_o.c.id)
        ).scalar_one()
        self.added.append(int(notice_id))


class SqlOutbox:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(
        self, *, now: datetime, hold_until: datetime, ids: Sequence[int] | None = None, limit: int = 100
    ) -> list[PendingNotice]:
        free = sa.and_(_o.c.closed_at.is_(None), sa.or_(_o.c.claimed_until.is_(None), _o.c.claimed_until < now))
        chosen = sa.select(_o.c.id).where(free)
        chosen = chosen.where(_o.c.id.in_(list(ids))) if ids is not None else chosen.where(_o.c.next_attempt_at <= now)
        # SKIP LOCKED lets two PostgreSQL senders take different notices instead of queueing on
        # the same rows; SQLite has one writer at a time anyway (the clause is not rendered).
        chosen = chosen.order_by(_o.c.id).limit(limit).with_for_update(skip_locked=True)
        statement = (
            _o.update()
            .where(_o.c.id.in_(chosen.scalar_subquery()), free)
            .values(claimed_until=hold_until, attempts=_o.c.attempts + 1)
            .returning(_o.c.id, _o.c.member_id, _o.c.kind, _o.c.params, _o.c.attempts, _o.c.telegram_user_id)
        )
        if ids is not None and not ids:
            return []
        with self._engine.begin() as connection:
            rows = connection.execute(statement).all()
        return sorted(
            (
                PendingNotice(
                    row.id, Notice(row.member_id, row.kind, dict(row.params), row.telegram_user_id), row.attempts
                )
                for row in rows
            ),
            key=lambda pending: pending.id,
        )

    def close(self, notice_id: int, *, outcome: str, now: datetime, error: str | None = None) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                _o.update()
                .where(_o.c.id == notice_id)
                .values(closed_at=now, outcome=outcome, claimed_until=None, last_error=_short(error))
            )

    def retry_at(self, notice_id: int, *, at: datetime, error: str | None = None) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                _o.update()
                .where(_o.c.id == notice_id, _o.c.closed_at.is_(None))
                .values(next_attempt_at=at, claimed_until=None, last_error=_short(error))
            )

    def prune(self, *, closed_before: datetime) -> int:
        with self._engine.begin() as connection:
            result = connection.execute(_o.delete().where(_o.c.closed_at < closed_before))
        return int(result.rowcount or 0)

    def count_open(self) -> int:
        with self._engine.connect() as connection:
            query = sa.select(sa.func.count()).select_from(_o).where(_o.c.closed_at.is_(None))
            return int(connection.execute(query).scalar_one())


def _short(error: str | None) -> str | None:
    return error[:MAX_ERROR] if error else None
