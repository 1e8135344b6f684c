"""The autoscaler under a synthetic backlog on Redis: `tgexchange worker --autoscale MIN-MAX`
(a real supervisor and real worker processes) against a burst of `ops_probe` jobs, each counting
its own runs in the queue's storage, so that a job run twice or never shows.

    python bench/autoscale.py --queue redis://127.0.0.1:6379/5 [--jobs 1200] [--work-s 0.05] [--range 1-4]

It prints one JSON object: the most workers seen, when the backlog drained, when the workers
were back at MIN, and how many jobs ran once, twice, or never. The Redis database is flushed first.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tgexchange.bootstrap import Container, build_storage
from tgexchange.config import Settings
from tgexchange.worker.jobs import register_jobs
from tgexchange.worker.queue import make_huey


@dataclass
class AutoscaleRun:
    jobs: int
    work_s: float
    minimum: int
    maximum: int
    max_workers: int = 0
    grew_to_max_s: float | None = None
    drained_s: float | None = None
    back_to_min_s: float | None = None
    ran_once: int = 0
    ran_twice_or_more: int = 0
    never_ran: int = 0
    workers_over_time: list[tuple[float, int, int]] = field(default_factory=list)
    """(seconds since the burst, workers, jobs waiting), every second."""


def run(
    queue_url: str,
    *,
    jobs: int = 1200,
    work_s: float = 0.05,
    minimum: int = 1,
    maximum: int = 4,
    timeout_s: float = 300,
) -> AutoscaleRun:
    scratch = Path(tempfile.mkdtemp(prefix="tgx-autoscale-"))
    env = {
        **os.environ,
        "QUEUE_URL": queue_url,
        "DATABASE_URL": f"sqlite:///{scratch / 'tgexchange.db'}",
        "TGEXCHANGE_DATA_DIR": str(scratch),
        "AUTOSCALE_INTERVAL_S": "1",
        "AUTOSCALE_UP_AFTER": "2",
        "AUTOSCALE_IDLE_AFTER": "4",
        "LOG_JSON": "1",
    }
    settings = Settings(_env_file=None, QUEUE_URL=queue_url, DATABASE_URL=env["DATABASE_URL"])  # type: ignore[call-arg]
    huey = make_huey(queue_url)
    huey.storage.flush_all()
    storage = build_storage(settings.effective_database_url)
    from tgexchange.adapters.clock import SystemClock

    registered = register_jobs(huey, Container(settings=settings, storage=storage, clock=SystemClock()))
    result = AutoscaleRun(jobs=jobs, work_s=work_s, minimum=minimum, maximum=maximum)
    log = (scratch / "supervisor.log").open("wb")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "tgexchange.cli", "worker", "--threads", "2", "--autoscale", f"{minimum}-{maximum}"],
        env=env,
        stdout=log,
        stderr=log,
    )
    workers_key = f"{huey.name}.ops.autoscale.workers"
    try:
        _wait(lambda: huey.get(workers_key, peek=True) == minimum, 60, "the first workers")
        time.sleep(8)  # let them finish starting (imports) before the burst
        tokens = [uuid.uuid4().hex for _ in range(jobs)]
        pipeline_start = time.monotonic()
        for token in tokens:
            registered.operations.probe(token, work_s)
        start = time.monotonic()
        print(f"enqueued {jobs} jobs in {start - pipeline_start:.1f} s", file=sys.stderr)
        while time.monotonic() - start < timeout_s:
            workers = huey.get(workers_key, peek=True) or 0
            waiting = int(huey.pending_count())
            elapsed = round(time.monotonic() - start, 1)
            result.workers_over_time.append((elapsed, int(workers), waiting))
            result.max_workers = max(result.max_workers, int(workers))
            if result.grew_to_max_s is None and workers == maximum:
                result.grew_to_max_s = elapsed
            if result.drained_s is None and waiting == 0:
                counted = sum(1 for t in tokens if huey.storage.incr(f"{huey.name}.probe.{t}", 0) >= 1)
                if counted == jobs:
                    result.drained_s = elapsed
            if result.drained_s is not None and workers == minimum:
                result.back_to_min_s = elapsed
                break
            time.sleep(1)
        counts = [int(huey.storage.incr(f"{huey.name}.probe.{t}", 0)) for t in tokens]
        result.ran_once = sum(1 for c in counts if c == 1)
        result.ran_twice_or_more = sum(1 for c in counts if c > 1)
        result.never_ran = sum(1 for c in counts if c == 0)
    finally:
        supervisor.send_signal(signal.SIGINT)
        try:
            supervisor.wait(timeout=90)
        except subprocess.TimeoutExpired:
            supervisor.kill()
        log.close()
        storage.dispose()
    return result


def _wait(condition: object, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queue", required=True, help="a Redis QUEUE_URL (its database is flushed)")
    parser.add_argument("--jobs", type=int, default=1200)
    parser.add_argument("--work-s", type=float, default=0.05)
    parser.add_argument("--range", default="1-4")
    args = parser.parse_args()
    low, _, high = args.range.partition("-")
    found = run(args.queue, jobs=args.jobs, work_s=args.work_s, minimum=int(low), maximum=int(high))
    print(json.dumps(asdict(found)))


if __name__ == "__main__":
    main()
