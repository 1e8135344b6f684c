"""Which Telegram updates were already taken on, shared by every bot process on one database."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.errors import is_unique_violation

# Telegram keeps an undelivered update for 24 hours; a week leaves room for clock skew and outages.
KEEP_FOR = timedelta(days=7)
PRUNE_EVERY = 1000
_INSERT = tables.bot_updates.insert()


class SqlUpdateLog:
    """``claim`` is one INSERT on the primary key: of two processes (or two deliveries) racing for
    the same update, exactly one wins, whatever the database."""

    def __init__(self, engine: Engine, *, keep_for: timedelta = KEEP_FOR, prune_every: int = PRUNE_EVERY) -> None:
        self._engine = engine
        self._keep_for = keep_for
        self._prune_every = prune_every
        self._claims = 0
        self._sqlite_insert = _sqlite_inserter(engine) if engine.dialect.name == "sqlite" else None

    def claim(self, update_id: int, *, now: datetime) -> bool:
        """True the first time ``update_id`` is seen, False for every later delivery. Every
        ``prune_every`` claims, rows older than ``keep_for`` are deleted."""
        if not self._insert(update_id, now):
            return False
        self._claims += 1
        if self._claims % self._prune_every == 0:
            self.prune(now=now)
        return True

    def _insert(self, update_id: int, now: datetime) -> bool:
        if self._sqlite_insert is not None:
            return self._sqlite_insert(update_id, now)
        try:
            with self._engine.begin() as connection:
                connection.execute(_INSERT, {"update_id": update_id, "received_at": now})
        except IntegrityError as error:
            if is_unique_violation(error):
                return False
            raise
        return True

    def prune(self, *, now: datetime) -> int:
        """Deletes the record of updates older than the retention; returns how many."""
        with self._engine.begin() as connection:
            result = connection.execute(
                tables.bot_updates.delete().where(tables.bot_updates.c.received_at < now - self._keep_for)
            )
        return int(result.rowcount or 0)

    def count(self) -> int:
        with self._engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(tables.bot_updates)).scalar_one())


def _sqlite_inserter(engine: Engine) -> Callable[[int, datetime], bool]:
    """The claim on SQLite, straight on the driver's connection.

    Every update the bot takes on pays for its claim, and through SQLAlchemy's execution layer
    the claim cost more than the driver's own work (bench/bot.py, docs/BENCHMARKS.md). The SQL
    and the timestamp's stored form still come from SQLAlchemy (the table, the column type), so
    they cannot drift from what ``prune`` and the migrations see. One statement in autocommit
    (the engine hands SQLite's transaction control to us) is its own transaction."""
    compiled = _INSERT.compile(dialect=engine.dialect, column_keys=["update_id", "received_at"])
    assert compiled.positiontup == ["update_id", "received_at"], compiled.positiontup
    sql = str(compiled)
    column_type = tables.bot_updates.c.received_at.type
    # The dialect's own form (SQLite keeps text: "YYYY-MM-DD HH:MM:SS.ffffff"), as SQLAlchemy
    # binds it everywhere else; the generic type would hand sqlite3 a datetime to format its way.
    received_at = column_type.dialect_impl(engine.dialect).bind_processor(engine.dialect)
    assert received_at is not None

    def insert(update_id: int, now: datetime) -> bool:
        connection = engine.raw_connection()
        try:
            connection.driver_connection.execute(sql, (update_id, received_at(now)))  # type: ignore[union-attr]
        except sqlite3.IntegrityError as error:
            if error.sqlite_errorname == "SQLITE_CONSTRAINT_PRIMARYKEY":
                return False
            raise
        finally:
            connection.close()
        return True

    return insert
