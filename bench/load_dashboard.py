"""The dashboard under many admins at once: each admin logs in with their own login link over the
real route, opens the page (HTML and its static files, as a browser with an empty cache does),
then does what ``web/static/dashboard.js`` does: one round of five JSON requests in parallel
right away, and the next round 10 s after the previous one finished (``setTimeout`` after
``await``), until the time is up. Admins open the page at random moments within the first
refresh interval, so their rounds are spread as a real crowd's would be."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import re
import ssl
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench import load_probe
from bench.load_common import Book, Server, cpu_seconds, ensure_loopback, machine_state, schedstat
from bench.load_dashboard_data import Prepared, nothing_to_drop, postgres_database, prepare, sqlite_database
from tgexchange.cli.serve import KEEP_ALIVE_S
from tgexchange.web.shared_answers import SHARED_FOR

API = "/exchange/dashboard"
REFRESH_S = 10.0
# One round of dashboard.js's refresh(), with the query its filters() builds on a fresh page
# ("All my communities", period "all"); errors and anomalies drop the keys the script deletes.
ROUND = {
    "overview": f"{API}/overview?period=all",
    "groups": f"{API}/groups?period=all&limit=10&sort_by=interactions",
    "users": f"{API}/users?period=all&limit=10",
    "errors": f"{API}/errors?hours=24&limit=20",
    "anomalies": f"{API}/anomalies?hours=24",
}
FIRST_LOAD = ("login", "page", "static")
P95_GOAL_MS = 50.0
STEADY_AFTER_S = 20.0
# uvicorn's own keep-alive, which a baseline server from before serve.KEEP_ALIVE_S has.
UVICORN_KEEP_ALIVE_S = 5
LAG_TICK_S = 0.005
_REFRESH = re.compile(r'data-refresh-ms="(\d+)"(?: data-refresh-jitter="([0-9.]+)")?')
_ASSET = re.compile(r'(?:src|href)="(/[^"]+\.(?:js|css)(?:\?[^"]*)?)"')


def remember_missing_sniffio() -> None:
    """httpcore runs ``import sniffio`` on every request (several times) and, when it is missing,
    as in this venv, takes the event loop to be asyncio's. Python does not remember a failed import,
    so each one searched sys.path again: a quarter of this process's CPU while 200 admins opened
    the page (py-spy, docs/RELIABILITY.md "Load"). ``None`` in sys.modules makes the import fail at
    once, with the same answer; an installed sniffio is left alone."""
    if importlib.util.find_spec("sniffio") is None:
        sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


@dataclass
class Crowd:
    base: str
    seconds: float
    books: dict[str, Book] = field(default_factory=lambda: {name: Book() for name in (*FIRST_LOAD, *ROUND)})
    rounds: int = 0
    tick: Callable[[], None] = lambda: None
    rng: random.Random = field(default_factory=lambda: random.Random(2))
    started: float = 0.0
    keepalive_s: float = KEEP_ALIVE_S - 1
    # How late this process's event loop woke for a short sleep (ms), all along the run: the part of
    # a measured latency that is the load generator's own queue, not the server's.
    loop_lag_ms: list[float] = field(default_factory=list)
    # One TLS context for every admin, as a browser loads its trust store once: httpx builds one per
    # client otherwise (loading the CA bundle, ~30 ms of this process's CPU), and 200 admins opening
    # the page within 10 s then blocked this process's event loop for ~6 s of those 10, which showed
    # as seconds of latency on every request in flight (docs/RELIABILITY.md, "Load"). The crowd
    # speaks plain HTTP on loopback, so it is never used.
    tls: ssl.SSLContext = field(default_factory=httpx.create_ssl_context)

    async def _watch_loop(self) -> None:
        while True:
            asked = time.perf_counter()
            await asyncio.sleep(LAG_TICK_S)
            self.loop_lag_ms.append((time.perf_counter() - asked - LAG_TICK_S) * 1000)

    async def _get(
        self, client: httpx.AsyncClient, name: str, path: str, *, expect: int = 200
    ) -> httpx.Response | None:
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                async with client.stream("GET", path) as response:
                    if name == "static":
                        # Received as sent (gzipped), not inflated: a browser does that on its own
                        # cores, and inflating 200 copies of Plotly here would time this process.
                        async for _ in response.aiter_raw():
                            pass
                    else:
                        await response.aread()
                break
            except (httpx.RemoteProtocolError, httpx.ReadError) as error:
                # A kept-alive connection the server closed meanwhile: browsers send such a GET
                # again on a new connection without telling anyone, and so does this admin, once
                # (counted apart; the time includes both tries).
                self.books[name].failures[f"retried after {type(error).__name__}"] = (
                    self.books[name].failures.get(f"retried after {type(error).__name__}", 0) + 1
                )
                if attempt == 2:
                    self.books[name].record(started, None, ok=False, error=type(error).__name__)
                    return None
            except httpx.HTTPError as error:
                self.books[name].record(started, None, ok=False, error=type(error).__name__)
                return None
        self.books[name].record(started, response.status_code, ok=response.status_code == expect)
        return response

    async def admin(self, token: str, delay: float, until: float) -> None:
        await asyncio.sleep(delay)
        # A browser opens up to six connections to one host; so does this admin. A browser keeps an
        # idle connection for minutes, so the server's keep-alive decides; reusing one the server is
        # closing fails (a browser retries such a request without telling anyone), so this client
        # keeps them a second less than the server does (``keepalive_s``).
        limits = httpx.Limits(max_connections=6, max_keepalive_connections=6, keepalive_expiry=self.keepalive_s)
        async with httpx.AsyncClient(base_url=self.base, timeout=30, limits=limits, verify=self.tls) as client:
            login = await self._get(client, "login", f"{API}/login?token={token}", expect=303)
            if login is None or "tgx_dashboard" not in client.cookies:
                return  # counted as an error; without a session nothing else would work
            page = await self._get(client, "page", API)
            html = page.text if page is not None else ""
            await asyncio.gather(*(self._get(client, "static", asset) for asset in _ASSET.findall(html)))
            # The interval the page gives its script (and the spread around it, where it has one).
            found = _REFRESH.search(html)
            interval = int(found.group(1)) / 1000 if found else REFRESH_S
            jitter = float(found.group(2) or 0) if found else 0.0
            while True:
                await asyncio.gather(*(self._get(client, name, path) for name, path in ROUND.items()))
                self.rounds += 1
                self.tick()
                wait = interval * (1 + jitter * self.rng.uniform(-1, 1))
                if time.monotonic() + wait >= until:
                    return
                await asyncio.sleep(wait)

    async def run(self, tokens: list[str], *, seed: int = 1) -> None:
        remember_missing_sniffio()
        rng = random.Random(seed)
        self.started = time.perf_counter()
        until = time.monotonic() + self.seconds
        watcher = asyncio.create_task(self._watch_loop())
        try:
            await asyncio.gather(*(self.admin(token, rng.uniform(0, REFRESH_S), until) for token in tokens))
        finally:
            watcher.cancel()


@dataclass
class DashboardResult:
    database: str
    admins: int
    tasks: int
    seconds: float
    books: dict[str, Book]
    rounds: int
    before: str
    after: str
    prepare_s: float
    started: float  # perf_counter when the crowd started
    server_cpu: float  # the server's CPU seconds per second of the test (1.0 = one core busy)
    client_cpu: float  # the same for this load generator
    starved: float  # the server's threads' seconds runnable but waiting for a CPU, per second run
    elapsed: float  # seconds the crowd ran
    cost: dict[str, float]  # server CPU ms per request of each refresh endpoint, one at a time
    cost_requests: int
    label: str = ""
    shared_s: float | None = None  # how long the server shared answers (None: not known to share them)
    client_lag_ms: list[float] = field(default_factory=list)  # the load generator's loop, see Crowd
    probe: list[str] = field(default_factory=list)  # bench/load_probe.py's lines, with LOAD_PROBE set

    @property
    def cpu_ms_per_request(self) -> float:
        """The server's CPU time over every request it answered: what a request costs, whatever
        else the machine was doing (waiting for a core is not counted)."""
        requests = sum(len(book.times) for book in self.books.values())
        return 1000 * self.server_cpu * self.elapsed / max(requests, 1)

    @property
    def errors(self) -> int:
        return sum(book.errors for book in self.books.values())


def cpu_cost(server: Server, link: str, *, requests: int = 100) -> dict[str, float]:
    """The server's CPU milliseconds per request of each refresh endpoint, one request at a time
    by one admin (after a warm-up): what a refresh costs whatever else the machine is doing, since
    time spent waiting for a core is not CPU time."""
    pid = server.process.pid
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.get(f"{API}/login?token={link}")
        for path in ROUND.values():
            for _ in range(min(5, requests)):
                client.get(path).raise_for_status()
        cost = {}
        for name, path in ROUND.items():
            before = cpu_seconds(pid)
            for _ in range(requests):
                client.get(path).raise_for_status()
            cost[name] = 1000 * (cpu_seconds(pid) - before) / requests
    return cost


def measure(
    prepared: Prepared,
    *,
    database: str,
    admins: int,
    tasks: int,
    seconds: float,
    scratch: Path,
    env: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    label: str = "",
    cost_requests: int = 100,
    keepalive_s: float = KEEP_ALIVE_S - 1,
) -> DashboardResult:
    server = Server.start(
        {
            "DATABASE_URL": prepared.url,
            "TGEXCHANGE_DATA_DIR": str(scratch),
            "SECRET_KEY": "load-bench-secret-key-0123456789abcdef",
            **(env or {}),
        },
        scratch / "serve.log",
    )
    try:
        ensure_loopback(server.url)
        crowd = Crowd(server.url, seconds, keepalive_s=keepalive_s)
        if progress is not None:
            tick = progress
            crowd.tick = lambda: tick(crowd.rounds)
        links = prepared.login_links()[:admins]
        cost = cpu_cost(server, prepared.login_links()[0], requests=cost_requests)
        before = machine_state()
        cpu, wall, mine = cpu_seconds(server.process.pid), time.perf_counter(), time.process_time()
        ran, waited = schedstat(server.process.pid)
        asyncio.run(crowd.run(links))
        elapsed = time.perf_counter() - wall
        ran_after, waited_after = schedstat(server.process.pid)
        # Seconds the server's threads waited for a CPU per second they ran: >1 means the machine,
        # not the server, set the pace.
        starved = (waited_after - waited) / max(ran_after - ran, 1e-9)
        server_cpu = (cpu_seconds(server.process.pid) - cpu) / elapsed
        client_cpu = (time.process_time() - mine) / elapsed
        after = machine_state()
    finally:
        server.stop()
    probe = []
    if os.environ.get("LOAD_PROBE"):
        port = server.url.rsplit(":", 1)[1]
        names = {path.split("?")[0]: name for name, path in ROUND.items()}
        probe = load_probe.summary(
            Path(os.environ["LOAD_PROBE"]) / f"probe-{port}.json", since=crowd.started + STEADY_AFTER_S, names=names
        )
    return DashboardResult(
        database,
        admins,
        tasks,
        seconds,
        crowd.books,
        crowd.rounds,
        before,
        after,
        prepared.seconds,
        crowd.started,
        server_cpu,
        client_cpu,
        starved,
        elapsed,
        cost,
        cost_requests,
        label,
        client_lag_ms=crowd.loop_lag_ms,
        probe=probe,
    )


def keep_alive_of(src: Path | None) -> float:
    """How long the server from ``src`` (None: this checkout) keeps an idle connection."""
    if src is None:
        return KEEP_ALIVE_S
    serve = src / "tgexchange" / "cli" / "serve.py"
    found = re.search(r"^KEEP_ALIVE_S = (\d+)", serve.read_text(), re.MULTILINE) if serve.exists() else None
    return int(found.group(1)) if found else UVICORN_KEEP_ALIVE_S


def variants(
    baseline_src: Path | None, *, unshared: bool, shared_s: float
) -> list[tuple[str, dict[str, str], float | None]]:
    """The servers to measure, in order: (label, environment, how long it shares answers; None for
    a baseline that may predate sharing)."""
    chosen: list[tuple[str, dict[str, str], float | None]] = []
    if baseline_src is not None:
        # This checkout's root too (after the baseline's source): bench/load_probe.py wraps any server.
        root = str(Path(__file__).resolve().parent.parent)
        chosen.append(
            (f"before: server from {baseline_src}", {"PYTHONPATH": f"{baseline_src}{os.pathsep}{root}"}, None)
        )
    if unshared:
        chosen.append(("this checkout, DASHBOARD_SHARED_S=0", {"DASHBOARD_SHARED_S": "0"}, 0.0))
    chosen.append(
        (f"this checkout, DASHBOARD_SHARED_S={shared_s:g}", {"DASHBOARD_SHARED_S": f"{shared_s:g}"}, shared_s)
    )
    return chosen


def run(
    *,
    database: str,
    postgres_url: str | None,
    admins: int,
    tasks: int,
    seconds: float,
    baseline_src: Path | None = None,
    unshared: bool = False,
    repeat: int = 1,
    shared_s: float = SHARED_FOR.total_seconds(),
    progress: Callable[[int], None] | None = None,
    cost_requests: int = 100,
) -> list[DashboardResult]:
    """One crowd against this checkout's server; with ``baseline_src``, first one against a
    server from that source tree (e.g. main's ``src``) on the same database, for a before/after
    in one run; with ``unshared``, one against this checkout with sharing off; the whole series
    ``repeat`` times over, interleaved."""
    with tempfile.TemporaryDirectory(prefix="tgx-load-dashboard-") as name:
        scratch = Path(name)
        if database == "sqlite":
            url, drop = sqlite_database(scratch), nothing_to_drop
        else:
            assert postgres_url is not None
            url, drop = postgres_database(postgres_url)
        try:
            prepared = prepare(url, tasks=tasks, admins=admins)
            servers = variants(baseline_src, unshared=unshared, shared_s=shared_s)
            results = []
            for series in range(1, repeat + 1):
                for label, env, shared in servers:
                    keep_alive = keep_alive_of(baseline_src if shared is None else None)
                    result = measure(
                        prepared,
                        database=database,
                        admins=admins,
                        tasks=tasks,
                        seconds=seconds,
                        scratch=scratch,
                        env=env,
                        progress=progress,
                        label=", ".join(
                            part
                            for part in (label if len(servers) > 1 else "", f"series {series}" if repeat > 1 else "")
                            if part
                        ),
                        cost_requests=cost_requests,
                        keepalive_s=keep_alive - 1,
                    )
                    result.shared_s = shared
                    results.append(result)
            return results
        finally:
            drop()
