"""The background jobs, kept thin: each one calls a use case and schedules what comes next.

Jobs are registered on a Huey instance by ``register_jobs`` (never at import time), identically in
every process that enqueues or runs them, so that one queue can be shared by any number of
workers on any machines.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.exceptions import RateLimitExceeded, TaskLockedException

from tgexchange.bootstrap import Container
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.lookup import get_submission
from tgexchange.services.notifications import deliver_notices, prune_delivered
from tgexchange.services.ports import Clock
from tgexchange.services.sweep import sweep
from tgexchange.services.verification import verify_submission
from tgexchange.worker.locks import ExpiringLock
from tgexchange.worker.operations import OperationsJobs, register_operations_jobs
from tgexchange.worker.ops_counters import PASS_ERRORS, PASSES
from tgexchange.worker.pacing import VerificationPacer
from tgexchange.worker.rate_limits import SharedRateLimit
from tgexchange.worker.reciprocity import register_reciprocity_jobs
from tgexchange.worker.rings import register_ring_jobs

log = structlog.get_logger("tgexchange.worker")

SWEEP_LOCK_TTL_S = 300
SWEEP_RETRY_S = 5.0
SWEEP_NOW_ATTEMPTS = int(SWEEP_LOCK_TTL_S / SWEEP_RETRY_S) + 2  # outlasts a dead worker's lock
LOCKED_RETRY_S = 5.0
JOB_RETRIES = 5
JOB_RETRY_DELAY_S = 30
NOTICES_PER_RUN = 500


@dataclass
class Jobs:
    huey: Huey
    verify: TaskWrapper
    sweep: TaskWrapper  # the look-ahead one a worker runs as it starts
    sweep_every_minute: TaskWrapper
    deliver_notices: TaskWrapper
    reciprocity: TaskWrapper
    pacer: VerificationPacer
    detect_rings: TaskWrapper
    clock: Clock
    operations: OperationsJobs

    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0, after_crash: bool = False) -> None:
        """The VerificationQueue port: asks for a pass over the submission, paced (see pacing)."""
        not_before = self.clock.now() + timedelta(seconds=delay_s)
        eta = self.pacer.request(submission_id, not_before=not_before, after_crash=after_crash)
        if eta is not None:
            self.verify.schedule((submission_id, eta.timestamp()), eta=_huey_time(eta))


def register_jobs(huey: Huey, container: Container, *, policy: VerificationPolicy | None = None) -> Jobs:
    policy = policy or container.settings.verification_policy()
    limits = container.settings.rate_limits()
    pacer = VerificationPacer(huey, container.clock, policy)
    jobs: Jobs

    def clock_s() -> float:
        return container.clock.now().timestamp()

    def later(job: TaskWrapper, *args: object, seconds: float) -> None:
        """Schedules by the container's clock, like every other time the jobs reason about."""
        job.schedule(args, eta=_huey_time(container.clock.now() + timedelta(seconds=seconds)))

    @huey.task(retries=JOB_RETRIES, retry_delay=JOB_RETRY_DELAY_S, name="verify_submission")
    def verify_submission_job(submission_id: int, token: float | None = None) -> dict[str, Any]:
        """One pass over a submission's waiting tasks: at most one in flight per submission (a
        lock), and each pass that will read a platform counts against that platform's rate limit,
        shared by every worker through the queue storage (over the limit, the pass moves to when
        the window reopens). ``token`` is the pass's scheduled time: a pass the pacer has since
        replaced does nothing (a job queued without one always runs)."""
        if token is not None and not pacer.is_current(submission_id, token):
            return {"superseded": 1}
        platform = _platform_if_waiting(container, pacer, submission_id, token)
        if platform is None:
            return {"verified": 0, "rejected": 0, "waiting": 0}
        count, per = limits.get(platform, (60, 60))
        try:
            lock = ExpiringLock(huey, f"verify:{submission_id}", ttl_s=container.settings.verification_lock_ttl_s)
            with lock:
                window = SharedRateLimit(huey, f"platform:{platform}", limit=count, per_s=per, now=clock_s).acquire()
                pacer.started(submission_id)
                log.info("verify_started", submission_id=submission_id, platform=platform, rate_window=window)
                uow = container.storage.uow()
                run = verify_submission(
                    uow,
                    container.comment_reader,
                    container.quality_gate,
                    submission_id=submission_id,
                    now=container.clock.now(),
                    policy=policy,
                )
        except RateLimitExceeded as limited:
            # Over the platform's shared budget: this pass moves to when the window reopens, and
            # takes the place of any other scheduled for this submission.
            until = pacer.defer(submission_id, until=container.clock.now() + timedelta(seconds=max(limited.delay, 0.1)))
            verify_submission_job.schedule((submission_id, until.timestamp()), eta=_huey_time(until))
            return {"deferred": 1}
        except TaskLockedException:
            # Another worker is on this submission right now; its pass may predate our task.
            later(verify_submission_job, submission_id, token, seconds=LOCKED_RETRY_S)
            return {"deferred": 1}
        deliver_now(container, uow.take_notices())
        if run.fetched or run.error is not None:  # what the watchdog's error rate counts
            operations.counters.add(PASSES)
            if run.error is not None:
                operations.counters.add(PASS_ERRORS)
        if run.retry_in is not None:
            jobs.enqueue_verification(submission_id, delay_s=run.retry_in.total_seconds())
        log.info(
            "verify_finished",
            submission_id=submission_id,
            verified=run.verified,
            rejected=run.rejected,
            waiting=run.waiting,
            fetched=run.fetched,
            paused=run.paused,
            error=run.error,
        )
        return {"verified": run.verified, "rejected": run.rejected, "waiting": run.waiting}

    def enqueue(submission_id: int, *, after_crash: bool = False) -> None:  # ``jobs`` exists once the sweeps do
        jobs.enqueue_verification(submission_id, after_crash=after_crash)

    @huey.periodic_task(crontab(minute="*"), name="deliver_notices")
    def deliver_notices_job() -> dict[str, int]:
        """Every minute: notices their deciding process could not deliver (it crashed, Telegram
        was down) once due, then closed ones older than a week are pruned."""
        now = container.clock.now()
        delivery = deliver_notices(container.storage.outbox, container.notifier, now=now, limit=NOTICES_PER_RUN)
        pruned = prune_delivered(container.storage.outbox, now=now)
        if delivery.sent or delivery.retrying or delivery.failed or delivery.unreachable:
            log.info("notices_delivered", pruned=pruned, **vars(delivery))
        return {**vars(delivery), "pruned": pruned}

    sweep_now_job, sweep_job = _register_sweeps(huey, container, policy, enqueue=enqueue)
    operations = register_operations_jobs(huey, container)
    jobs = Jobs(
        huey=huey,
        verify=verify_submission_job,
        sweep=sweep_now_job,
        sweep_every_minute=sweep_job,
        deliver_notices=deliver_notices_job,
        reciprocity=register_reciprocity_jobs(huey, container),
        pacer=pacer,
        detect_rings=register_ring_jobs(huey, container),
        clock=container.clock,
        operations=operations,
    )
    return jobs


def _platform_if_waiting(
    container: Container, pacer: VerificationPacer, submission_id: int, token: float | None
) -> str | None:
    """The submission's platform when a task of it waits for verification, else None. Finding
    nothing, the pass releases its mark before counting again: left in place, the mark would make
    a Done committed from now on trust a pass that is over and wait minutes for the sweeper;
    a Done committed in between is seen by the second count or queues its own pass."""
    with container.storage.uow() as uow:
        platform = get_submission(uow, submission_id).platform.value
        waiting = uow.tasks.count_waiting_for_verification(submission_id)
    if waiting:
        return platform
    pacer.release(submission_id, token)
    with container.storage.uow() as uow:
        waiting = uow.tasks.count_waiting_for_verification(submission_id)
    return platform if waiting else None


def deliver_now(container: Container, notice_ids: list[int]) -> None:
    """Delivers the notices a job's use case just committed; what fails waits in the outbox."""
    if notice_ids:
        deliver_notices(container.storage.outbox, container.notifier, now=container.clock.now(), ids=notice_ids)


def _register_sweeps(
    huey: Huey, container: Container, policy: VerificationPolicy, *, enqueue: Callable[..., None]
) -> tuple[TaskWrapper, TaskWrapper]:
    """The sweeps: a look-ahead one as each worker starts, and one every minute."""
    look_ahead = LookAhead(huey, container.clock)

    def run_sweep(*, after_restart: bool = False) -> dict[str, int]:
        return _unless_sweeping(huey, lambda: _sweep(after_restart=after_restart))

    def _sweep(*, after_restart: bool) -> dict[str, int]:
        uow = container.storage.uow()
        result = sweep(uow, now=container.clock.now(), policy=policy, after_restart=after_restart)
        deliver_now(container, uow.take_notices())
        for submission_id in result.to_verify:
            # After a restart, a pass the pacer has marked may have died with the crashed worker.
            enqueue(submission_id, after_crash=after_restart)
        if after_restart:
            look_ahead.done()
        log.info("swept", expired=result.expired, reviews_closed=result.reviews_closed, requeued=len(result.to_verify))
        return {"expired": result.expired, "reviews_closed": result.reviews_closed, "requeued": len(result.to_verify)}

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep_job() -> dict[str, int]:
        """Every minute: expiries, review timeouts, and re-enqueueing tasks whose job was lost."""
        return run_sweep()

    @huey.task(name="sweep_now")
    def sweep_now_job(attempt: int = 1, since: float | None = None) -> dict[str, int]:
        """Run by each worker as it starts: every task a crashed worker may have left half-done
        (its in-flight marker reaches up to ``stuck_after`` ahead) is looked at again at once.
        Finding the lock taken (by an ordinary sweep, which does not look ahead, or by a dead
        worker until it expires), it comes back shortly, unless some worker has looked ahead
        since this one began: dropped, it would leave those tasks to their 10-minute marker."""
        began = container.clock.now().timestamp() if since is None else since
        result = run_sweep(after_restart=True)
        if result.get("skipped") and attempt < SWEEP_NOW_ATTEMPTS and not look_ahead.done_since(began):
            retry_at = container.clock.now() + timedelta(seconds=SWEEP_RETRY_S)
            sweep_now_job.schedule((attempt + 1, began), eta=_huey_time(retry_at))
        return result

    @huey.on_startup(name="sweep_on_start")
    def sweep_on_start() -> None:
        if look_ahead.first_thread():  # Huey runs startup hooks in every worker thread
            sweep_now_job()

    return sweep_now_job, sweep_job


class LookAhead:
    """Bookkeeping of the look-ahead sweeps: queued once per worker process, and when one last
    finished, kept in the queue's storage so that every worker sees it."""

    KEY = "sweep:looked_ahead_at"

    def __init__(self, huey: Huey, clock: Clock) -> None:
        self._huey = huey
        self._clock = clock
        self._lock = threading.Lock()
        self._queued = False

    def first_thread(self) -> bool:
        with self._lock:
            first, self._queued = not self._queued, True
        return first

    def done(self) -> None:
        self._huey.put(self.KEY, self._clock.now().timestamp())

    def done_since(self, moment: float) -> bool:
        finished = self._huey.get(self.KEY, peek=True)
        return finished is not None and float(finished) >= moment


def _unless_sweeping(huey: Huey, sweep_once: Callable[[], dict[str, int]]) -> dict[str, int]:
    """One sweep at a time across workers. Another worker sweeping right now (workers starting
    together) is no failure: the every-minute sweep comes round again."""
    try:
        with ExpiringLock(huey, "sweep", ttl_s=SWEEP_LOCK_TTL_S):
            return sweep_once()
    except TaskLockedException:
        log.info("sweep_skipped", reason="another worker is sweeping")
        return {"skipped": 1}


def _huey_time(moment: datetime) -> datetime:
    """Huey built with utc=True keeps naive UTC times."""
    return moment.astimezone(UTC).replace(tzinfo=None)
