"""The counters the operations jobs read, kept in the queue's storage so that every worker adds to
the same ones: jobs done and failed (by job), verification passes and their errors, and the ring
of snapshots the watchdog takes its windows from; and what /metrics exports of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from huey import Huey
from huey.api import Task
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

PASSES: Final = "passes"
PASS_ERRORS: Final = "pass_errors"  # noqa: S105 - a counter's name
JOBS_DONE: Final = "jobs_done"
JOB_ERRORS: Final = "job_errors"


class OpsCounters:
    """Cumulative counters in the queue's storage (atomic increments; read as an increment by 0)."""

    def __init__(self, huey: Huey) -> None:
        self._huey = huey

    def _key(self, name: str) -> str:
        return f"{self._huey.name}.ops.{name}"

    def add(self, name: str, amount: int = 1) -> int:
        return int(self._huey.storage.incr(self._key(name), amount))

    def read(self, name: str) -> int:
        return self.add(name, 0)

    def job_error(self, job: str) -> None:
        self.add(f"{JOB_ERRORS}.{job}")

    def snapshot(self, jobs: Sequence[str]) -> dict[str, int]:
        taken = {name: self.read(name) for name in (PASSES, PASS_ERRORS, JOBS_DONE)}
        taken.update({f"{JOB_ERRORS}.{job}": self.read(f"{JOB_ERRORS}.{job}") for job in jobs})
        return taken


class SnapshotRing:
    """The counters as they stood at each tick over the last window, in the queue's kv storage: a
    difference against the one a window ago is what happened in the window, whichever worker
    counted it."""

    def __init__(self, huey: Huey) -> None:
        self._huey = huey
        self._key = f"{huey.name}.ops.snapshots"

    def push_and_diff(self, at: float, counts: dict[str, int], *, window_s: float) -> tuple[dict[str, int], float]:
        """Stores ``counts`` and returns what changed since the newest snapshot at least a window
        old (or the oldest one kept), with how many seconds that covers."""
        stored = self._huey.get(self._key, peek=True)
        ring: list[tuple[float, dict[str, int]]] = list(stored) if isinstance(stored, list) else []
        ring = [(t, c) for t, c in ring if at - t <= 2 * window_s and t <= at]
        older = [(t, c) for t, c in ring if at - t >= window_s]
        base_at, base = older[-1] if older else ring[0] if ring else (at, counts)
        ring.append((at, counts))
        self._huey.put(self._key, ring)
        return {name: value - base.get(name, value) for name, value in counts.items()}, at - base_at


def queue_counters(huey: Huey) -> dict[str, float]:
    """What /metrics exports from the queue's storage (tgexchange_* names)."""
    counters = OpsCounters(huey)
    found: dict[str, float] = {
        "tgexchange_jobs_done": counters.read(JOBS_DONE),
        "tgexchange_autoscale_up": counters.read("autoscale_up"),
        "tgexchange_autoscale_down": counters.read("autoscale_down"),
    }
    workers = huey.get(f"{huey.name}.ops.autoscale.workers", peek=True)
    if isinstance(workers, int):
        found["tgexchange_autoscale_workers"] = workers
    last = huey.get(f"{huey.name}.ops.watchdog.last", peek=True)
    if isinstance(last, float):
        found["tgexchange_watchdog_last_tick_timestamp"] = last
    return found


def count_jobs(huey: Huey, counters: OpsCounters) -> None:
    """Every job run counted, and every failure by job: what the autoscaler and the watchdog read."""

    @huey.signal(SIGNAL_COMPLETE)
    def _count_done(_signal: str, _task: Task, *_args: Any, **_kwargs: Any) -> None:
        counters.add(JOBS_DONE)

    @huey.signal(SIGNAL_ERROR)
    def _count_error(_signal: str, task: Task, *_args: Any, **_kwargs: Any) -> None:
        counters.add(JOBS_DONE)
        counters.job_error(task.name)
        if task.name == "verify_submission":  # a pass that crashed is a failed pass too
            counters.add(PASSES)
            counters.add(PASS_ERRORS)
