"""What the load tests share: latency books per endpoint, loopback-only servers in their own
processes, resident memory read from /proc, and a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.dashboard import free_port, percentile

LOOPBACK = "127.0.0.1"


def ensure_loopback(url: str) -> None:
    """The load tests never leave this machine: a URL on another host is a mistake."""
    host = urlsplit(url).hostname
    if host not in {LOOPBACK, "localhost", "::1"}:
        raise SystemExit(f"refusing to send load to {host!r}: loopback only")


@dataclass
class Book:
    """Latencies (ms) and failures of one endpoint."""

    times: list[float] = field(default_factory=list)
    errors: int = 0
    server_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # exceptions by kind (timeouts, resets)
    starts: list[float] = field(default_factory=list)  # perf_counter at each request's start

    def record(self, started: float, status: int | None, *, ok: bool, error: str = "") -> None:
        self.times.append((time.perf_counter() - started) * 1000)
        self.starts.append(started)
        if error:
            self.failures[error] = self.failures.get(error, 0) + 1
        if status is not None:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status >= 500:
                self.server_errors += 1
        if not ok:
            self.errors += 1

    def since(self, moment: float) -> Book:
        """The requests that started at or after ``moment`` (perf_counter)."""
        kept = [(s, t) for s, t in zip(self.starts, self.times, strict=True) if s >= moment]
        return Book(times=[t for _, t in kept], starts=[s for s, _ in kept])

    def summary(self) -> dict[str, float]:
        times = self.times or [0.0]
        return {
            "requests": len(self.times),
            "p50": percentile(times, 0.50),
            "p95": percentile(times, 0.95),
            "p99": percentile(times, 0.99),
            "max": max(times),
            "errors": self.errors,
            "5xx": self.server_errors,
        }


def endpoint_table(books: dict[str, Book], goals: dict[str, float]) -> list[str]:
    lines = [
        "| endpoint | requests | p50 ms | p95 ms | p99 ms | max ms | errors | 5xx | goal p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, book in books.items():
        s = book.summary()
        goal = goals.get(name)
        verdict = "–" if goal is None else (f"≤ {goal:.0f}: " + ("met" if s["p95"] <= goal else "**missed**"))
        lines.append(
            f"| `{name}` | {s['requests']:.0f} | {s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {s['max']:.1f} "
            f"| {s['errors']:.0f} | {s['5xx']:.0f} | {verdict} |"
        )
    return lines


def rss_kib(pid: int) -> int | None:
    """Resident memory of a process (VmRSS), None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def schedstat(pid: int) -> tuple[float, float]:
    """Seconds a process's threads have run, and waited to run while runnable (the CPU was busy
    with something else), from /proc/<pid>/task/*/schedstat."""
    ran = waited = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            on_cpu, on_queue, _ = (int(x) for x in (task / "schedstat").read_text().split())
        except (OSError, ValueError):
            continue
        ran, waited = ran + on_cpu, waited + on_queue
    return ran / 1e9, waited / 1e9


def machine_state() -> str:
    one, five, _ = os.getloadavg()
    return f"nproc {os.cpu_count()}, load average {one:.2f} (1 min) / {five:.2f} (5 min)"


def wait_ready(url: str, *, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become ready")
        time.sleep(0.2)


@dataclass
class Server:
    """``tgexchange serve`` in its own process on a free loopback port."""

    process: subprocess.Popen[bytes]
    url: str

    @classmethod
    def start(cls, env: dict[str, str], log: Path) -> Server:
        port = free_port()
        with log.open("ab") as out:
            # LOAD_PROFILE=<file>: the server runs under cProfile (written when it stops).
            profile = ["-m", "cProfile", "-o", os.environ["LOAD_PROFILE"]] if os.environ.get("LOAD_PROFILE") else []
            # LOAD_PROBE=<folder>: the server runs under bench/load_probe.py's timers (one file per server).
            probe = os.environ.get("LOAD_PROBE")
            entry = ["bench.load_probe", str(Path(probe) / f"probe-{port}.json")] if probe else ["tgexchange.cli"]
            process = subprocess.Popen(
                [sys.executable, *profile, "-m", *entry, "serve", "--host", LOOPBACK, "--port", str(port)],
                env={**os.environ, "LOG_LEVEL": "WARNING", **env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = cls(process, f"http://{LOOPBACK}:{port}")
        try:
            wait_ready(server.url)
        except RuntimeError:
            server.stop()
            raise RuntimeError(f"tgexchange serve did not start; see {log}") from None
        return server

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Postgres:
    """A throwaway PostgreSQL server on loopback (as scripts/test starts one), with its durable
    defaults (fsync and synchronous commit on), as production would run it."""

    data: Path
    url: str
    as_postgres: list[str]
    pg_ctl: str

    @classmethod
    def start(cls) -> Postgres:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            raise SystemExit("no PostgreSQL server installed (/usr/lib/postgresql/*/bin); pass --postgres-url")
        pgbin = bins[-1]
        scratch = Path(tempfile.mkdtemp(prefix="tgx-load-pg-"))
        scratch.chmod(0o755)
        data = scratch / "pg"
        data.mkdir()
        as_postgres: list[str] = []
        if os.getuid() == 0:  # initdb refuses to run as root
            shutil.chown(data, "postgres")
            as_postgres = ["runuser", "-u", "postgres", "--"]
        port = free_port()
        subprocess.run(
            [*as_postgres, str(pgbin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {data} -c listen_addresses={LOOPBACK} -c max_connections=300"
        subprocess.run(
            [
                *as_postgres,
                str(pgbin / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(data / "log"),
                "-w",
                "start",
                "-o",
                options,
            ],
            check=True,
            capture_output=True,
        )
        return cls(
            data, f"postgresql+psycopg://postgres@{LOOPBACK}:{port}/postgres", as_postgres, str(pgbin / "pg_ctl")
        )

    def stop(self) -> None:
        subprocess.run(
            [*self.as_postgres, self.pg_ctl, "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,  # already stopped is fine
        )
        shutil.rmtree(self.data.parent, ignore_errors=True)
