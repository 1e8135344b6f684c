"""Faults: a load run against the multi-process set-up while processes are killed and the
databases restarted, then a check that nothing accepted was lost and nothing applied twice.

    python bench/faults.py [--members 40] [--updates 3000] [--seconds 420] [--kills 60] [--no-write]

Starts its own PostgreSQL and Redis (throwaway, on loopback; Redis keeps an append-only file, as
a production queue must) and the cluster of tests/cluster.py: two webhook processes sharing one
port, two workers, the Bot API stand-in. Members of one community (tests/crowd.py) join, link a
channel, submit a video, take tasks and press Done after commenting (in the platform
recordings), and ask for /balance, /me and /language, pausing between steps as people do. Their
updates are delivered as Telegram delivers them: accepted only on a 2xx, else sent again later
with the same update_id. Meanwhile a chaos task SIGKILLs a random webhook process or worker at
random moments (``--kills`` in all), restarting each after a short random delay, and restarts
PostgreSQL once (a third of the way in) and Redis once (two thirds in), each down a few seconds.

Afterwards every process is running again; the run waits (bounded) until the inbox is done, no
task is in flight and the queue is empty, then bench/faults_checker.py reads the database and the
Bot API log. Results go to the "Faults" section of docs/RELIABILITY.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.botapi import TgUser
from tests.cluster import WEBHOOK, WORKER, Cluster, start_cluster, throwaway_postgres, throwaway_redis
from tests.crowd import BotApiLog, Delivery, Member, Recordings, Telegram, admin_user
from tests.integration.test_worker_processes import feedback_text

from bench.faults_checker import Verdict, check, describe, verifications_waiting
from bench.report import RELIABILITY, write_section
from tgexchange.adapters.db import tables

GROUP = -100_555_000
# Short leases and a quick recovery loop, so a killed process's updates are taken over in seconds.
CLUSTER_ENV = {"WEBHOOK_LEASE_S": "5", "WEBHOOK_RECOVERY_EVERY_S": "1"}


@dataclass
class Event:
    at: float
    what: str


@dataclass
class Chaos:
    kills: int = 0
    kills_by_kind: dict[str, int] = field(default_factory=lambda: {WEBHOOK: 0, WORKER: 0})
    events: list[Event] = field(default_factory=list)
    outages: list[tuple[str, float, float]] = field(default_factory=list)  # (server, down at, up at)


@dataclass
class FaultRun:
    deliveries: list[Delivery]
    chaos: Chaos
    started: float
    load_s: float
    settle_s: float
    settled: bool
    verdict: Verdict


class Budget:
    def __init__(self, updates: int, seconds: float) -> None:
        self.updates = updates
        self.until = time.monotonic() + seconds

    def left(self, tg: Telegram) -> bool:
        return len(tg.deliveries) < self.updates and time.monotonic() < self.until


async def give(member: Member, rng: random.Random, pause: float) -> bool | None:
    """Takes a task, comments on the video (in the recordings) and presses Done. None when there
    was no task to take, False when the bot did not answer Done."""
    taken = await member.take_task()
    if taken is None:
        return None
    await asyncio.sleep(rng.uniform(0.2, pause))
    text = feedback_text(rng, member.user.id * 1000 + rng.randrange(1000))
    return await member.comment_and_press_done(*taken, text)


async def life(member: Member, payload: str, *, owner: bool, budget: Budget, rng: random.Random, pause: float) -> None:
    """One member's steps: join, link, (submit), give feedback once, then tasks and questions until
    the budget ends. A step the bot never answered (within the patience) ends the member's script."""
    await asyncio.sleep(rng.uniform(0, pause * 4))
    if not await member.join(payload) or not await member.link_channel():
        return
    if owner and not await member.submit(3):
        return
    # Everyone gives feedback at least once, however short the run: tasks are what the kills must
    # not break. (Other members' videos may not be there yet: a few tries.)
    for _ in range(3):
        gave = await give(member, rng, pause)
        if gave is False:
            return
        if gave:
            break
        await asyncio.sleep(rng.uniform(pause, pause * 2))
    while budget.left(member.tg):
        # People pause between steps; the bot's flood limit (12 at once, then one per 2 s) is
        # never what stops them.
        await asyncio.sleep(rng.uniform(pause, pause * 2))
        action = rng.choices(["task", "balance", "me", "language"], weights=[4, 2, 2, 1])[0]
        if action == "task":
            ok = await give(member, rng, pause) is not False  # nothing to take is an answer too
        elif action == "balance":
            ok = await member.balance()
        elif action == "me":
            ok = await member.me()
        else:
            ok = await member.language("en")
        if not ok:
            return


async def load(
    cluster: Cluster,
    *,
    members: int,
    updates: int,
    seconds: float,
    seed: int,
    pause: float,
    tick: Callable[[int], None],
) -> list[Delivery]:
    tg = Telegram(cluster.webhook_url, cluster.headers(), BotApiLog(cluster.bot_api_log), patience_s=45)
    recordings = Recordings(cluster.tmp / "recordings")
    rng = random.Random(seed)
    try:
        admin = admin_user(GROUP)
        cluster.set_status(GROUP, admin.id, "creator")
        payload = await tg.add_bot_to_group(admin, GROUP)
        if payload is None:
            raise RuntimeError("the bot's welcome in the group has no join link")
        budget = Budget(updates, seconds)
        people = [Member(tg, TgUser(60_000 + i, f"Member{i}"), recordings) for i in range(members)]
        lives = [
            # Everyone asks for feedback once (three givers, all their welcome credits), so that
            # there are tasks to take, verify and pay all through the run.
            life(m, payload, owner=True, budget=budget, rng=random.Random(rng.random()), pause=pause)
            for m in people
        ]

        async def report() -> None:
            while True:
                tick(len(tg.deliveries))
                await asyncio.sleep(0.5)

        reporter = asyncio.create_task(report())
        await asyncio.gather(*lives)
        reporter.cancel()
        return tg.deliveries
    finally:
        await tg.close()


async def chaos(
    cluster: Cluster,
    *,
    kills: int,
    seconds: float,
    rng: random.Random,
    restarts: list[tuple[str, Callable[[float], None]]],
    log: Chaos,
) -> None:
    """``kills`` SIGKILLs spread over ``seconds`` with random jitter, and each server restart of
    ``restarts`` at its share of the window (a third, two thirds...)."""
    start = time.monotonic()
    pending = [(seconds * (i + 1) / (len(restarts) + 1), name, fn) for i, (name, fn) in enumerate(restarts)]
    every = seconds * 0.9 / max(kills, 1)
    kinds = [WEBHOOK, WORKER]
    rng.shuffle(kinds)
    for k in range(kills):
        await asyncio.sleep(max(0.0, start + every * k + rng.uniform(0, every * 0.8) - time.monotonic()))
        while pending and time.monotonic() - start >= pending[0][0]:
            _, name, restart = pending.pop(0)
            down = time.time()
            await asyncio.to_thread(restart, rng.uniform(2.0, 4.0))
            log.outages.append((name, down, time.time()))
            log.events.append(Event(down, f"{name} restarted"))
        kind = kinds[k % 2]  # both kinds, in turn; which process and when is random
        index = rng.randrange(len(cluster.processes[kind]))
        await asyncio.to_thread(cluster.kill, kind, index)
        log.kills += 1
        log.kills_by_kind[kind] += 1
        log.events.append(Event(time.time(), f"SIGKILL {kind} {index}"))
        await asyncio.sleep(rng.uniform(0.3, 2.0))
        await asyncio.to_thread(cluster.start, kind, index)
    for _, name, restart in pending:
        down = time.time()
        await asyncio.to_thread(restart, rng.uniform(2.0, 4.0))
        log.outages.append((name, down, time.time()))


def settle(cluster: Cluster, timeout_s: float) -> bool:
    """Every process running again, then until the inbox is done, no task is in flight and the
    queue is empty (or ``timeout_s``). True when it settled."""
    for kind in (WEBHOOK, WORKER):
        for index, process in enumerate(cluster.processes[kind]):
            if process.poll() is not None:
                cluster.start(kind, index)
    cluster.wait_ready(timeout_s=120)
    engine = sa.create_engine(cluster.database_url, pool_pre_ping=True)
    i, t = tables.webhook_inbox, tables.tasks
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            try:
                with engine.connect() as connection:
                    inbox = connection.scalar(sa.select(sa.func.count()).select_from(i).where(i.c.done_at.is_(None)))
                    flying = set(
                        connection.scalars(
                            sa.select(t.c.submission_id).where(t.c.status.in_(["submitted", "verifying"]))
                        )
                    )
                waiting, due = verifications_waiting(cluster.database_url, cluster.queue_url)
                if not inbox and not due and flying <= waiting:
                    return True
            except sa.exc.OperationalError:
                pass
            time.sleep(1)
        return False
    finally:
        engine.dispose()


def fault_run(
    tmp: Path,
    *,
    database_url: str,
    queue_url: str,
    members: int,
    updates: int,
    seconds: float,
    kills: int,
    restarts: list[tuple[str, Callable[[float], None]]],
    seed: int = 1,
    settle_s: float = 300,
    pause: float = 2.5,
    tick: Callable[[int], None] = lambda _n: None,
) -> FaultRun:
    log = Chaos()
    rng = random.Random(seed)
    with start_cluster(tmp, database_url=database_url, queue_url=queue_url, env=CLUSTER_ENV) as cluster:
        started = time.time()

        async def both() -> list[Delivery]:
            storm = asyncio.create_task(
                chaos(cluster, kills=kills, seconds=seconds, rng=rng, restarts=restarts, log=log)
            )
            done = await load(
                cluster, members=members, updates=updates, seconds=seconds, seed=seed, pause=pause, tick=tick
            )
            await storm
            return done

        deliveries = asyncio.run(both())
        load_s = time.time() - started
        settled = settle(cluster, settle_s)
        settle_took = time.time() - started - load_s
        calls = BotApiLog(cluster.bot_api_log).refresh()
        verdict = check(database_url, calls, deliveries, queue_url=queue_url, group=GROUP)
    return FaultRun(deliveries, log, started, load_s, settle_took, settled, verdict)


def summary(run: FaultRun) -> list[str]:
    """Kills, restarts, deliveries and when the 5xx and refused connections came."""
    answers = [a for d in run.deliveries for a in d.answers]
    failures = [a for a in answers if not a.startswith("2")]
    fivexx = [a for a in failures if a.startswith("5")]
    refused = [a for a in failures if not a.startswith("5")]
    retried = sum(1 for d in run.deliveries if len(d.answers) > 1)
    stamps = [(t, a) for d in run.deliveries for t, a in zip(d.times, d.answers, strict=True) if a.startswith("5")]
    during: dict[str, int] = {}
    for at, _ in stamps:
        where = next((name for name, down, up in run.chaos.outages if down - 1 <= at <= up + 5), "no outage")
        during[where] = during.get(where, 0) + 1
    restarts = ", ".join(
        f"{name} down {up - down:.1f} s at +{down - run.started:.0f} s" for name, down, up in run.chaos.outages
    )
    return [
        f"kills: {run.chaos.kills} (webhook {run.chaos.kills_by_kind[WEBHOOK]}, worker {run.chaos.kills_by_kind[WORKER]}); "
        f"restarts: {restarts or 'none'}",
        f"updates sent: {len(run.deliveries)}, accepted: {sum(d.accepted for d in run.deliveries)}, "
        f"sent more than once: {retried}; POSTs: {len(answers)}, 5xx: {len(fivexx)} "
        f"({', '.join(f'{k}: {n}' for k, n in sorted(during.items())) or 'none'}), "
        f"no answer (connection refused or reset): {len(refused)}",
        f"wall time: load {run.load_s:.0f} s, settling {run.settle_s:.0f} s ({'settled' if run.settled else 'NOT settled'})",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--updates", type=int, default=3000, help="stop sending after this many updates")
    parser.add_argument("--seconds", type=float, default=420, help="the load's time limit (at most 8 minutes)")
    parser.add_argument("--kills", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-restarts", action="store_true", help="no PostgreSQL and Redis restarts")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update docs/RELIABILITY.md")
    args = parser.parse_args()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="tgx-faults-") as scratch:
        tmp = Path(scratch)
        tmp.chmod(0o755)  # PostgreSQL runs as its own user below it
        with throwaway_postgres(tmp / "pg") as pg, throwaway_redis(tmp / "redis") as redis:
            restarts: list[tuple[str, Callable[[float], None]]] = (
                [] if args.no_restarts else [("PostgreSQL", pg.restart), ("Redis", redis.restart)]
            )
            columns = (TextColumn("updates"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns) as progress:
                bar = progress.add_task("load", total=args.updates)
                run = fault_run(
                    tmp / "cluster", database_url=pg.url, queue_url=redis.url, members=args.members,
                    updates=args.updates, seconds=args.seconds, kills=args.kills, restarts=restarts, seed=args.seed,
                    tick=lambda n: progress.update(bar, completed=n),
                )  # fmt: skip
    lines = summary(run) + describe(run.verdict)
    for line in lines:
        print(line)
    command = (
        f"python bench/faults.py --members {args.members} --updates {args.updates} --seconds {args.seconds:.0f} "
        f"--kills {args.kills} --seed {args.seed}" + (" --no-restarts" if args.no_restarts else "")
    )
    if not args.no_write:
        write_section("faults", report(run, command, (load_before, os.getloadavg()[0])), document=RELIABILITY)


def report(run: FaultRun, command: str, load: tuple[float, float]) -> str:
    v = run.verdict
    goal = "**met**" if v.ok and not v.lost and not v.doubled else "**missed**"
    rows = "\n".join(f"- {line}" for line in summary(run) + describe(v))
    return f"""## Faults

`{command}` (bench/faults.py; the checker is bench/faults_checker.py)

Two webhook processes on one port, two workers, PostgreSQL and Redis on loopback; members of one
community join, link, submit, take tasks, press Done, ask /balance, /me, /language, while random
processes are SIGKILLed and PostgreSQL and Redis are each restarted once. Telegram's part is played
by the load generator: an update counts as accepted only on a 2xx, and is sent again (same
update_id) until it is.

Goals: 0 lost, 0 doubled — {goal}: lost **{len(v.lost)}**, doubled **{len(v.doubled)}**.

{rows}
- machine load average (1 min) at start and end: {load[0]:.1f}, {load[1]:.1f} (2 cores; other work on
  the machine slows every process, which lengthens waits but should not change lost or doubled)
"""


if __name__ == "__main__":
    main()
