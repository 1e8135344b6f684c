"""Workers that follow the load on one machine: ``tgexchange worker --autoscale MIN-MAX``.

A supervisor starts MIN worker processes and samples the queue every AUTOSCALE_INTERVAL_S: the
ready jobs waiting (the backlog) and the jobs the workers finished since the last sample. What
the running workers clear in AUTOSCALE_HORIZON_S at that pace is their capacity; when the backlog
stays above AUTOSCALE_LOAD (70%) of it for AUTOSCALE_UP_AFTER samples in a row (or jobs wait
while nothing finishes), one worker is added, never beyond MAX. When nothing waits and the pace
would fit in one worker fewer (judged against the best pace per worker seen under a backlog) for
AUTOSCALE_IDLE_AFTER samples, the newest worker is stopped gracefully (SIGINT: Huey finishes the
jobs it holds), never below MIN. Each change is logged and counted in the queue's storage
(``tgexchange_autoscale_changes`` in /metrics). A worker that dies is replaced.

On several machines the same rule runs outside: a process manager or an orchestrator scales the
worker processes on the exported ``tgexchange_queue_depth`` and ``tgexchange_jobs_done`` (see
the README's Operations section).
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import structlog
from huey import Huey

from tgexchange.worker.ops_counters import JOBS_DONE, OpsCounters

log = structlog.get_logger("tgexchange.worker.autoscale")

SCALED_UP: Final = "autoscale_up"
SCALED_DOWN: Final = "autoscale_down"
STOP_TIMEOUT_S: Final = 60.0


class BadRange(ValueError):
    pass


def parse_range(text: str) -> tuple[int, int]:
    """ "MIN-MAX" (or one number for both); raises BadRange."""
    low, _, high = text.partition("-")
    high = high or low
    if not (low.strip().isdigit() and high.strip().isdigit()):
        raise BadRange(f"--autoscale takes MIN-MAX, e.g. 1-4, not {text!r}")
    minimum, maximum = int(low), int(high)
    if not 1 <= minimum <= maximum <= 64:
        raise BadRange(f"--autoscale needs 1 <= MIN <= MAX <= 64, not {text!r}")
    return minimum, maximum


@dataclass(frozen=True, slots=True)
class AutoscalePolicy:
    minimum: int
    maximum: int
    load: float = 0.7
    horizon_s: float = 30.0
    up_after: int = 3
    idle_after: int = 12


@dataclass(frozen=True, slots=True)
class Sample:
    backlog: int
    """Ready jobs waiting for a worker."""
    cleared: int
    """Jobs finished since the previous sample."""
    interval_s: float
    workers: int


class Autoscaler:
    """The rule, with no processes: feed it samples, it answers +1, 0 or -1."""

    def __init__(self, policy: AutoscalePolicy) -> None:
        self.policy = policy
        self._busy = 0
        self._idle = 0
        self.best_per_worker_s = 0.0
        """The best pace one worker has kept while jobs waited (jobs/s): what one worker clears."""

    def decide(self, sample: Sample) -> int:
        policy = self.policy
        pace_s = sample.cleared / sample.interval_s if sample.interval_s > 0 else 0.0
        if sample.backlog > 0 and sample.workers:
            self.best_per_worker_s = max(self.best_per_worker_s, pace_s / sample.workers)
        capacity = pace_s * policy.horizon_s
        busy = sample.backlog > 0 and (pace_s == 0 or sample.backlog > policy.load * capacity)
        fewer = sample.workers - 1
        idle = sample.backlog == 0 and pace_s <= policy.load * self.best_per_worker_s * fewer
        self._busy = self._busy + 1 if busy else 0
        self._idle = self._idle + 1 if idle else 0
        if self._busy >= policy.up_after and sample.workers < policy.maximum:
            self._busy = 0
            return 1
        if self._idle >= policy.idle_after and sample.workers > policy.minimum:
            self._idle = 0
            return -1
        return 0


Spawn = Callable[[int], subprocess.Popen[bytes]]
"""Starts worker number n (0 is the first, which also runs the periodic jobs)."""


class Supervisor:
    def __init__(
        self,
        huey: Huey,
        policy: AutoscalePolicy,
        spawn: Spawn,
        *,
        interval_s: float = 5.0,
        sleep: Callable[[float], bool] | None = None,
    ) -> None:
        self._huey = huey
        self._counters = OpsCounters(huey)
        self.scaler = Autoscaler(policy)
        self._spawn = spawn
        self._interval_s = interval_s
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait
        self.children: list[subprocess.Popen[bytes]] = []
        self.history: list[tuple[float, int]] = []
        """(monotonic time, workers) after every change, for benchmarks."""

    def stop(self) -> None:
        self._stop.set()

    def _record(self) -> None:
        self.history.append((time.monotonic(), len(self.children)))
        self._huey.put(f"{self._huey.name}.ops.autoscale.workers", len(self.children))

    def _add(self, why: str) -> None:
        self.children.append(self._spawn(len(self.children)))
        log.info("autoscale_up", workers=len(self.children), why=why)
        self._record()

    def _remove(self, why: str) -> None:
        child = self.children.pop()
        child.send_signal(signal.SIGINT)  # graceful: Huey finishes what it holds, then exits
        try:
            child.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        log.info("autoscale_down", workers=len(self.children), why=why)
        self._record()

    def run(self) -> None:
        """Until ``stop``: MIN workers, then a sample and a decision every interval."""
        for _ in range(self.scaler.policy.minimum):
            self._add("minimum")
        done = self._counters.read(JOBS_DONE)
        last = time.monotonic()
        try:
            while not self._sleep(self._interval_s):
                for index, child in enumerate(list(self.children)):
                    if child.poll() is not None:
                        log.warning("autoscale_worker_died", returncode=child.returncode, index=index)
                        self.children[index] = self._spawn(index)
                now = time.monotonic()
                total = self._counters.read(JOBS_DONE)
                sample = Sample(
                    backlog=int(self._huey.pending_count()),
                    cleared=max(total - done, 0),
                    interval_s=now - last,
                    workers=len(self.children),
                )
                done, last = total, now
                change = self.scaler.decide(sample)
                if change > 0:
                    self._counters.add(SCALED_UP)
                    self._add(f"backlog {sample.backlog}, {sample.cleared} cleared in {sample.interval_s:.1f} s")
                elif change < 0:
                    self._counters.add(SCALED_DOWN)
                    self._remove(f"idle: {sample.cleared} cleared in {sample.interval_s:.1f} s")
        finally:
            while self.children:
                self._remove("supervisor stopping")
