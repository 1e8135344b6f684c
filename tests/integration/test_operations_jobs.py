"""The operations jobs on an in-memory Huey queue, stepped on a fake clock over a real SQLite
database; alerts go through Apprise to a JSON receiver on loopback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from huey import MemoryHuey

from tests.fakes import FakeClock, FakeQualityGate, RecordingNotifier
from tests.integration.conftest import Receiver
from tests.integration.test_jobs import run_due
from tests.settings import settings_of
from tests.world import World
from tgexchange.adapters.alerts import AlertNotDelivered, AppriseAlerter
from tgexchange.adapters.platforms.circuit_breaker import CircuitBreaker
from tgexchange.bootstrap import Container
from tgexchange.domain.content import Platform
from tgexchange.worker.breaker_store import HueyBreakerStore
from tgexchange.worker.jobs import Jobs, register_jobs
from tgexchange.worker.operations import ALERT_RETRIES
from tgexchange.worker.ops_counters import PASS_ERRORS, PASSES, SnapshotRing

OPERATOR = 777_000_001


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


def make_jobs(world: World, notifier: RecordingNotifier, **env: str) -> Jobs:
    huey = MemoryHuey(utc=True)
    container = Container(
        settings=settings_of(OPERATOR_TELEGRAM_IDS=str(OPERATOR), **env),
        storage=world.storage,
        clock=world.clock,
        breaker_store=HueyBreakerStore(huey),
        _readers=(world.platform, world.platform),
        _quality_gate=FakeQualityGate(),
        _notifier=notifier,
    )
    return register_jobs(huey, container)


def test_apprise_delivers_an_alert_to_a_json_receiver_on_loopback(receiver: Receiver) -> None:
    AppriseAlerter().send(receiver.url, title="[tgexchange] test", body="hello")

    assert [(r["title"], r["message"]) for r in receiver.received] == [("[tgexchange] test", "hello")]


def test_an_unreachable_alert_url_raises_so_the_job_is_retried(receiver: Receiver) -> None:
    receiver.fail_next = 1
    with pytest.raises(AlertNotDelivered):
        AppriseAlerter().send(receiver.url, title="t", body="b")
    with pytest.raises(AlertNotDelivered, match="not an Apprise URL"):
        AppriseAlerter().send("nonsense://", title="t", body="b")


def test_a_platform_outage_raises_one_alert_and_later_one_recovery_notice(
    world: World, notifier: RecordingNotifier, receiver: Receiver, clock: FakeClock
) -> None:
    world.community()
    jobs = make_jobs(world, notifier, ALERT_URLS=receiver.url)
    breaker = CircuitBreaker(HueyBreakerStore(jobs.huey), clock=clock)
    jobs.operations.guard()  # as a worker starts: the chain of ticks begins
    run_due(jobs, clock, minutes=1)
    assert receiver.received == []

    for _ in range(5):
        breaker.record_failure(Platform.YOUTUBE)
    run_due(jobs, clock, minutes=10)  # twenty ticks while it is down

    assert len(receiver.received) == 1
    assert "platform_outage (platform youtube)" in str(receiver.received[0]["title"])
    assert [(n.kind, n.telegram_user_id) for n in notifier.notices] == [("anomaly_opened", OPERATOR)]

    breaker.record_success(Platform.YOUTUBE)
    run_due(jobs, clock, minutes=5)

    assert len(receiver.received) == 2
    assert "resolved" in str(receiver.received[1]["title"])
    assert [n.kind for n in notifier.notices] == ["anomaly_opened", "anomaly_cleared"]


def test_an_alert_the_receiver_refuses_is_retried_a_minute_later(
    world: World, notifier: RecordingNotifier, receiver: Receiver, clock: FakeClock
) -> None:
    world.community()
    jobs = make_jobs(world, notifier, ALERT_URLS=receiver.url)
    receiver.fail_next = 1
    for _ in range(5):
        CircuitBreaker(HueyBreakerStore(jobs.huey), clock=clock).record_failure(Platform.TIKTOK)
    jobs.operations.guard()

    run_due(jobs, clock, minutes=2)
    assert receiver.received == []  # refused once; the watchdog went on regardless (ticks ran)
    assert jobs.huey.get(f"{jobs.huey.name}.ops.watchdog.last", peek=True) == clock.now().timestamp()
    # Huey schedules a retry a minute ahead on the real clock, not the test's: run it by hand.
    (retry,) = [task for task in jobs.huey.scheduled() if task.name == "send_alert"]
    assert retry.retries == ALERT_RETRIES - 1
    assert retry.retry_delay == 60
    jobs.huey.execute(retry, retry.eta)

    assert len(receiver.received) == 1
    assert "platform_outage (platform tiktok)" in str(receiver.received[0]["title"])


def test_only_one_chain_of_ticks_survives_however_many_workers_start_one(
    world: World, notifier: RecordingNotifier, clock: FakeClock
) -> None:
    jobs = make_jobs(world, notifier)
    jobs.operations.tick.schedule((clock.now().timestamp(),), eta=clock.now().replace(tzinfo=None))
    jobs.operations.guard()
    jobs.operations.guard()

    run_due(jobs, clock, minutes=5)

    pending_ticks = [t for t in jobs.huey.scheduled() if t.name == "watchdog"]
    assert len(pending_ticks) <= 3  # superseded ones do nothing and schedule nothing
    last = jobs.huey.get(f"{jobs.huey.name}.ops.watchdog.last", peek=True)
    assert last is not None
    assert clock.now().timestamp() - float(last) <= 40  # ticking every 30 s


def test_the_error_rate_counts_what_happened_in_the_window_across_workers(world: World, clock: FakeClock) -> None:
    huey = MemoryHuey(utc=True)
    ring = SnapshotRing(huey)
    ring.push_and_diff(clock.now().timestamp(), {PASSES: 100, PASS_ERRORS: 10}, window_s=900)
    clock.advance(minutes=15)

    changed, covered = ring.push_and_diff(clock.now().timestamp(), {PASSES: 140, PASS_ERRORS: 40}, window_s=900)

    assert changed == {PASSES: 40, PASS_ERRORS: 30}
    assert covered == 900
