"""``tgexchange serve`` with timing probes, for ``bench/load.py dashboard --probe``: where a
request's time goes inside the server process. Run as ``python -m bench.load_probe FILE serve
...``; on exit it writes FILE (JSON):

- ``requests``: per request, the path, the time from the app's first sight of it to the last
  byte sent (``app_ms``), and for its hops to worker threads (any: a session check, an answer to
  compute, a plain-function endpoint) the wait for a thread and the GIL (``hop_wait_ms``: from
  asking for one until the function runs, summed) and the time on them (``hop_ms``, summed), or
  None when it took no thread;
- ``loop_lag_ms``: how late the server's event loop woke for a 5 ms sleep, every 5 ms: the time a
  request that had arrived on a socket waited before uvicorn even read it.

Nothing here changes what the server does; it only wraps the ASGI app and the thread hop.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

T = TypeVar("T")
TICK_S = 0.005

records: list[dict[str, Any]] = []
lags: list[float] = []
# The hops of the request being served: each request's task has its own context (a check shared by
# several requests of one page counts for the one that started it).
_hops: contextvars.ContextVar[list[tuple[float, float]] | None] = contextvars.ContextVar("hops", default=None)


def _probed(app: ASGIApp) -> ASGIApp:
    started_monitor = False

    async def monitor() -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lags.append((time.perf_counter() - asked - TICK_S) * 1000)

    async def probe(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal started_monitor
        if not started_monitor:
            started_monitor = True
            task = asyncio.get_running_loop().create_task(monitor())
            probe.monitor = task  # type: ignore[attr-defined]  # kept alive
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        hops: list[tuple[float, float]] = []
        _hops.set(hops)
        try:
            await app(scope, receive, send)
        finally:
            records.append(
                {
                    "path": scope["path"],
                    "start": started,
                    "app_ms": (time.perf_counter() - started) * 1000,
                    "hop_wait_ms": sum(wait for wait, _ in hops) if hops else None,
                    "hop_ms": sum(run for _, run in hops) if hops else None,
                }
            )

    return probe


def _install(out: Path) -> None:
    import anyio.to_thread

    original_hop = anyio.to_thread.run_sync

    # Every hop to a worker thread goes through anyio's run_sync (Starlette's run_in_threadpool and
    # FastAPI's plain-function endpoints and dependencies alike).
    async def timed_hop(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        hops = _hops.get()
        asked = time.perf_counter()
        times: dict[str, float] = {}

        def on_thread(*inner: Any) -> T:
            times["began"] = time.perf_counter()
            try:
                return function(*inner)
            finally:
                times["ended"] = time.perf_counter()

        try:
            return await original_hop(on_thread, *args, **kwargs)
        finally:
            if hops is not None and "began" in times:
                hops.append(((times["began"] - asked) * 1000, (times["ended"] - times["began"]) * 1000))

    anyio.to_thread.run_sync = timed_hop  # type: ignore[assignment]

    original_config = uvicorn.Config.__init__

    def config(self: uvicorn.Config, app: ASGIApp, *args: Any, **kwargs: Any) -> None:
        original_config(self, _probed(app), *args, **kwargs)

    uvicorn.Config.__init__ = config  # type: ignore[method-assign,assignment]

    def write() -> None:
        out.write_text(json.dumps({"requests": records, "loop_lag_ms": lags}))

    atexit.register(write)


def summary(file: Path, *, since: float, names: dict[str, str]) -> list[str]:
    """Lines for the report: per refresh endpoint (``names``: path -> name), p50 / p95 of the time
    in the app, the wait for a thread and the time on it, over the requests that reached the app at
    or after ``since`` (perf_counter, the same clock in every process here); and the server's
    event loop lag over the same time."""
    found = json.loads(file.read_text())
    kept = [r for r in found["requests"] if r["start"] >= since and r["path"] in names]
    lines = []
    for path, name in names.items():
        mine = [r for r in kept if r["path"] == path]
        if not mine:
            continue
        parts = [f"in the app {_p(r['app_ms'] for r in mine)}"]
        waits = [r["hop_wait_ms"] for r in mine if r["hop_wait_ms"] is not None]
        if waits:
            parts.append(f"waiting for a thread {_p(waits)}")
            parts.append(f"on the thread {_p(r['hop_ms'] for r in mine if r['hop_ms'] is not None)}")
        lines.append(f"`{name}` " + ", ".join(parts))
    lags = found["loop_lag_ms"]
    return [
        "Inside the server (p50 / p95 ms, bench/load_probe.py): " + "; ".join(lines) + ".",
        f"The server's event loop woke late by (p50 / p95 / p99) {_p(lags, (0.5, 0.95, 0.99))} ms"
        f" (whole run, {len(lags)} ticks).",
    ]


def _p(values: Any, qs: tuple[float, ...] = (0.5, 0.95)) -> str:
    ordered = sorted(values)
    if not ordered:
        return "–"
    return " / ".join(f"{ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]:.1f}" for q in qs)


def main() -> None:
    out = Path(sys.argv[1])
    sys.argv = ["tgexchange", *sys.argv[2:]]
    _install(out)
    from tgexchange.cli import app

    app()


if __name__ == "__main__":
    main()
