"""The background jobs, kept thin: each one calls a use case and schedules what comes next.

Jobs are registered on a Huey instance by ``register_jobs`` (never at import time), identically in
every process that enqueues or runs them, so that one queue can be shared by any number of
workers on any machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from huey import Huey, crontab
from huey.api import TaskWrapper

from tgexchange.bootstrap import Container
from tgexchange.domain.verification import VerificationPolicy
from tgexchange.services.lookup import get_submission
from tgexchange.services.notifications import deliver
from tgexchange.services.verification import sweep, verify_submission

log = structlog.get_logger("tgexchange.worker")

# A crashed worker's lock must not block a submission forever; a verification pass takes seconds.
VERIFY_LOCK_TTL_S = 600
JOB_RETRIES = 5
JOB_RETRY_DELAY_S = 30


@dataclass
class Jobs:
    huey: Huey
    verify: TaskWrapper
    sweep: TaskWrapper

    def enqueue_verification(self, submission_id: int, *, delay_s: float = 0.0) -> None:
        """The VerificationQueue port."""
        if delay_s > 0:
            self.verify.schedule((submission_id,), delay=delay_s)
        else:
            self.verify(submission_id)


def lock_ttl(huey: Huey, ttl_s: int) -> int | None:
    """``ttl_s`` where the queue's storage can expire a lock (Redis); None where it cannot (Huey's
    SQLite and PostgreSQL storages raise NotImplementedError for any TTL, so a lock taken with
    one would fail every job). Without a TTL, a lock left by a crashed process stays until
    ``flush_stale_locks`` runs: the embedded worker does that as it starts."""
    probe = f"{huey.name}.lock-ttl-probe"
    try:
        huey.storage.put_if_empty(probe, huey.serializer.serialize("1"), 1)
    except NotImplementedError:
        return None
    huey.storage.delete_data(probe)
    return ttl_s


def flush_stale_locks(huey: Huey) -> set[str]:
    """Frees every task lock in the queue. Only for a process that is alone on its queue (the
    embedded ``tgexchange run``): any lock found as it starts was left by a crash."""
    names = [key.split(".lock.", 1)[1] for key in huey.all_results() if ".lock." in key]
    return set(huey.flush_locks(*names))


def register_jobs(huey: Huey, container: Container, *, policy: VerificationPolicy | None = None) -> Jobs:
    policy = policy or VerificationPolicy()
    limits = container.settings.rate_limits()
    verify_lock_ttl = lock_ttl(huey, VERIFY_LOCK_TTL_S)
    sweep_lock_ttl = lock_ttl(huey, 300)

    @huey.task(retries=JOB_RETRIES, retry_delay=JOB_RETRY_DELAY_S, name="verify_submission")
    def verify_submission_job(submission_id: int) -> dict[str, Any]:
        """One pass over a submission's waiting tasks: at most one in flight per submission (a
        lock), and each platform read counts against that platform's shared rate limit."""
        with container.storage.uow() as uow:
            platform = get_submission(uow, submission_id).platform.value
        with huey.lock_task(f"verify:{submission_id}", ttl=verify_lock_ttl):
            count, per = limits.get(platform, (60, 60))
            with huey.rate_limit(f"platform:{platform}", count, per):
                uow = container.storage.uow()
                run = verify_submission(
                    uow,
                    container.comment_reader,
                    container.quality_gate,
                    submission_id=submission_id,
                    now=container.clock.now(),
                    policy=policy,
                )
        deliver(uow.take_events(), container.storage.uow(), container.notifier)
        if run.retry_in is not None:
            verify_submission_job.schedule((submission_id,), delay=run.retry_in.total_seconds())
        log.info(
            "verified",
            submission_id=submission_id,
            verified=run.verified,
            rejected=run.rejected,
            waiting=run.waiting,
            fetched=run.fetched,
            paused=run.paused,
            error=run.error,
        )
        return {"verified": run.verified, "rejected": run.rejected, "waiting": run.waiting}

    @huey.lock_task("sweep", ttl=sweep_lock_ttl)
    def run_sweep(*, after_restart: bool = False) -> dict[str, int]:
        uow = container.storage.uow()
        result = sweep(uow, now=container.clock.now(), policy=policy, after_restart=after_restart)
        deliver(uow.take_events(), container.storage.uow(), container.notifier)
        for submission_id in result.to_verify:
            verify_submission_job(submission_id)
        log.info("swept", expired=result.expired, reviews_closed=result.reviews_closed, requeued=len(result.to_verify))
        return {"expired": result.expired, "reviews_closed": result.reviews_closed, "requeued": len(result.to_verify)}

    @huey.periodic_task(crontab(minute="*"), name="sweep")
    def sweep_job() -> dict[str, int]:
        """Every minute: expiries, review timeouts, and re-enqueueing tasks whose job was lost."""
        return run_sweep()

    @huey.task(name="sweep_now")
    def sweep_now_job() -> dict[str, int]:
        """Run by each worker as it starts: every task a crashed worker may have left half-done
        (its in-flight marker reaches up to ``stuck_after`` ahead) is looked at again at once."""
        return run_sweep(after_restart=True)

    @huey.on_startup(name="sweep_on_start")
    def sweep_on_start() -> None:
        sweep_now_job()

    return Jobs(huey=huey, verify=verify_submission_job, sweep=sweep_now_job)
