"""The record of Telegram updates taken on: one claim per update_id, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from threading import Barrier, Thread

import sqlalchemy as sa

from tgexchange.adapters.db import tables
from tgexchange.adapters.db.updates import SqlUpdateLog
from tgexchange.bootstrap import Storage

T = datetime(2026, 3, 2, tzinfo=UTC)


def test_an_update_is_claimed_once(storage: Storage) -> None:
    log = SqlUpdateLog(storage.engine)
    assert log.claim(42, now=T)
    assert not log.claim(42, now=T + timedelta(seconds=5))
    assert log.claim(43, now=T)


def test_two_processes_racing_for_one_update_get_one_claim(storage: Storage) -> None:
    logs = [SqlUpdateLog(storage.engine), SqlUpdateLog(storage.engine)]
    barrier = Barrier(len(logs))
    won: list[bool] = []

    def race(log: SqlUpdateLog) -> None:
        barrier.wait()
        won.append(log.claim(7, now=T))

    threads = [Thread(target=race, args=(log,)) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]


def test_old_claims_are_pruned_and_recent_ones_kept(storage: Storage) -> None:
    log = SqlUpdateLog(storage.engine, keep_for=timedelta(days=7), prune_every=3)
    log.claim(1, now=T)
    log.claim(2, now=T + timedelta(days=6))
    log.claim(3, now=T + timedelta(days=8))  # the third claim prunes what is older than a week
    assert log.count() == 2
    assert not log.claim(2, now=T + timedelta(days=8))


def test_a_claim_stores_its_time_as_every_other_timestamp_is_stored(storage: Storage) -> None:
    # On SQLite the claim bypasses SQLAlchemy's execution layer; the time must still read back
    # exactly, and compare with times SQLAlchemy binds (pruning does).
    log = SqlUpdateLog(storage.engine)
    moment = T + timedelta(microseconds=123)
    log.claim(5, now=moment)
    log.claim(6, now=T + timedelta(days=1))
    with storage.engine.connect() as connection:
        stored = connection.execute(sa.select(tables.bot_updates.c.received_at).order_by("update_id")).scalars().all()
        older = (
            connection.execute(
                sa.select(tables.bot_updates.c.update_id).where(
                    tables.bot_updates.c.received_at < T + timedelta(hours=1)
                )
            )
            .scalars()
            .all()
        )
    assert stored == [moment, T + timedelta(days=1)]
    assert older == [5]


def test_a_claim_on_a_whole_second_is_stored_as_sqlalchemy_stores_it(sqlite_storage: Storage) -> None:
    # sqlite3's own datetime adapter drops ".000000" on whole seconds: text comparison (pruning)
    # would then differ from a time SQLAlchemy bound.
    log = SqlUpdateLog(sqlite_storage.engine, keep_for=timedelta(days=7))
    log.claim(1, now=T)
    with sqlite_storage.engine.begin() as connection:
        connection.execute(tables.bot_updates.insert(), {"update_id": 2, "received_at": T})
        stored = connection.exec_driver_sql("SELECT received_at FROM bot_updates ORDER BY update_id").scalars().all()
    assert stored[0] == stored[1] == "2026-03-02 00:00:00.000000"
    assert log.prune(now=T + timedelta(days=7)) == 0  # exactly a week old: kept
