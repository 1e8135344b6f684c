"""The operations jobs: the watchdog (every WATCHDOG_INTERVAL_S, one tick at a time across
workers), alerts to Apprise URLs (retried, never in the watchdog's way), daily reports, and the
counters they read, kept in the queue's storage so that every worker adds to the same ones.

Huey's periodic tasks run at most once a minute, so the watchdog schedules itself: each tick
carries its scheduled time as a token, which is also kept in the queue's storage as "the next
tick"; a tick whose token is not the next one was replaced and does nothing, so however many
workers start a chain, one survives. A guard every minute (and as each worker starts) starts a
new chain when the last tick is long overdue (its worker died holding it). How late a tick runs
is how long a ready job waits in the queue: the backlog's age.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import structlog
from huey import Huey, crontab
from huey.api import TaskWrapper
from huey.exceptions import TaskLockedException

from tgexchange.adapters.alerts import AlertNotDelivered, AppriseAlerter, alert_message
from tgexchange.bootstrap import Container
from tgexchange.domain.content import Platform
from tgexchange.services import operations as operations_service
from tgexchange.services import report as report_service
from tgexchange.services import watchdog
from tgexchange.services.notifications import deliver_notices
from tgexchange.services.ports import WorkerBeat
from tgexchange.worker.locks import ExpiringLock
from tgexchange.worker.ops_counters import (
    JOB_ERRORS,
    PASS_ERRORS,
    PASSES,
    OpsCounters,
    SnapshotRing,
    count_jobs,
)

log = structlog.get_logger("tgexchange.worker.operations")

WATCHDOG_LOCK_TTL_S: Final = 120.0
ALERT_RETRIES: Final = 8
ALERT_RETRY_DELAY_S: Final = 60
BEAT_EVERY_S: Final = 10.0
# The jobs whose repeated failures the watchdog reports (their names as registered).
WATCHED_JOBS: Final = (
    "verify_submission",
    "sweep",
    "sweep_now",
    "deliver_notices",
    "deliver_notice_ids",
    "watchdog",
    "send_alert",
    "daily_reports",
)


@dataclass
class OperationsJobs:
    tick: TaskWrapper
    guard: TaskWrapper
    send_alert: TaskWrapper
    daily_reports: TaskWrapper
    deliver_ids: TaskWrapper
    probe: TaskWrapper
    counters: OpsCounters


def register_operations_jobs(huey: Huey, container: Container) -> OperationsJobs:
    settings = container.settings
    policy = settings.watchdog_policy()
    interval_s = settings.watchdog_interval_s
    counters = OpsCounters(huey)
    ring = SnapshotRing(huey)
    next_key = f"{huey.name}.ops.watchdog.next"
    last_key = f"{huey.name}.ops.watchdog.last"
    count_jobs(huey, counters)
    deliver_ids_job, daily_reports_job = _register_reports(huey, container)

    def now() -> datetime:
        return container.clock.now()

    def schedule_tick(after_s: float) -> None:
        eta = now() + timedelta(seconds=after_s)
        huey.put(next_key, eta.timestamp())
        tick_job.schedule((eta.timestamp(),), eta=_huey_time(eta))

    @huey.task(name="watchdog")
    def tick_job(token: float | None = None) -> dict[str, int]:
        """One look at everything (see services/watchdog.py), then the next tick."""
        scheduled = huey.get(next_key, peek=True)
        if token is not None and isinstance(scheduled, float) and abs(scheduled - token) > 1e-3:
            return {"superseded": 1}
        late_s = max(now().timestamp() - token, 0.0) if token is not None else None
        try:
            with ExpiringLock(huey, "watchdog", ttl_s=WATCHDOG_LOCK_TTL_S):
                result = run_watchdog(late_s)
        except TaskLockedException:
            result = {"skipped": 1}
        finally:
            if token is not None:
                schedule_tick(interval_s)
        return result

    def run_watchdog(late_s: float | None) -> dict[str, int]:
        moment = now()
        deltas, _covered = ring.push_and_diff(
            moment.timestamp(), counters.snapshot(WATCHED_JOBS), window_s=policy.error_window.total_seconds()
        )
        seen = watchdog.Observations(
            passes=deltas[PASSES],
            pass_errors=deltas[PASS_ERRORS],
            breakers=_breakers(container),
            queue_lateness_s=late_s,
            queue_depth=int(huey.pending_count()),
            job_errors={
                name.removeprefix(f"{JOB_ERRORS}."): value
                for name, value in deltas.items()
                if name.startswith(f"{JOB_ERRORS}.") and value > 0
            },
        )
        findings = watchdog.detect(container.storage.uow(), seen, policy=policy, now=moment)
        result = watchdog.watch(
            container.storage.uow(), findings, policy=policy, operators=settings.operators, now=moment
        )
        huey.put(last_key, moment.timestamp())
        _announce(result, alert_urls=settings.alert_url_list, send_alert=send_alert_job, deliver=deliver_ids_job)
        return {
            "findings": len(findings),
            "opened": len(result.opened),
            "cleared": len(result.cleared),
            "open": len(result.opened) + len(result.still_open),
        }

    send_alert_job = _register_alerts(huey, container)

    @huey.periodic_task(crontab(minute="*"), name="watchdog_guard")
    def guard_job() -> dict[str, int]:
        """Starts a chain of ticks when none is due: at the first start, or after the worker
        holding the next tick died."""
        scheduled = huey.get(next_key, peek=True)
        if isinstance(scheduled, float) and scheduled >= now().timestamp() - 3 * interval_s:
            return {"started": 0}
        schedule_tick(0.0)
        return {"started": 1}

    probe_job = _register_probe(huey)

    @huey.on_startup(name="watchdog_on_start")
    def _start_chain() -> None:
        if starting.first():
            guard_job()

    starting = _Once()
    return OperationsJobs(
        tick=tick_job,
        guard=guard_job,
        send_alert=send_alert_job,
        daily_reports=daily_reports_job,
        deliver_ids=deliver_ids_job,
        probe=probe_job,
        counters=counters,
    )


def _announce(
    result: watchdog.WatchResult, *, alert_urls: Sequence[str], send_alert: TaskWrapper, deliver: TaskWrapper
) -> None:
    """Queues what a tick has to say: its notices, and one alert per anomaly opened or cleared
    and Apprise URL (each retried on its own); logs what changed."""
    if result.notices:
        deliver(result.notices)
    for event, anomalies in (("opened", result.opened), ("cleared", result.cleared)):
        for anomaly in anomalies:
            for url in alert_urls:
                send_alert(anomaly.id, event, url)
    if result.opened or result.cleared or result.paused_communities or result.paused_everything:
        log.warning(
            "watchdog",
            opened=[f"#{a.id} {a.key} {a.severity}" for a in result.opened],
            cleared=[f"#{a.id} {a.key}" for a in result.cleared],
            paused_communities=result.paused_communities,
            paused_everything=result.paused_everything,
        )


def _register_reports(huey: Huey, container: Container) -> tuple[TaskWrapper, TaskWrapper]:
    """Notices delivered off the watchdog's path, and the daily reports."""

    def now() -> datetime:
        return container.clock.now()

    @huey.periodic_task(crontab(minute="*/5"), name="daily_reports")
    def daily_reports_job() -> dict[str, int]:
        """Every five minutes: the reports whose hour has come (one per community and day)."""
        try:
            with ExpiringLock(huey, "daily_reports", ttl_s=600):
                ids = report_service.send_daily_reports(
                    container.storage.uow, container.storage.dashboard_reader, now=now()
                )
        except TaskLockedException:
            return {"skipped": 1}
        if ids:
            deliver_ids_job(ids)
        return {"notices": len(ids)}

    @huey.task(name="deliver_notice_ids")
    def deliver_ids_job(ids: list[int]) -> dict[str, int]:
        """Notices that the watchdog or the reports wrote, delivered off their path (a slow
        Telegram never holds up the watchdog); what fails waits in the outbox."""
        delivery = deliver_notices(container.storage.outbox, container.notifier, now=now(), ids=ids)
        return vars(delivery)

    return deliver_ids_job, daily_reports_job


def _register_alerts(huey: Huey, container: Container) -> TaskWrapper:
    alerter = AppriseAlerter()

    @huey.task(retries=ALERT_RETRIES, retry_delay=ALERT_RETRY_DELAY_S, name="send_alert")
    def send_alert_job(anomaly_id: int, event: str, url: str) -> dict[str, int]:
        """One alert to one Apprise URL; a failure raises, and Huey tries again a minute later."""
        with container.storage.uow() as uow:
            anomaly = uow.operations.find_anomaly(anomaly_id)
        if anomaly is None:
            return {"sent": 0}
        title, body = alert_message(anomaly, event, now=container.clock.now())
        try:
            alerter.send(url, title=title, body=body)
        except AlertNotDelivered:
            log.warning("alert_not_delivered", anomaly_id=anomaly_id, alert_event=event, url=alerter.redacted(url))
            raise
        return {"sent": 1}

    return send_alert_job


def _register_probe(huey: Huey) -> TaskWrapper:
    @huey.task(name="ops_probe")
    def probe_job(token: str, work_s: float = 0.0) -> int:
        """A synthetic job for measuring the workers (bench/autoscale.py): counts each run of its
        token, so that a run twice or never shows."""
        if work_s:
            threading.Event().wait(work_s)
        return int(huey.storage.incr(f"{huey.name}.probe.{token}"))

    return probe_job


class _Once:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False

    def first(self) -> bool:
        with self._lock:
            first, self._done = not self._done, True
        return first


def _breakers(container: Container) -> list[watchdog.BreakerView]:
    if container.breaker_store is None:
        return []
    from tgexchange.adapters.platforms.circuit_breaker import CircuitBreaker

    breaker = CircuitBreaker(container.breaker_store, clock=container.clock)
    views = []
    for platform in Platform:
        state = breaker.state(platform)
        opened = state.get("opened_at")
        failures = state.get("failures")
        views.append(
            watchdog.BreakerView(
                platform=platform.value,
                state=str(state["state"]),
                failures=failures if isinstance(failures, int) else 0,
                opened_at=opened if isinstance(opened, datetime) else None,
            )
        )
    return views


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """A worker process says it is alive every few seconds (the ``workers`` table, which
    ``tgexchange status`` lists), and says goodbye when it stops."""

    def __init__(self, container: Container, *, threads: int, every_s: float = BEAT_EVERY_S) -> None:
        self._container = container
        self._threads = threads
        self._every_s = every_s
        self._name = worker_name()
        self._started = datetime.now(UTC)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                operations_service.beat(
                    self._container.storage.uow(),
                    WorkerBeat(self._name, self._threads, self._started, datetime.now(UTC)),
                )
            except Exception:  # a database hiccup must not end the worker
                log.warning("heartbeat_failed", exc_info=True)
            self._stop.wait(self._every_s)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            operations_service.forget_worker(self._container.storage.uow(), self._name)
        except Exception:
            log.warning("heartbeat_goodbye_failed", exc_info=True)


def _huey_time(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
