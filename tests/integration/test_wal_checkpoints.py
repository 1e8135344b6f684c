"""A SQLite file whose WAL is checkpointed by a thread (adapters/db/checkpoints.py): the engine's
commits never checkpoint, the thread does, and it stops with the storage or its engine."""

from __future__ import annotations

import gc
import time
from pathlib import Path

import sqlalchemy as sa

from tgexchange.adapters.db.checkpoints import BACKSTOP_PAGES, WalCheckpointer
from tgexchange.adapters.db.engine import checkpointer_of, make_engine, stop_checkpoints
from tgexchange.bootstrap import build_storage


def wal_pages(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def write_rows(engine: sa.Engine, rows: int) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    for _ in range(rows):
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO t VALUES (?)", ("x" * 3000,))


def database_pages(path: Path) -> int:
    """Pages in the database file itself: a page reaches it only when a checkpoint copies it."""
    return path.stat().st_size // 4096


def test_commits_leave_checkpoints_to_the_thread_which_takes_them(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    engine = make_engine(f"sqlite:///{path}", background_checkpoints=True)
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
    stop_checkpoints(engine)  # nobody checkpoints now: the WAL only grows
    write_rows(engine, 1500)
    assert wal_pages(path) > 1000  # past the threshold where a commit would have checkpointed
    assert database_pages(path) < 100

    checkpointer = WalCheckpointer(str(path), engine, every_s=0.05)  # as make_engine starts it
    checkpointer.start()
    deadline = time.monotonic() + 10
    while (database_pages(path) < 1000 or checkpointer.taken < 1) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert database_pages(path) > 1000
    assert checkpointer.taken >= 1
    checkpointer.stop()
    assert not checkpointer._thread.is_alive()
    engine.dispose()


def test_an_engine_without_the_option_checkpoints_on_commit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    assert checkpointer_of(engine) is None
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    engine.dispose()


def test_the_thread_stops_with_the_storage_or_when_its_engine_is_gone(tmp_path: Path) -> None:
    storage = build_storage(f"sqlite:///{tmp_path / 'a.sqlite'}", background_checkpoints=True)
    checkpointer = checkpointer_of(storage.engine)
    assert checkpointer is not None
    storage.dispose()
    assert not checkpointer._thread.is_alive()

    engine = make_engine(f"sqlite:///{tmp_path / 'b.sqlite'}", background_checkpoints=True)
    checkpointer = checkpointer_of(engine)
    assert checkpointer is not None
    engine.dispose()
    del engine
    gc.collect()
    checkpointer._thread.join(timeout=5)
    assert not checkpointer._thread.is_alive()
