"""The outbox: notices are written with the decision they announce and delivered afterwards, so a
crash between the two, or Telegram being down, loses none."""

from __future__ import annotations

import pytest

from tests.fakes import RecordingNotifier
from tests.outcomes import record_verification_outcome
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Storage
from tgexchange.domain.events import Event
from tgexchange.domain.task import TaskStatus
from tgexchange.services.notifications import (
    DELIVERY_GRACE,
    RETRY_DELAYS,
    deliver_notices,
    prune_delivered,
    record_notices,
)
from tgexchange.services.ports import DeliveryOutcome, Notice


def outbox_rows(world: World) -> list[dict[str, object]]:
    with world.storage.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(tables.outbox.select().order_by(tables.outbox.c.id))]


def verified_task(world: World) -> tuple[int, list[int]]:
    """A task verified through the use case; its giver's id and the notices it committed."""
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner, wanted=1)
    task = world.done(world.task(giver))
    uow = world.uow()
    record_verification_outcome(uow, task_id=task.id, verified=True, now=world.now)
    return giver.id, uow.take_notices()


def test_a_decision_writes_its_notices_in_its_own_transaction(world: World) -> None:
    giver_id, ids = verified_task(world)

    rows = outbox_rows(world)
    assert [row["id"] for row in rows] == ids
    assert (rows[0]["member_id"], rows[0]["kind"]) == (giver_id, "task_verified")
    # The owner hears once: the completion says the feedback arrived.
    assert {row["kind"] for row in rows} == {"task_verified", "submission_completed"}
    assert all(row["closed_at"] is None and row["attempts"] == 0 for row in rows)
    assert all(row["next_attempt_at"] == world.now + DELIVERY_GRACE for row in rows)


def test_a_decision_that_fails_to_commit_leaves_no_notice(world: World) -> None:
    community = world.community()
    owner = world.member(community)
    giver = world.member(community)
    world.submission(owner, wanted=1)
    task = world.done(world.task(giver))

    def crash(_events: list[Event], _uow: object) -> None:
        raise RuntimeError("the database went away mid-commit")

    failing = Storage(
        engine=world.storage.engine,
        session_factory=world.storage.session_factory,
        in_transaction_handlers=[*world.storage.in_transaction_handlers, crash],
    )
    with pytest.raises(RuntimeError, match="went away"):
        record_verification_outcome(failing.uow(), task_id=task.id, verified=True, now=world.now)

    assert outbox_rows(world) == []
    assert world.reload_task(task).status is TaskStatus.SUBMITTED


def test_notices_left_by_a_crash_are_delivered_once_due(world: World) -> None:
    _, ids = verified_task(world)  # the deciding process died before delivering them
    notifier = RecordingNotifier()

    early = deliver_notices(world.storage.outbox, notifier, now=world.now)
    assert early.sent == 0  # within the grace, the deciding process may still be at it

    world.clock.advance(seconds=DELIVERY_GRACE.total_seconds())
    delivered = deliver_notices(world.storage.outbox, notifier, now=world.now)

    assert delivered.sent == len(ids) == 2
    assert all(row["outcome"] == "sent" for row in outbox_rows(world))
    assert deliver_notices(world.storage.outbox, notifier, now=world.clock.advance(hours=1)).sent == 0
    assert len(notifier.notices) == 2  # never twice


def test_a_failed_send_stays_in_the_outbox_and_is_retried_with_growing_waits(world: World) -> None:
    _, ids = verified_task(world)
    outbox = world.storage.outbox
    notifier = RecordingNotifier([DeliveryOutcome.RETRY] * 2)

    first = deliver_notices(outbox, notifier, now=world.now, ids=ids)

    assert (first.sent, first.retrying) == (0, 2)
    assert notifier.notices == []
    assert {row["next_attempt_at"] for row in outbox_rows(world)} == {world.now + RETRY_DELAYS[0]}
    assert deliver_notices(outbox, notifier, now=world.clock.advance(seconds=59)).sent == 0
    second = deliver_notices(outbox, notifier, now=world.clock.advance(seconds=1))
    assert second.sent == 2
    assert notifier.notices[0].kind == "task_verified"
    assert outbox.count_open() == 0


def test_a_notice_that_keeps_failing_is_given_up_after_the_last_wait(world: World) -> None:
    _, ids = verified_task(world)
    outbox = world.storage.outbox
    attempts = len(RETRY_DELAYS) + 1
    notifier = RecordingNotifier([DeliveryOutcome.RETRY] * (2 * attempts))

    deliver_notices(outbox, notifier, now=world.now, ids=ids)
    for delay in RETRY_DELAYS:
        deliver_notices(outbox, notifier, now=world.clock.advance(seconds=delay.total_seconds()))

    rows = outbox_rows(world)
    assert [row["outcome"] for row in rows] == ["failed"] * 2
    assert [row["attempts"] for row in rows] == [attempts] * 2


def test_an_unreachable_member_is_closed_not_retried(world: World) -> None:
    _, ids = verified_task(world)
    notifier = RecordingNotifier([DeliveryOutcome.UNREACHABLE] * 2)

    delivery = deliver_notices(world.storage.outbox, notifier, now=world.now, ids=ids)

    assert delivery.unreachable == 2
    assert world.storage.outbox.count_open() == 0


def test_a_notifier_that_crashes_loses_nothing(world: World) -> None:
    _, ids = verified_task(world)

    class Broken:
        def deliver(self, notice: Notice) -> DeliveryOutcome:
            raise RuntimeError(f"renderer bug for {notice.kind}")

    delivery = deliver_notices(world.storage.outbox, Broken(), now=world.now, ids=ids)

    assert delivery.retrying == 2
    assert all("renderer bug" in str(row["last_error"]) for row in outbox_rows(world))
    recovered = deliver_notices(world.storage.outbox, RecordingNotifier(), now=world.clock.advance(minutes=1))
    assert recovered.sent == 2


def test_the_actor_is_not_told_what_their_answer_already_says(world: World) -> None:
    giver_id, ids = verified_task(world)
    notifier = RecordingNotifier()

    delivery = deliver_notices(world.storage.outbox, notifier, now=world.now, ids=ids, actor_member_id=giver_id)

    assert delivery.skipped == 1
    assert {n.kind for n in notifier.notices} == {"submission_completed"}


def test_a_notice_held_by_one_sender_is_not_taken_by_another_until_it_lets_go(world: World) -> None:
    _, ids = verified_task(world)
    outbox = world.storage.outbox
    later = world.now + DELIVERY_GRACE

    held = outbox.claim(now=world.now, hold_until=world.now + RETRY_DELAYS[1], ids=ids)
    assert [p.id for p in held] == ids
    assert outbox.claim(now=later, hold_until=later, ids=ids) == []  # a second sender gets nothing
    assert outbox.claim(now=later, hold_until=later) == []

    after_hold = world.clock.advance(seconds=RETRY_DELAYS[1].total_seconds() + 1)
    again = outbox.claim(now=after_hold, hold_until=after_hold)  # the first sender crashed
    assert [p.attempts for p in again] == [2, 2]


def test_delivered_notices_are_pruned_after_a_week(world: World) -> None:
    _, ids = verified_task(world)
    deliver_notices(world.storage.outbox, RecordingNotifier(), now=world.now, ids=ids)

    assert prune_delivered(world.storage.outbox, now=world.clock.advance(days=6)) == 0
    assert prune_delivered(world.storage.outbox, now=world.clock.advance(days=2)) == 2
    assert outbox_rows(world) == []


def test_the_simulator_storage_writes_no_notices(world: World) -> None:
    quiet = world.storage.without_notices()
    assert record_notices not in quiet.in_transaction_handlers
    assert record_notices in world.storage.in_transaction_handlers
