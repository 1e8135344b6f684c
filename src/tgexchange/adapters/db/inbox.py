"""The webhook's inbox: every update Telegram was told we accepted, until its handlers have run.

Telegram redelivers an update only while it gets no 2xx, so "accepted" must mean "stored": the
webhook inserts the update here and commits before it answers. The process that stored it holds
a lease (``claimed_until``) and renews it while the update waits or runs; when a process dies its
leases run out and any webhook process takes those rows again (``take_expired``). Done rows are
pruned after a week, like ``bot_updates``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from tgexchange.adapters.db import tables

KEEP_FOR = timedelta(days=7)
PRUNE_EVERY = 1000
_i = tables.webhook_inbox


@dataclass(frozen=True)
class InboxUpdate:
    update_id: int
    body: str
    attempts: int


class SqlWebhookInbox:
    """One table shared by every webhook process on a database. ``accept`` is one INSERT … ON
    CONFLICT DO NOTHING on the primary key: of two deliveries of one update (to two processes, or
    Telegram retrying) exactly one stores it."""

    def __init__(self, engine: Engine, *, keep_for: timedelta = KEEP_FOR, prune_every: int = PRUNE_EVERY) -> None:
        self._engine = engine
        self._keep_for = keep_for
        self._prune_every = prune_every
        self._accepted = 0
        dialect = engine.dialect.name
        insert = (postgresql.insert(_i) if dialect == "postgresql" else sqlite.insert(_i)).on_conflict_do_nothing(
            index_elements=[_i.c.update_id]
        )
        # RETURNING says whether the row went in: a rowcount is not reliable for INSERT … ON
        # CONFLICT through every driver.
        self._insert = insert.returning(_i.c.update_id)
        self._sqlite_insert = _sqlite_inserter(engine, insert) if dialect == "sqlite" else None
        self._sqlite_mark = _sqlite_marker(engine) if dialect == "sqlite" else None

    def accept(self, update_id: int, body: str, *, now: datetime, lease_until: datetime) -> bool:
        """Stores the update, leased to the caller until ``lease_until``, and commits. True when it
        is new, False when it was stored before (a redelivery: nothing changes). Raises the
        database's error when it cannot be stored; then the update must not be acknowledged."""
        values = {"update_id": update_id, "body": body, "received_at": now, "claimed_until": lease_until,
                  "attempts": 1}  # fmt: skip
        if self._sqlite_insert is not None:
            stored = self._sqlite_insert(values)
        else:
            with self._engine.begin() as connection:
                stored = connection.execute(self._insert, values).first() is not None
        if stored:
            self._accepted += 1
            if self._accepted % self._prune_every == 0:
                self.prune(now=now)
        return stored

    def take_expired(self, *, now: datetime, lease_until: datetime, limit: int = 100) -> list[InboxUpdate]:
        """Leases up to ``limit`` updates that are not done and whose lease ran out (their process
        died, or gave them up after a storage failure), oldest first. SKIP LOCKED lets two
        PostgreSQL processes take different rows instead of waiting on each other."""
        chosen = (
            sa.select(_i.c.update_id)
            .where(_i.c.done_at.is_(None), _i.c.claimed_until < now)
            .order_by(_i.c.update_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        statement = (
            sa.update(_i)
            .where(_i.c.update_id.in_(chosen.scalar_subquery()), _i.c.done_at.is_(None), _i.c.claimed_until < now)
            .values(claimed_until=lease_until, attempts=_i.c.attempts + 1)
            .returning(_i.c.update_id, _i.c.body, _i.c.attempts)
        )
        with self._engine.begin() as connection:
            rows = connection.execute(statement).all()
        return sorted((InboxUpdate(int(r.update_id), str(r.body), int(r.attempts)) for r in rows),
                      key=lambda u: u.update_id)  # fmt: skip

    def renew(self, update_ids: Iterable[int], *, lease_until: datetime) -> None:
        """Extends the caller's leases on updates it still holds (waiting or running)."""
        ids = list(update_ids)
        if not ids:
            return
        with self._engine.begin() as connection:
            connection.execute(
                sa.update(_i).where(_i.c.update_id.in_(ids), _i.c.done_at.is_(None)).values(claimed_until=lease_until)
            )

    def mark_done(self, update_ids: Iterable[int], *, now: datetime) -> None:
        """The handlers of these updates have run: nobody takes them again."""
        ids = list(update_ids)
        if not ids:
            return
        if self._sqlite_mark is not None:
            self._sqlite_mark(ids, now)
            return
        with self._engine.begin() as connection:
            connection.execute(sa.update(_i).where(_i.c.update_id.in_(ids), _i.c.done_at.is_(None)).values(done_at=now))

    def prune(self, *, now: datetime) -> int:
        """Deletes done updates older than the retention; returns how many."""
        with self._engine.begin() as connection:
            result = connection.execute(sa.delete(_i).where(_i.c.done_at < now - self._keep_for))
        return int(result.rowcount or 0)

    def pending(self) -> list[int]:
        """The updates not done yet, by id."""
        with self._engine.connect() as connection:
            return list(
                connection.scalars(sa.select(_i.c.update_id).where(_i.c.done_at.is_(None)).order_by(_i.c.update_id))
            )

    def count(self) -> int:
        with self._engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(_i)).scalar_one())


def _sqlite_inserter(engine: Engine, insert: sa.Insert) -> Callable[[dict[str, object]], bool]:
    """The insert on SQLite, straight on the driver's connection: every update the webhook takes
    pays for it, and SQLAlchemy's execution layer cost more than SQLite's own work (see
    updates.py, which does the same for the polling bot's claim). SQL and the stored form of
    timestamps still come from SQLAlchemy."""
    keys = ["update_id", "body", "received_at", "claimed_until", "attempts"]
    compiled = insert.compile(dialect=engine.dialect, column_keys=keys)
    order = list(compiled.positiontup or [])
    sql = str(compiled)
    moment = _i.c.received_at.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    assert moment is not None

    def bind(key: str, value: object) -> object:
        return moment(value) if key in {"received_at", "claimed_until"} else value

    def insert_one(values: dict[str, object]) -> bool:
        connection = engine.raw_connection()
        try:
            cursor = connection.driver_connection.execute(sql, [bind(k, values[k]) for k in order])  # type: ignore[union-attr]
            return bool(cursor.rowcount)
        finally:
            connection.close()

    return insert_one


_MARK = (
    sa.update(_i).where(_i.c.update_id == sa.bindparam("id"), _i.c.done_at.is_(None)).values(done_at=sa.bindparam("at"))
)


def _sqlite_marker(engine: Engine) -> Callable[[list[int], datetime], None]:
    """The done marks on SQLite, one transaction on the driver's connection: every update the
    webhook takes is marked, and through SQLAlchemy a batch of marks (a transaction, an IN list
    built afresh) cost several times SQLite's own work. The same guarded UPDATE per update, so
    the outcome is that of ``mark_done``'s statement elsewhere."""
    compiled = _MARK.compile(dialect=engine.dialect)
    order = list(compiled.positiontup or [])
    assert sorted(order) == ["at", "id"], order
    sql = str(compiled)
    moment = _i.c.done_at.type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    assert moment is not None

    at_first = order[0] == "at"

    def mark(update_ids: list[int], now: datetime) -> None:
        at = moment(now)
        rows = [(at, update_id) if at_first else (update_id, at) for update_id in update_ids]
        connection = engine.raw_connection()
        try:
            driver = connection.driver_connection
            driver.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            driver.executemany(sql, rows)  # type: ignore[union-attr]
            driver.execute("COMMIT")  # type: ignore[union-attr]
        finally:
            connection.close()  # the pool's reset rolls back what a failure left open

    return mark
