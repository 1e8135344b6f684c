"""The webhook's inbox on both databases: stored once, leased, taken again when a lease runs out,
never by two processes at once, done rows pruned."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from threading import Barrier, Thread

import pytest
import sqlalchemy as sa

from tgexchange.adapters.db.inbox import InboxUpdate, SqlWebhookInbox
from tgexchange.bootstrap import Storage

T = datetime(2026, 3, 2, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def test_an_update_is_stored_once_and_a_redelivery_changes_nothing(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine)
    assert inbox.accept(42, '{"update_id": 42}', now=T, lease_until=T + LEASE)
    assert not inbox.accept(42, '{"update_id": 42, "other": 1}', now=T + LEASE * 3, lease_until=T + LEASE * 4)
    # The redelivery neither extended the lease nor replaced the body.
    assert inbox.take_expired(now=T + LEASE * 2, lease_until=T + LEASE * 3) == [InboxUpdate(42, '{"update_id": 42}', 2)]


def test_a_leased_update_is_not_taken_until_its_lease_runs_out(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine)
    inbox.accept(1, "{}", now=T, lease_until=T + LEASE)
    assert inbox.take_expired(now=T + LEASE - timedelta(seconds=1), lease_until=T + LEASE * 2) == []
    inbox.renew([1], lease_until=T + LEASE * 2)
    assert inbox.take_expired(now=T + LEASE + timedelta(seconds=1), lease_until=T + LEASE * 3) == []
    taken = inbox.take_expired(now=T + LEASE * 2 + timedelta(seconds=1), lease_until=T + LEASE * 4)
    assert [u.update_id for u in taken] == [1]
    # Taken means leased again: a second pass right after finds nothing.
    assert inbox.take_expired(now=T + LEASE * 2 + timedelta(seconds=2), lease_until=T + LEASE * 4) == []


def test_a_done_update_is_never_taken_again_and_is_pruned_after_a_week(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine, keep_for=timedelta(days=7), prune_every=3)
    inbox.accept(1, "{}", now=T, lease_until=T + LEASE)
    inbox.accept(2, "{}", now=T, lease_until=T + LEASE)
    inbox.mark_done([1], now=T)
    assert inbox.pending() == [2]
    assert [u.update_id for u in inbox.take_expired(now=T + LEASE * 2, lease_until=T + LEASE * 3)] == [2]
    inbox.mark_done([2], now=T + timedelta(days=6))
    inbox.accept(3, "{}", now=T + timedelta(days=8), lease_until=T + timedelta(days=8) + LEASE)  # prunes
    assert inbox.count() == 2  # 1 was done more than a week before; 2 is kept, 3 is new
    assert inbox.pending() == [3]


def test_two_processes_taking_expired_updates_never_take_the_same_one(storage: Storage) -> None:
    inboxes = [SqlWebhookInbox(storage.engine), SqlWebhookInbox(storage.engine)]
    for update_id in range(40):
        inboxes[0].accept(update_id, "{}", now=T, lease_until=T + LEASE)
    barrier = Barrier(len(inboxes))
    taken: list[list[int]] = []

    def take(inbox: SqlWebhookInbox) -> None:
        barrier.wait()
        mine: list[int] = []
        while found := inbox.take_expired(now=T + LEASE * 2, lease_until=T + LEASE * 3, limit=5):
            mine += [u.update_id for u in found]
        taken.append(mine)

    threads = [Thread(target=take, args=(inbox,)) for inbox in inboxes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = [update_id for mine in taken for update_id in mine]
    assert sorted(everything) == list(range(40))  # each once, none twice


def test_a_stored_time_reads_back_as_every_other_timestamp(storage: Storage) -> None:
    # On SQLite the insert bypasses SQLAlchemy's execution layer; its times must still compare
    # with the times SQLAlchemy binds (take_expired, prune).
    inbox = SqlWebhookInbox(storage.engine)
    inbox.accept(5, "{}", now=T, lease_until=T + timedelta(microseconds=123))
    assert inbox.take_expired(now=T + timedelta(microseconds=123), lease_until=T + LEASE) == []
    assert len(inbox.take_expired(now=T + timedelta(microseconds=124), lease_until=T + LEASE)) == 1


def test_updates_arriving_together_are_stored_together_each_once(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine)
    assert inbox.accept(7, '{"update_id": 7}', now=T, lease_until=T + LEASE)

    stored = inbox.accept_many(
        [(8, '{"update_id": 8}'), (7, "again"), (9, '{"update_id": 9}'), (8, "twice in one batch")],
        now=T,
        lease_until=T + LEASE,
    )

    assert stored == [True, False, True, False]
    assert inbox.pending() == [7, 8, 9]
    taken = inbox.take_expired(now=T + LEASE * 2, lease_until=T + LEASE * 3)
    assert [(u.update_id, u.body) for u in taken] == [(7, '{"update_id": 7}'), (8, '{"update_id": 8}'),
                                                      (9, '{"update_id": 9}')]  # fmt: skip


def test_updates_stored_together_fail_together(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine)
    # The second one has no body: refused by the database (through the driver on SQLite).
    with pytest.raises((sa.exc.IntegrityError, sqlite3.IntegrityError)):
        inbox.accept_many([(1, "{}"), (2, None), (3, "{}")], now=T, lease_until=T + LEASE)  # type: ignore[list-item]
    # Nothing of the batch is kept, so none of its updates may be (or was) acknowledged.
    assert inbox.pending() == []
    assert inbox.accept_many([(1, "{}"), (3, "{}")], now=T, lease_until=T + LEASE) == [True, True]


def test_updates_stored_together_count_towards_pruning(storage: Storage) -> None:
    inbox = SqlWebhookInbox(storage.engine, keep_for=timedelta(days=7), prune_every=3)
    inbox.accept_many([(1, "{}"), (2, "{}")], now=T, lease_until=T + LEASE)
    inbox.mark_done([1, 2], now=T)
    later = T + timedelta(days=8)
    inbox.accept_many([(3, "{}"), (4, "{}")], now=later, lease_until=later + LEASE)  # the 3rd: prunes
    assert inbox.count() == 2
    assert inbox.pending() == [3, 4]
