"""The multi-process set-up on loopback, for tests and benchmarks: M ``tgexchange serve`` webhook
processes sharing one address (SO_REUSEPORT, ``serve --reuse-port``), N ``tgexchange worker``
processes, the Bot API stand-in (``tests.botapi_server``) in its own process, and throwaway
PostgreSQL and Redis servers that can be restarted (for the fault runs).

    with start_cluster(tmp, database_url=..., queue_url=...) as cluster:
        httpx.post(cluster.webhook_url, json=update, headers={SECRET_HEADER: cluster.secret})
        cluster.kill("worker", 0); cluster.start("worker", 0)

Each process writes to its own log under ``tmp/logs`` (appended across restarts); on a failure
inside the block, their tails are printed."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

from tests.botapi import TOKEN, Call
from tests.botapi_server import read_calls
from tgexchange.bot.webhook import SECRET_HEADER, WEBHOOK_PATH

SECRET = "cluster-webhook-secret"
WEBHOOK = "webhook"
WORKER = "worker"
READY = {WEBHOOK: "Application startup complete", WORKER: "worker: queue"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], object], *, timeout_s: float, what: str, every_s: float = 0.05) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every_s)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def tail(path: Path, lines: int = 25) -> str:
    if not path.exists():
        return f"({path.name}: no log)"
    text = path.read_text(errors="replace").splitlines()[-lines:]
    return f"--- {path.name} ---\n" + "\n".join(text)


@dataclass
class Cluster:
    """Running processes of one set-up. ``processes[kind][index]`` is the latest process started
    in that slot (kinds: "webhook", "worker"; "botapi" holds the stand-in)."""

    tmp: Path
    url: str
    secret: str
    bot_api_log: Path
    database_url: str
    queue_url: str
    env: dict[str, str]
    port: int
    processes: dict[str, list[subprocess.Popen[bytes]]] = field(default_factory=dict)
    logs: dict[str, list[Path]] = field(default_factory=dict)
    starts: dict[str, list[int]] = field(default_factory=dict)
    _log_offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def webhook_url(self) -> str:
        return self.url + WEBHOOK_PATH

    @property
    def bot_api_url(self) -> str:
        return self.env["TELEGRAM_API_BASE_URL"]

    def headers(self) -> dict[str, str]:
        return {SECRET_HEADER: self.secret}

    def _command(self, kind: str) -> list[str]:
        if kind == WEBHOOK:
            return [sys.executable, "-m", "tgexchange.cli", "serve", "--host", "127.0.0.1"]
            # (port and --reuse-port appended below)
        if kind == WORKER:
            return [sys.executable, "-m", "tgexchange.cli", "worker", "--threads", "2"]
        raise ValueError(f"unknown kind {kind!r}")

    def start(self, kind: str, index: int) -> subprocess.Popen[bytes]:
        """Starts (or restarts) the process in slot ``index`` of ``kind``; does not wait for it
        to be ready (``wait_ready`` does)."""
        command = self._command(kind)
        if kind == WEBHOOK:
            command += ["--port", str(self.port), "--reuse-port"]
        log = self.logs[kind][index]
        self._log_offsets[kind, index] = log.stat().st_size if log.exists() else 0
        with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(command, env=self.env, stdout=handle, stderr=handle, start_new_session=True)
        self.processes[kind][index] = process
        self.starts[kind][index] += 1
        return process

    def kill(self, kind: str, index: int) -> None:
        """SIGKILL, as a crash or the OOM killer would: no shutdown code runs."""
        process = self.processes[kind][index]
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self, kind: str, index: int, *, timeout_s: float = 30) -> int:
        """SIGTERM and wait: the graceful stop systemd would do. Returns the exit code."""
        process = self.processes[kind][index]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def is_ready(self, kind: str, index: int) -> bool:
        process = self.processes[kind][index]
        if process.poll() is not None:
            raise RuntimeError(f"{kind} {index} exited with {process.returncode}\n{tail(self.logs[kind][index])}")
        log = self.logs[kind][index]
        with log.open("rb") as handle:
            handle.seek(self._log_offsets[kind, index])
            return READY[kind].encode() in handle.read()

    def wait_ready(self, timeout_s: float = 60) -> None:
        """Until every process is ready: webhooks serve the app, workers consume the queue."""
        for kind in (WEBHOOK, WORKER):
            for index in range(len(self.processes[kind])):
                wait_for(partial(self.is_ready, kind, index), timeout_s=timeout_s, what=f"{kind} {index}")

    def served(self) -> list[int]:
        """How many webhook POSTs each webhook slot answered (its access log), over all restarts."""
        return [log.read_text(errors="replace").count(f"POST {WEBHOOK_PATH}") for log in self.logs[WEBHOOK]]

    def calls(self) -> list[Call]:
        """Every Bot API call the processes made so far, in order."""
        return read_calls(self.bot_api_log)

    def set_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Who is what in a chat, as the stand-in answers getChatMember from now on."""
        base = self.bot_api_url.removesuffix("/bot")
        httpx.post(f"{base}/control/status", json={"chat_id": chat_id, "user_id": user_id, "status": status})

    def tails(self) -> str:
        return "\n".join(tail(log) for kind in self.logs for log in self.logs[kind])

    def shutdown(self) -> None:
        for kind in (WEBHOOK, WORKER, "botapi"):
            for process in self.processes.get(kind, []):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in self.processes.get(kind, []):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def cluster_env(
    tmp: Path, *, database_url: str, queue_url: str, bot_api_url: str, public_url: str, extra: dict[str, str] | None
) -> dict[str, str]:
    recordings = tmp / "recordings"
    recordings.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "QUEUE_URL": queue_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "TELEGRAM_API_BASE_URL": bot_api_url,
        "PUBLIC_BASE_URL": public_url,  # http: no setWebhook at start
        "PLATFORM_SOURCE": f"recorded:{recordings}",
        "TGEXCHANGE_DATA_DIR": str(tmp / "data"),
        "LOG_JSON": "1",
        # A killed worker's locks would otherwise hold its submissions for the default two minutes.
        "VERIFICATION_LOCK_TTL_S": "3",
        "VERIFY_DEBOUNCE_S": "0",
        "VERIFY_MIN_INTERVAL_S": "1",
        **(extra or {}),
    }


@contextmanager
def start_cluster(
    tmp: Path,
    *,
    database_url: str,
    queue_url: str,
    webhooks: int = 2,
    workers: int = 2,
    env: dict[str, str] | None = None,
    everyone: str = "member",
) -> Iterator[Cluster]:
    """Migrates ``database_url``, starts the stand-in, ``webhooks`` webhook processes on one port
    and ``workers`` workers, waits until all are ready, and stops them all on leaving (SIGTERM,
    then SIGKILL). ``everyone`` is getChatMember's answer for anyone not set otherwise (members of
    every group, so join links work). Recordings for PLATFORM_SOURCE go in ``tmp/recordings``."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / "logs").mkdir(exist_ok=True)
    api_port, port = free_port(), free_port()
    bot_api_log = tmp / "botapi.jsonl"
    full_env = cluster_env(
        tmp,
        database_url=database_url,
        queue_url=queue_url,
        bot_api_url=f"http://127.0.0.1:{api_port}/bot",
        public_url=f"http://127.0.0.1:{port}",
        extra=env,
    )
    cluster = Cluster(
        tmp=tmp,
        url=f"http://127.0.0.1:{port}",
        secret=SECRET,
        bot_api_log=bot_api_log,
        database_url=database_url,
        queue_url=queue_url,
        env=full_env,
        port=port,
    )
    api_log = tmp / "logs" / "botapi.log"
    with api_log.open("ab") as handle:
        api = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.botapi_server",
                "--port",
                str(api_port),
                "--log",
                str(bot_api_log),
                "--everyone",
                everyone,
            ],
            env=full_env,
            stdout=handle,
            stderr=handle,
            start_new_session=True,
        )
    cluster.processes["botapi"] = [api]
    try:
        migrate = subprocess.run(
            [sys.executable, "-m", "tgexchange.cli", "migrate"],
            check=False,
            env=full_env,
            capture_output=True,
            timeout=120,
        )
        if migrate.returncode:
            raise RuntimeError(f"tgexchange migrate failed:\n{migrate.stderr.decode(errors='replace')}")
        for kind, count in ((WEBHOOK, webhooks), (WORKER, workers)):
            cluster.logs[kind] = [tmp / "logs" / f"{kind}-{i}.log" for i in range(count)]
            cluster.processes[kind] = [api] * count  # placeholders until started
            cluster.starts[kind] = [0] * count
            for index in range(count):
                cluster.start(kind, index)
        wait_for(lambda: _answers(cluster.bot_api_url), timeout_s=30, what="the Bot API stand-in")
        cluster.wait_ready()
        yield cluster
    except BaseException:
        sys.stderr.write(cluster.tails() + "\n")
        raise
    finally:
        cluster.shutdown()


def _answers(bot_api_url: str) -> bool:
    try:
        return httpx.post(f"{bot_api_url}{TOKEN}/getMe", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
    return found[-1]


@dataclass
class Postgres:
    """A throwaway PostgreSQL server on loopback, as scripts/test starts one."""

    data: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run([*_as_postgres(), str(_pg_bin() / "pg_ctl"), "-D", str(self.data), *args], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        self._ctl("-l", str(self.data / "log"), "-w", "start", "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def restart(self, down_s: float = 0.0) -> None:
        """Stops the server the hard way (as a crash would: ``immediate``), stays down ``down_s``
        seconds, and starts it again."""
        self.stop("immediate")
        time.sleep(down_s)
        self.start()


@contextmanager
def throwaway_postgres(directory: Path) -> Iterator[Postgres]:
    data = directory / "pg"
    data.mkdir(parents=True)
    directory.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    subprocess.run([*_as_postgres(), str(_pg_bin() / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True, timeout=120)  # fmt: skip
    server = Postgres(data, free_port())
    server.start()
    try:
        yield server
    finally:
        with suppress(subprocess.CalledProcessError):
            server.stop("immediate")


@dataclass
class Redis:
    """A throwaway Redis server on loopback that keeps its data across restarts (an append-only
    file written at every command): the job queue of a production Redis must survive one too."""

    directory: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.directory / "redis.log").open("ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", str(self.directory)],
            stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        wait_for(self._answers, timeout_s=30, what="redis-server")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def restart(self, down_s: float = 0.0) -> None:
        """SIGKILL (what was acknowledged is in the append-only file), ``down_s`` seconds down,
        then start again on the same port."""
        self.stop()
        time.sleep(down_s)
        self.start()


@contextmanager
def throwaway_redis(directory: Path) -> Iterator[Redis]:
    directory.mkdir(parents=True, exist_ok=True)
    server = Redis(directory, free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
