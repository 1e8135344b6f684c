"""The webhook's inbox on both databases: stored once, leased, taken again when a lease runs out,
never by two processes at once, done rows pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from threading import Barrier, Thread

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
