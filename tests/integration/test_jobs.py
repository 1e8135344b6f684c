"""The background jobs on an in-memory Huey queue, run step by step on a fake clock against a
real SQLite database: the thin job layer around the verification use cases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from huey import MemoryHuey
from huey.exceptions import RateLimitExceeded

from tests.fakes import FakeClock, FakeQualityGate, RecordingNotifier
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.domain.task import Task, TaskStatus
from tgexchange.services.ports import DeliveryOutcome
from tgexchange.worker.breaker_store import HueyBreakerStore
from tgexchange.worker.jobs import Jobs, LookAhead, register_jobs
from tgexchange.worker.locks import ExpiringLock
from tgexchange.worker.rate_limits import SharedRateLimit

GOOD = "The pacing of the intro is great but the audio drops at the end, please normalise it next time"


@pytest.fixture
def clock() -> FakeClock:
    # The jobs schedule and count rate-limit windows by this clock; start on a whole hour.
    return FakeClock(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))


def run_due(jobs: Jobs, clock: FakeClock, *, minutes: float = 0) -> int:
    """Advances the fake clock in 10-second steps for ``minutes``, executing every job that is
    due; returns how many ran."""
    ran = 0
    end = clock.now() + timedelta(minutes=minutes)
    while True:
        now = clock.now().astimezone(UTC).replace(tzinfo=None)
        for task in jobs.huey.read_schedule(now):
            jobs.huey.enqueue(task)
        while (task := jobs.huey.dequeue()) is not None:
            if jobs.huey.ready_to_run(task, now):
                jobs.huey.execute(task, now)
                ran += 1
            else:
                jobs.huey.add_schedule(task)
        if clock.now() >= end:
            return ran
        clock.advance(seconds=10)


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def jobs(world: World, notifier: RecordingNotifier) -> Jobs:
    container = Container(
        settings=settings_of(PLATFORM_RATE_LIMITS="youtube=2/3600"),
        storage=world.storage,
        clock=world.clock,
        _readers=(world.platform, world.platform),
        _quality_gate=FakeQualityGate(),
        _notifier=notifier,
    )
    return register_jobs(MemoryHuey(utc=True), container)


def test_the_verification_job_verifies_and_tells_both_members(
    world: World, jobs: Jobs, notifier: RecordingNotifier
) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    world.comment(giver, submission, GOOD)
    world.done(task)

    jobs.enqueue_verification(submission.id)
    assert run_due(jobs, world.clock) == 0  # paced: members finishing together share a pass
    run_due(jobs, world.clock, minutes=2)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED
    assert notifier.kinds_for(giver.id) == ["task_verified"]
    assert notifier.kinds_for(owner.id) == ["feedback_received"]


def test_notices_a_job_could_not_deliver_are_delivered_by_the_periodic_job(
    world: World, jobs: Jobs, notifier: RecordingNotifier
) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    world.comment(giver, submission, GOOD)
    world.done(task)
    notifier.outcomes = [DeliveryOutcome.RETRY, DeliveryOutcome.RETRY]  # Telegram is down

    jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=2)
    assert world.task_row(task.id).status is TaskStatus.VERIFIED
    assert notifier.notices == []
    assert jobs.huey.execute(jobs.deliver_notices.s())["sent"] == 0  # not due again yet

    world.clock.advance(minutes=1)
    delivered = jobs.huey.execute(jobs.deliver_notices.s())

    assert delivered["sent"] == 2
    assert notifier.kinds_for(giver.id) == ["task_verified"]
    assert notifier.kinds_for(owner.id) == ["feedback_received"]
    assert world.storage.outbox.count_open() == 0


def test_a_job_for_a_submission_with_nothing_waiting_reads_no_platform(world: World, jobs: Jobs) -> None:
    community = world.community()
    submission = world.submission(world.member(community))
    world.platform.calls.clear()

    jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=2)

    assert world.platform.calls == []


def test_a_comment_not_there_yet_schedules_another_look(world: World, jobs: Jobs) -> None:
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    world.done(task)

    jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=2)

    assert world.task_row(task.id).status is TaskStatus.VERIFYING
    assert len(jobs.huey.scheduled()) == 1
    world.comment(giver, submission, GOOD)
    run_due(jobs, world.clock, minutes=11)  # passes over one submission are paced 10 minutes apart
    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_the_shared_platform_rate_limit_defers_passes_over_the_limit(world: World, jobs: Jobs) -> None:
    community = world.community(max_open_tasks_per_member=5)
    giver = world.member(community)
    submissions = [world.submission(world.member(community)) for _ in range(3)]
    for _ in submissions:
        world.done(world.task(giver))
    world.platform.calls.clear()

    for submission in submissions:
        jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=2)

    # youtube=2/3600: the third pass within the hour is deferred, not run and not lost.
    read = {content_id for _, content_id in world.platform.calls}
    assert len(read) == 2
    [deferred] = [s for s in submissions if s.content_id not in read]
    assert deferred.id in [task.args[0] for task in jobs.huey.scheduled()]


def test_a_long_rate_limit_keeps_one_pass_per_submission_and_serves_every_one(world: World, jobs: Jobs) -> None:
    community = world.community(max_open_tasks_per_member=5)
    giver = world.member(community)
    submissions = [world.submission(world.member(community)) for _ in range(3)]
    tasks = []
    for n, submission in enumerate(submissions):
        tasks.append(world.task(giver))
        world.comment(giver, submission, f"{GOOD} (video {n}: the thumbnail text is too small)")
        world.done(tasks[-1])
        jobs.enqueue_verification(submission.id)
    world.platform.calls.clear()

    most_scheduled = 0
    for _ in range(3 * 60):  # three hours of youtube=2/3600, with the every-minute sweep
        jobs.sweep_every_minute()
        run_due(jobs, world.clock, minutes=1)
        scheduled = Counter(task.args[0] for task in jobs.huey.scheduled() if task.name == "verify_submission")
        most_scheduled = max([most_scheduled, *scheduled.values()])

    # Deferred passes and the sweeper's requests did not pile up (one pass per submission, and a
    # sweep request at most in flight beside it), the budget held, and every submission was served.
    assert most_scheduled <= 2
    assert len(world.platform.calls) <= 2 * 3
    assert [world.task_row(t.id).status for t in tasks] == [TaskStatus.VERIFIED] * 3, (
        world.platform.calls,
        most_scheduled,
    )


def done_with_its_job_lost(world: World) -> Task:
    """A task marked done with a good comment in place, whose verification job never ran (lost,
    or died with its worker)."""
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    world.comment(giver, submission, GOOD)
    return world.done(task)


def test_the_sweeper_job_requeues_what_a_lost_job_left_behind(world: World, jobs: Jobs) -> None:
    task = done_with_its_job_lost(world)

    world.clock.advance(minutes=13)
    jobs.sweep()
    run_due(jobs, world.clock, minutes=2)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_breaker_state_is_shared_through_the_queue_storage() -> None:
    huey = MemoryHuey(utc=True)
    first, second = HueyBreakerStore(huey), HueyBreakerStore(huey)

    first.put("youtube", {"state": "open", "failures": 5})

    assert second.get("youtube") == {"state": "open", "failures": 5}
    assert second.get("tiktok") is None


def test_members_finishing_close_together_share_one_fetch(world: World, jobs: Jobs) -> None:
    community = world.community(welcome_credits=40)
    owner = world.member(community)
    givers = [world.member(community) for _ in range(4)]
    submission = world.submission(owner, wanted=4)
    world.platform.calls.clear()
    for index, giver in enumerate(givers):
        task = world.task(giver)
        world.comment(giver, submission, f"{GOOD} and point {index} about the colours")
        world.done(task)
        jobs.enqueue_verification(submission.id)
        run_due(jobs, world.clock, minutes=0.25)

    run_due(jobs, world.clock, minutes=10)

    with world.uow() as uow:
        verified = uow.tasks.list_for_submission(submission.id, statuses=frozenset({TaskStatus.VERIFIED}))
    assert len(verified) == 4
    assert [c for c in world.platform.calls if c[0] == "read_comments"] == [("read_comments", submission.content_id)]


def test_the_shared_rate_limit_counts_each_window_separately() -> None:
    moments = iter([100.0, 100.5, 101.0, 102.0, 103.9, 104.0])
    limit = SharedRateLimit(MemoryHuey(utc=True), "platform:youtube", limit=2, per_s=2, now=lambda: next(moments))

    limit.acquire()
    limit.acquire()
    with pytest.raises(RateLimitExceeded) as refused:
        limit.acquire()  # third call in the window [100, 102)
    assert refused.value.delay == pytest.approx(1.0)
    limit.acquire()
    limit.acquire()  # window [102, 104) holds two
    limit.acquire()  # a new window starts at 104


def test_a_pass_that_found_nothing_does_not_hold_back_the_next_done(world: World, jobs: Jobs) -> None:
    # A pass queued for a submission ran when nothing waited. Its mark must go with it: a Done
    # right after trusted the mark, queued nothing, and waited for the sweeper's 10-minute marker
    # (the fault test with killed processes caught this on 2026-12-04).
    community = world.community()
    owner, giver = world.member(community), world.member(community)
    submission = world.submission(owner)
    task = world.task(giver)
    jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=2.5)  # the (debounced) pass runs: nothing is done yet

    world.comment(giver, submission, GOOD)
    world.done(task)
    jobs.enqueue_verification(submission.id)
    run_due(jobs, world.clock, minutes=3)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_a_startup_sweep_that_finds_the_lock_taken_comes_back_for_the_half_done_tasks(world: World, jobs: Jobs) -> None:
    # A worker starting after a crash looks ahead for tasks left in flight; if an ordinary sweep
    # (which does not look ahead) or a dead worker holds the lock, it must not simply give up: the
    # tasks would wait for their 10-minute marker. A CI run caught exactly that.
    task = done_with_its_job_lost(world)

    with ExpiringLock(jobs.huey, "sweep", ttl_s=60):
        skipped = jobs.sweep()
        run_due(jobs, world.clock)
    assert skipped.get() == {"skipped": 1}
    assert world.task_row(task.id).status is not TaskStatus.VERIFIED

    run_due(jobs, world.clock, minutes=3)  # the retry 5 s later, then the (debounced) verification

    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_a_startup_sweep_queues_again_a_pass_whose_job_died_with_a_worker(world: World, jobs: Jobs) -> None:
    # The pacer marked a pass and its job was taken by a worker that was killed before the pass
    # began (or a process died between the mark and the job): trusting the mark, the restarted
    # worker's look-ahead queued nothing and the task waited minutes for the sweeper (the fault
    # test caught it).
    task = done_with_its_job_lost(world)
    jobs.enqueue_verification(task.submission_id)
    world.clock.advance(minutes=2)
    taken = jobs.huey.dequeue()  # by the worker that is killed before the pass begins
    assert taken is not None
    assert taken.name == "verify_submission"

    jobs.sweep()
    run_due(jobs, world.clock, minutes=3)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED


def test_an_ask_after_a_crash_beside_a_live_pass_still_fetches_once(world: World, jobs: Jobs) -> None:
    # The pass marked ahead is alive after all: its job and the one queued after the crash carry
    # the same token, and whichever runs second finds the pass served.
    task = done_with_its_job_lost(world)
    world.platform.calls.clear()
    jobs.enqueue_verification(task.submission_id)
    jobs.enqueue_verification(task.submission_id, after_crash=True)
    assert [job.name for job in jobs.huey.pending()] == ["verify_submission"] * 2

    run_due(jobs, world.clock, minutes=3)

    assert world.task_row(task.id).status is TaskStatus.VERIFIED
    assert [c[0] for c in world.platform.calls].count("read_comments") == 1


def test_a_worker_queues_one_startup_sweep_however_many_threads_it_runs(jobs: Jobs) -> None:
    # Huey runs startup hooks in every worker thread; a chain of retries per thread would poll
    # the lock for minutes after a crash, each one a job.
    for _ in range(4):
        jobs.huey._startup["sweep_on_start"]()  # what each of 4 consumer threads does

    assert [task.name for task in jobs.huey.pending()] == ["sweep_now"]


def test_a_startup_sweep_stops_retrying_once_another_worker_has_looked_ahead(world: World, jobs: Jobs) -> None:
    with ExpiringLock(jobs.huey, "sweep", ttl_s=600):  # a crashed worker's lock, for minutes
        jobs.sweep()
        run_due(jobs, world.clock)
        assert [task.name for task in jobs.huey.scheduled()] == ["sweep_now"]  # it will come back
        world.clock.advance(seconds=1)
        LookAhead(jobs.huey, world.clock).done()  # meanwhile another worker looked ahead
        run_due(jobs, world.clock, minutes=0.5)

    assert jobs.huey.scheduled() == []


def test_a_sweep_while_another_worker_sweeps_is_skipped_quietly(world: World, jobs: Jobs) -> None:
    with ExpiringLock(jobs.huey, "sweep", ttl_s=60):  # another worker's sweep in progress
        skipped = jobs.sweep()
        run_due(jobs, world.clock)
    swept = jobs.sweep()
    run_due(jobs, world.clock)

    assert skipped.get() == {"skipped": 1}  # a result, not a failed job
    assert swept.get() == {"expired": 0, "reviews_closed": 0, "requeued": 0}
