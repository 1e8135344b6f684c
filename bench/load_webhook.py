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
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench.dashboard import percentile
from bench.load_common import ensure_loopback, machine_state
from tests.botapi import TOKEN
from tests.botapi_server import read_calls
from tests.cluster import WEBHOOK, WORKER, Cluster, start_cluster
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
        message = {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"}, "text": "Choose"}
        data = f"lg:{'es' if update_id % 2 else 'en'}"
        query = {"id": str(update_id), "from": sender, "chat_instance": "1", "message": message, "data": data}
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


@dataclass
class Plan:
    """Who sends what: members in turn (each one's updates far apart, so the per-user flood gate
    never speaks), a new user for each join."""

    members: int
    payloads: list[str]
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    turn: Iterator[int] = field(default_factory=lambda: itertools.count())
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
            response = await client.post(self.cluster.webhook_url, json=body, headers={SECRET_HEADER: self.cluster.secret})
            record.status = response.status_code
        except httpx.HTTPError:
            record.status = None
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
    for call in read_calls_timed(log):
        method, params, at = call
        if method == "answerCallbackQuery":
            by_query.setdefault(str(params.get("callback_query_id")), at)
        elif method in ANSWERS and "chat_id" in params:
            by_chat.setdefault(int(str(params["chat_id"])), []).append(at)
    used: dict[int, int] = {}
    for record in sorted(sent, key=lambda r: r.at):
        record.answer_ms = None
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
    import json

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
        start_cluster(scratch / "cluster", database_url=database_url, queue_url=queue_url, webhooks=webhooks, workers=1)
        as cluster,
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
