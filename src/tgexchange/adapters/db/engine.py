"""Engines: SQLite in WAL mode with serialized writers, or PostgreSQL."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from tgexchange.adapters.db.checkpoints import BACKSTOP_PAGES, WalCheckpointer

SQLITE_BUSY_TIMEOUT_MS = 30_000
# ``sqlite_begin`` for work that is one statement: SQLite makes the statement its own transaction,
# which saves the BEGIN and COMMIT round trips.
SINGLE_STATEMENT = "SINGLE_STATEMENT"
_BEGIN = {mode: f"BEGIN {mode}" for mode in ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")}
_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, WalCheckpointer] = weakref.WeakKeyDictionary()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str,
    *,
    echo: bool = False,
    pool_size: int = 5,
    throwaway: bool = False,
    background_checkpoints: bool = False,
) -> Engine:
    """An engine for ``url``. SQLite files get WAL, a busy timeout and ``BEGIN IMMEDIATE`` so that
    two writers queue instead of failing on lock upgrade; the parent folder is created.
    ``throwaway``: a SQLite file nobody keeps (the simulator's own), written without waiting for
    the disk (``synchronous=OFF``): a crash may corrupt it, and it is made again on the next run.
    ``background_checkpoints``: a SQLite file's WAL is checkpointed by a thread of its own, not by
    the commits (checkpoints.py), until ``stop_checkpoints``; ignored for other databases."""
    if is_sqlite(url):
        database = make_url(url).database
        background = background_checkpoints and bool(database) and database != ":memory:"
        engine = _sqlite_engine(
            url, echo=echo, synchronous="OFF" if throwaway else "NORMAL", autocheckpoint=not background
        )
        if background and database:
            checkpointer = _CHECKPOINTERS[engine] = WalCheckpointer(database, engine)
            checkpointer.start()
        return engine
    return sa.create_engine(url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def checkpointer_of(engine: Engine) -> WalCheckpointer | None:
    return _CHECKPOINTERS.get(engine)


def stop_checkpoints(engine: Engine) -> None:
    """Stops the engine's checkpoint thread, if it has one, after a last checkpoint."""
    checkpointer = _CHECKPOINTERS.pop(engine, None)
    if checkpointer is not None:
        checkpointer.stop()


def _sqlite_engine(url: str, *, echo: bool, synchronous: str, autocheckpoint: bool) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so BEGIN can be IMMEDIATE (SQLAlchemy recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if not autocheckpoint:
            cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        if mode != SINGLE_STATEMENT:
            # Straight on the driver: every unit of work and every snapshot read begins here, and
            # SQLAlchemy's execution layer (exec_driver_sql) cost more than SQLite's BEGIN itself.
            connection.connection.driver_connection.execute(_BEGIN[mode])  # type: ignore[union-attr]

    return engine
