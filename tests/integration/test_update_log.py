"""The record of Telegram updates taken on: one claim per update_id, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from threading import Barrier, Thread

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
