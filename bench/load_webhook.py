"""Telegram updates through the real webhook processes: ``tests.cluster`` starts M ``tgexchange
serve`` processes on one port (SO_REUSEPORT), a worker and the Bot API stand-in over HTTP; this
module sends a members' mix from a bounded number of concurrent senders and reads, from the
stand-in's log, when each update's answer reached "Telegram".

Two latencies per update: the webhook's ``200`` (the update is stored in the inbox: what Telegram
waits for) and the answer's arrival at the Bot API (``sendMessage`` to the member's chat, or
``answerCallbackQuery`` for a button tap)."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from tests.botapi import TOKEN
from tests.cluster import WEBHOOK, WORKER, Cluster, start_cluster

from bench.dashboard import percentile
from bench.load_common import cpu_seconds, ensure_loopback, machine_state, rss_kib
from tgexchange.adapters.db.engine import make_engine
from tgexchange.bootstrap import storage_on
from tgexchange.bot import deeplinks
from tgexchange.bot.webhook import SECRET_HEADER
from tgexchange.services import community as community_service

COMMUNITIES = 4
FIRST_MEMBER = 300_000
FIRST_NEWCOMER = 900_000
# The members' mix of bench/bot.py (two reads for each write: a language tap commits a use
# case), and one newcomer joining with a community's link in every ten updates.
MIX = ("/balance", "/me", "lg", "/balance", "/me", "lg", "/balance", "/me", "lg", "join")
ANSWERS = {"sendMessage", "editMessageText", "answerCallbackQuery"}


def update_json(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    sender = {"id": user_id, "is_bot": False, "first_name": f"user {user_id}", "language_code": "en"}
    if text == "lg":  # a tap on the /language menu's buttons, alternating
        menu = {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"}, "text": "Choose"}
        data = f"lg:{'es' if update_id % 2 else 'en'}"
        query = {"id": str(update_id), "from": sender, "chat_instance": "1", "message": menu, "data": data}
        return {"update_id": update_id, "callback_query": query}
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "u"},
        "from": sender,
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
    return {"update_id": update_id, "message": message}


@dataclass
class Sent:
    update_id: int
    user_id: int
    kind: str
    at: float  # time.time() when the POST started (the stand-in logs time.time() too)
    ack_ms: float | None = None
    status: int | None = None
    answer_ms: float | None = None
    error: str = ""  # the transport error, when there was no answer at all


@dataclass
class Plan:
    """Who sends what: members in turn (each one's updates far apart, so the per-user flood gate
    never speaks), a new user for each join."""

    members: int
    payloads: list[str]
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    turn: Iterator[int] = field(default_factory=itertools.count)
    newcomers: Iterator[int] = field(default_factory=lambda: itertools.count(FIRST_NEWCOMER))

    def next(self) -> tuple[int, int, str, dict[str, Any]]:
        n, update_id = next(self.turn), next(self.ids)
        kind = MIX[n % len(MIX)]
        if kind == "join":
            user = next(self.newcomers)
            text = f"/start {self.payloads[user % len(self.payloads)]}"
        else:
            user, text = FIRST_MEMBER + n % self.members, kind
        return update_id, user, kind, update_json(update_id, user, text)


def seed(database_url: str, *, members: int) -> list[str]:
    """Communities and their members (joined through the use case, welcome credits and all);
    returns each community's join payload."""
    engine = make_engine(database_url)
    storage = storage_on(engine)
    now = datetime.now(UTC)
    payloads = []
    try:
        for c in range(COMMUNITIES):
            community = community_service.register_community(
                storage.uow(), telegram_chat_id=-100_500 - c, title=f"Load {c}", now=now
            )
            payloads.append(deeplinks.make_payload(deeplinks.link_key(TOKEN), community.id))
        for m in range(members):
            with storage.uow() as uow:
                found = uow.communities.find_by_chat(-100_500 - m % COMMUNITIES)
                assert found is not None
                community_id = found.id
            community_service.join_community(
                storage.uow(),
                community_id=community_id,
                telegram_user_id=FIRST_MEMBER + m,
                display_name=f"member {m}",
                now=now,
            )
    finally:
        engine.dispose()
    return payloads


@dataclass
class Sender:
    cluster: Cluster
    plan: Plan
    sent: list[Sent] = field(default_factory=list)
    tick: Callable[[int], None] = lambda _n: None

    async def post(self, client: httpx.AsyncClient) -> None:
        update_id, user, kind, body = self.plan.next()
        record = Sent(update_id, user, kind, time.time())
        self.sent.append(record)
        started = time.perf_counter()
        try:
            response = await client.post(
                self.cluster.webhook_url, json=body, headers={SECRET_HEADER: self.cluster.secret}
            )
            record.status = response.status_code
        except httpx.HTTPError as error:
            record.status, record.error = None, type(error).__name__
        record.ack_ms = (time.perf_counter() - started) * 1000
        self.tick(len(self.sent))

    async def closed_loop(self, *, senders: int, updates: int, seconds: float) -> None:
        """``senders`` at once, each posting its next update when the last one was answered,
        until ``updates`` are sent or ``seconds`` are up."""
        until = time.monotonic() + seconds
        budget = itertools.count()
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=senders)) as client:

            async def lane() -> None:
                while next(budget) < updates and time.monotonic() < until:
                    await self.post(client)

            await asyncio.gather(*(lane() for _ in range(senders)))

    async def steady(self, *, rate: float, seconds: float, max_in_flight: int = 200) -> None:
        """Open loop: one update every 1/``rate`` s whatever the answers do (Telegram does not
        wait either), at most ``max_in_flight`` unanswered at once."""
        gate = asyncio.Semaphore(max_in_flight)
        tasks: set[asyncio.Task[None]] = set()
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=max_in_flight)) as client:

            async def one() -> None:
                async with gate:
                    await self.post(client)

            start = time.monotonic()
            for n in itertools.count():
                due = start + n / rate
                if due - start >= seconds:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                task = asyncio.create_task(one())
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            await asyncio.gather(*tasks)


def match_answers(sent: list[Sent], log: Path) -> None:
    """Fills ``answer_ms``: a tap's answerCallbackQuery by its id; otherwise the first answer in
    the user's chat at or after the POST, each answer used once."""
    by_query: dict[str, float] = {}
    by_chat: dict[int, list[float]] = {}
    for method, params, logged_at in read_calls_timed(log):
        if method == "answerCallbackQuery":
            by_query.setdefault(str(params.get("callback_query_id")), logged_at)
        elif method in ANSWERS and "chat_id" in params:
            by_chat.setdefault(int(str(params["chat_id"])), []).append(logged_at)
    used: dict[int, int] = {}
    for record in sorted(sent, key=lambda r: r.at):
        record.answer_ms = None
        at: float | None
        if record.kind == "lg":
            at = by_query.get(str(record.update_id))
        else:
            times, start = by_chat.get(record.user_id, []), used.get(record.user_id, 0)
            at = None
            for i in range(start, len(times)):
                if times[i] >= record.at:
                    at, used[record.user_id] = times[i], i + 1
                    break
        if at is not None:
            record.answer_ms = (at - record.at) * 1000


def read_calls_timed(log: Path) -> list[tuple[str, dict[str, Any], float]]:
    """The stand-in's calls with their times (``read_calls`` keeps the rest of each line)."""
    found = []
    for line in log.read_text().splitlines() if log.exists() else []:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        found.append((record["method"], record["params"], float(record["time"])))
    return found


def settle(cluster: Cluster, sent: list[Sent], *, quiet_s: float = 10.0, timeout_s: float = 180.0) -> None:
    """Matches answers to updates until every update has one, or none came for ``quiet_s``."""
    deadline, last, seen_at = time.monotonic() + timeout_s, -1, time.monotonic()
    while time.monotonic() < deadline:
        match_answers(sent, cluster.bot_api_log)
        answered = sum(1 for record in sent if record.answer_ms is not None)
        if answered == len(sent):
            return
        if answered != last:
            last, seen_at = answered, time.monotonic()
        elif time.monotonic() - seen_at > quiet_s:
            return
        time.sleep(1.0)


@dataclass
class Throughput:
    database: str
    webhooks: int
    sent: int
    seconds: float
    acked_per_s: float
    answered_per_s: float
    ack: dict[str, float]
    answer: dict[str, float]
    server_errors: int
    failed: int  # no 200 (transport errors, 4xx, 5xx)
    unanswered: int
    load: str
    not_acked: dict[str, int] = field(default_factory=dict)  # HTTP status or transport error → updates


def quantiles(values: list[float]) -> dict[str, float]:
    values = values or [0.0]
    return {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "p99": percentile(values, 0.99)}


def summarize(database: str, webhooks: int, sent: list[Sent], load: str) -> Throughput:
    start = min(r.at for r in sent)
    acked = [r for r in sent if r.status == 200]
    answered = [r for r in sent if r.answer_ms is not None]
    ack_end = max(r.at + (r.ack_ms or 0) / 1000 for r in sent)
    answer_end = max((r.at + (r.answer_ms or 0) / 1000 for r in answered), default=ack_end)
    return Throughput(
        database=database,
        webhooks=webhooks,
        sent=len(sent),
        seconds=ack_end - start,
        acked_per_s=len(acked) / max(ack_end - start, 1e-9),
        answered_per_s=len(answered) / max(answer_end - start, 1e-9),
        ack=quantiles([r.ack_ms for r in acked if r.ack_ms is not None]),
        answer=quantiles([r.answer_ms for r in answered if r.answer_ms is not None]),
        server_errors=sum(1 for r in sent if r.status is not None and r.status >= 500),
        failed=len(sent) - len(acked),
        unanswered=len(sent) - len(answered),
        load=load,
        not_acked=dict(Counter(str(r.status) if r.status is not None else r.error for r in sent if r.status != 200)),
    )


@contextmanager
def database_for(kind: str, scratch: Path, postgres_url: str | None) -> Iterator[tuple[str, str]]:
    """(database URL, queue URL): a SQLite file and a SQLite queue, or a fresh PostgreSQL
    database holding the queue too."""
    if kind == "sqlite":
        yield f"sqlite:///{scratch / 'load.db'}", f"sqlite:///{scratch / 'queue.db'}"
        return
    assert postgres_url is not None
    ensure_loopback(postgres_url.replace("postgresql+psycopg", "http"))
    admin = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    name = f"tgx_load_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url, url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def running(
    scratch: Path, kind: str, postgres_url: str | None, *, webhooks: int, members: int
) -> Iterator[tuple[Cluster, Plan]]:
    with (
        database_for(kind, scratch, postgres_url) as (database_url, queue_url),
        start_cluster(
            scratch / "cluster", database_url=database_url, queue_url=queue_url, webhooks=webhooks, workers=1
        ) as cluster,
    ):
        ensure_loopback(cluster.url)
        yield cluster, Plan(members, seed(database_url, members=members))


def throughput(
    scratch: Path,
    kind: str,
    postgres_url: str | None,
    *,
    webhooks: int,
    senders: int,
    updates: int,
    seconds: float,
    members: int = 1000,
    warmup: int = 100,
    progress: Callable[[int], None] | None = None,
) -> Throughput:
    with running(scratch, kind, postgres_url, webhooks=webhooks, members=members) as (cluster, plan):
        sender = Sender(cluster, plan)
        # Not measured: each process's first updates pay for imports, compiled SQL and texts.
        asyncio.run(sender.closed_loop(senders=senders, updates=warmup, seconds=seconds))
        measured_from = len(sender.sent)
        if progress is not None:
            sender.tick = lambda n: progress(n - measured_from)
        before = machine_state()
        asyncio.run(sender.closed_loop(senders=senders, updates=updates, seconds=seconds))
        settle(cluster, sender.sent)
        return summarize(kind, webhooks, sender.sent[measured_from:], f"{before}; after: {machine_state()}")


@dataclass
class Soak:
    database: str
    rate: float
    seconds: float
    window_s: float
    every_s: float
    sent: int
    failed: int
    server_errors: int
    unanswered: int
    not_acked: dict[str, int]  # HTTP status or transport error → updates
    rss: dict[str, list[tuple[float, int]]]  # process → (seconds since start, KiB)
    cpu: dict[str, list[tuple[float, float]]]  # process → (seconds since start, CPU seconds used so far)
    windows: list[dict[str, float]]  # per sampling window: sent, failed, ack p99, answer p99
    load: str

    def cpu_ms_per_update(self, name: str, start: float, sent: float) -> str:
        inside = [(at, used) for at, used in self.cpu[name] if start <= at <= start + 60.0 + self.every_s / 2]
        if len(inside) < 2 or not sent:
            return "–"
        return f"{1000 * (inside[-1][1] - inside[0][1]) / sent * 60.0 / max(inside[-1][0] - inside[0][0], 1e-9):.1f}"

    def growth(self, name: str) -> tuple[float, float, float]:
        """(mean KiB of the first window after warm-up, mean KiB of the last window, growth %)."""
        samples = self.rss[name]
        first = [kib for at, kib in samples if self.window_s <= at < 2 * self.window_s]
        last = [kib for at, kib in samples if at >= self.seconds - self.window_s]
        if not first or not last:
            return 0.0, 0.0, 0.0
        a, b = sum(first) / len(first), sum(last) / len(last)
        return a, b, 100 * (b - a) / a


def soak(
    scratch: Path,
    kind: str,
    postgres_url: str | None,
    *,
    rate: float,
    seconds: float,
    every_s: float | None = None,
    members: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Soak:
    """One webhook process and one worker under ``rate`` updates/s for ``seconds``; resident memory
    of each process every ``every_s``. Memory growth compares the last window (a minute, or a
    fifth of a shorter run) with the first window after a warm-up of the same length."""
    # Every 10 s; a short trial run samples more often, so that each window has samples.
    every_s = every_s or min(10.0, max(1.0, seconds / 30))
    with running(scratch, kind, postgres_url, webhooks=1, members=members) as (cluster, plan):
        sender = Sender(cluster, plan)
        if progress is not None:
            sender.tick = progress
        pids = {
            "webhook": cluster.processes[WEBHOOK][0].pid,
            "worker": cluster.processes[WORKER][0].pid,
            "Bot API stand-in": cluster.processes["botapi"][0].pid,
        }
        rss: dict[str, list[tuple[float, int]]] = {name: [] for name in pids}
        cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in pids}
        stop = threading.Event()
        started = time.monotonic()

        def sample() -> None:
            while True:
                for name, pid in pids.items():
                    kib = rss_kib(pid)
                    if kib is not None:
                        rss[name].append((time.monotonic() - started, kib))
                        cpu[name].append((time.monotonic() - started, cpu_seconds(pid)))
                if stop.wait(every_s):
                    return

        sampler = threading.Thread(target=sample, daemon=True)
        before = machine_state()
        sampler.start()
        try:
            asyncio.run(sender.steady(rate=rate, seconds=seconds))
        finally:
            stop.set()
            sampler.join()
        after = machine_state()
        settle(cluster, sender.sent)
        keep = os.environ.get("LOAD_KEEP")
        if keep:  # LOAD_KEEP=<dir>: the processes' logs, the Bot API log and every update sent, for a post-mortem
            shutil.copytree(cluster.tmp / "logs", Path(keep) / "logs", dirs_exist_ok=True)
            shutil.copy(cluster.bot_api_log, Path(keep))
            Path(keep, "sent.json").write_text(json.dumps([r.__dict__ for r in sender.sent]))
            Path(keep, "samples.json").write_text(json.dumps({"rss": rss, "cpu": cpu}))
    sent = sender.sent
    t0 = min(r.at for r in sent)
    windows = []
    for start in range(0, int(seconds), max(1, int(every_s))):
        inside = [r for r in sent if start <= r.at - t0 < start + every_s]
        if not inside:
            continue
        acks = [r.ack_ms for r in inside if r.status == 200 and r.ack_ms is not None]
        answers = [r.answer_ms for r in inside if r.answer_ms is not None]
        windows.append({
            "at": float(start),
            "sent": float(len(inside)),
            "failed": float(sum(1 for r in inside if r.status != 200) + sum(1 for r in inside if r.answer_ms is None)),
            "ack_p99": quantiles(acks)["p99"],
            "answer_p99": quantiles(answers)["p99"],
        })  # fmt: skip
    return Soak(
        database=kind,
        rate=rate,
        seconds=seconds,
        window_s=min(60.0, seconds / 5),
        every_s=every_s,
        sent=len(sent),
        failed=sum(1 for r in sent if r.status != 200),
        server_errors=sum(1 for r in sent if r.status is not None and r.status >= 500),
        unanswered=sum(1 for r in sent if r.answer_ms is None),
        not_acked=dict(Counter(str(r.status) if r.status is not None else r.error for r in sent if r.status != 200)),
        rss=rss,
        cpu=cpu,
        windows=windows,
        load=f"{before}; after: {after}",
    )


def throughput_report(results: list[Throughput], command: str, *, senders: int) -> list[str]:
    lines = [
        "### Webhook: updates per second, 1 and 2 processes",
        "",
        f"Command: `{command}`. `tests.cluster` starts M `tgexchange serve --reuse-port` processes on one",
        "loopback port, one `tgexchange worker` and the Bot API stand-in (`tests.botapi_server`, its own",
        f"process). {senders} senders post the members' mix (`/balance`, `/me`, a language tap; one newcomer",
        "joining with a community's link in every ten updates) to the webhook, each posting its next update",
        "when the last was answered; after 100 updates of warm-up. *Acked*: the webhook's 200 (the update is",
        "in the inbox). *Answered*: the answer reached the Bot API stand-in (`sendMessage` in the member's",
        "chat, `answerCallbackQuery` for a tap), matched from its log.",
        "",
        "| database | webhook processes | updates | acked/s | ack p50 / p99 ms | answered/s | answer p50 / p99 ms "
        "| 5xx | not acked | not answered |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.webhooks} | {r.sent} | {r.acked_per_s:.0f} | {r.ack['p50']:.0f} / {r.ack['p99']:.0f} "
            f"| {r.answered_per_s:.1f} | {r.answer['p50']:.0f} / {r.answer['p99']:.0f} | {r.server_errors} "
            f"| {r.failed} | {r.unanswered} |"
        )
    lines.append("")
    for database in dict.fromkeys(r.database for r in results):
        by = {r.webhooks: r for r in results if r.database == database}
        if 1 in by and 2 in by:
            lines.append(
                f"- {database}: 2 processes ÷ 1 process: acked/s {by[2].acked_per_s / by[1].acked_per_s:.2f}, "
                f"answered/s {by[2].answered_per_s / by[1].answered_per_s:.2f}."
            )
    for r in results:
        if r.not_acked:
            lines.append(f"- {r.database}, {r.webhooks} process(es): not acked, by answer: {r.not_acked}.")
    lines += ["", "Machine during each run:", ""]
    lines += [f"- {r.database}, {r.webhooks} process(es): {r.load}." for r in results]
    return lines


def soak_report(result: Soak, command: str, *, goal_pct: float = 10.0) -> list[str]:
    span = f"{result.seconds / 60:.0f} min" if result.seconds >= 120 else f"{result.seconds:.0f} s"
    lines = [
        f"### Soak: {result.rate:.0f} updates/s for {span}, 1 webhook process + 1 worker",
        "",
        f"Command: `{command}`. The same mix as above, sent at a steady {result.rate:.0f} updates/s (open loop: one",
        "update every 1/rate s whatever the answers do), on the cluster harness with one webhook process and",
        f"one worker; resident memory (VmRSS) of each process sampled every {result.every_s:.0f} s. Growth: the mean"
        " of the last",
        f"{result.window_s:.0f} s against the mean of the first {result.window_s:.0f} s after a warm-up of as long.",
        f"Machine: {result.load}.",
        "",
        f"Sent {result.sent:,} updates: {result.failed} not acked ({result.server_errors} 5xx), {result.unanswered}"
        f" not answered: error rate {100 * (result.failed + result.unanswered) / max(result.sent, 1):.3f}%."
        + (f" Not acked, by answer: {result.not_acked}." if result.not_acked else ""),
        "",
        "| process | RSS first window MiB | RSS last window MiB | growth | goal ≤ 10% |",
        "|---|---|---|---|---|",
    ]
    for name in result.rss:
        first, last, growth = result.growth(name)
        if not first:
            lines.append(f"| {name} | – | – | – (no samples in a window) | – |")
            continue
        verdict = "–" if name == "Bot API stand-in" else ("met" if growth <= goal_pct else "**missed**")
        lines.append(f"| {name} | {first / 1024:.1f} | {last / 1024:.1f} | {growth:+.1f}% | {verdict} |")
    lines += [
        "",
        "p99 over time (each row: updates sent in that minute):",
        "",
        "| minute | sent | not acked or not answered | ack p99 ms | answer p99 ms | webhook CPU ms per update |",
        "|---|---|---|---|---|---|",
    ]
    per_minute: dict[int, list[dict[str, float]]] = {}
    for window in result.windows:
        per_minute.setdefault(int(window["at"] // 60), []).append(window)
    for minute, windows in sorted(per_minute.items()):
        sent = sum(w["sent"] for w in windows)
        lines.append(
            f"| {minute + 1} | {sent:.0f} | {sum(w['failed'] for w in windows):.0f} "
            f"| {max(w['ack_p99'] for w in windows):.0f} | {max(w['answer_p99'] for w in windows):.0f} "
            f"| {result.cpu_ms_per_update('webhook', minute * 60.0, sent)} |"
        )
    lines += [
        "",
        "(A minute's p99 is the highest of its 10-second windows' p99s. CPU per update: the webhook process's",
        "CPU time in that minute over the updates sent in it; if it stays flat while the p99 climbs, the",
        "process was waiting for a core, not doing more work.)",
    ]
    return lines
