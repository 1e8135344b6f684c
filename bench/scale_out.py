"""Two `tgexchange worker` processes on one queue (SQLite file, and Redis when --redis-url is
given): do they share the work, and does the per-platform rate limit hold across them?

Usage: python bench/scale_out.py [--redis-url redis://127.0.0.1:6379/0] [--tasks 32] [--limit 4 --per 2]
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.test_worker_processes import (
    build_exchange,
    count_tasks,
    enqueue_all,
    start_worker,
    started_at,
)

from bench.report import write_section
from tgexchange.worker.queue import make_huey


def run(queue: str, queue_url_for: str | None, *, tasks: int, limit: int, per: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        queue_url = queue_url_for or f"sqlite:///{tmp / 'queue.db'}"
        if queue == "redis":
            make_huey(queue_url).flush()
        exchange = build_exchange(
            tmp, queue_url=queue_url, owners=tasks, givers=1, filler=0, rate_limits=f"youtube={limit}/{per}"
        )
        enqueue_all(exchange)
        logs = [tmp / "a.log", tmp / "b.log"]
        workers = [start_worker(exchange, log) for log in logs]
        deadline = time.monotonic() + 600
        while count_tasks(exchange.world.storage, "verified") < exchange.tasks and time.monotonic() < deadline:
            time.sleep(0.1)
        for worker in workers:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=60)
        per_worker = [started_at(log) for log in logs]
        times = sorted(moment for worker_passes in per_worker for moment, _ in worker_passes)
        windows: dict[int, int] = {}
        for worker_passes in per_worker:
            for _, window in worker_passes:
                windows[window] = windows.get(window, 0) + 1
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        return {
            "queue": queue,
            "verified": count_tasks(exchange.world.storage, "verified"),
            "passes": [len(t) for t in per_worker],
            "max_per_window": max(windows.values()) if windows else 0,
            "span_s": span,
            "rate": (len(times) - 1) / span if span else float("nan"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--redis-url")
    parser.add_argument("--tasks", type=int, default=32)
    parser.add_argument("--limit", type=int, default=4)
    parser.add_argument("--per", type=int, default=2)
    args = parser.parse_args()
    queues = [("sqlite", None)] + ([("redis", args.redis_url)] if args.redis_url else [])
    results = [run(q, url, tasks=args.tasks, limit=args.limit, per=args.per) for q, url in queues]
    rows = "\n".join(
        f"| {r['queue']} | {r['verified']}/{args.tasks} | {r['passes'][0]} + {r['passes'][1]} | "
        f"{r['max_per_window']} (limit {args.limit}) | {r['span_s']:.1f} s | {r['rate']:.2f}/s "
        f"(limit {args.limit / args.per:.2f}/s, ratio {r['rate'] / (args.limit / args.per):.2f}) |"
        for r in results
    )
    body = f"""## Scale-out: two workers, one queue, one rate limit (`bench/scale_out.py`)

Command: `python bench/scale_out.py --tasks {args.tasks} --limit {args.limit} --per {args.per}{" --redis-url …" if args.redis_url else ""}`.
Two `tgexchange worker --threads 2` processes share one queue; {args.tasks} submissions wait for
verification; the YouTube rate limit is {args.limit} passes per {args.per} s, shared through the
queue storage. Passes are counted from each worker's `verify_started` log lines.

| queue | verified | passes (worker A + B) | most passes in one {args.per} s window | first → last pass | pass rate |
|---|---|---|---|---|---|
{rows}"""
    write_section("scale_out", body)
    print(body)


if __name__ == "__main__":
    main()
