"""The multi-process set-up for real: PostgreSQL, Redis, two webhook processes sharing one
address (SO_REUSEPORT), two workers and the Bot API stand-in, each its own process on loopback. A
small community goes from the bot's arrival in the group to verified, paid feedback, driven by
Bot API update JSON POSTed over HTTP."""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.botapi import TgUser
from tests.cluster import Cluster, start_cluster, wait_for
from tests.crowd import BotApiLog, Member, Recordings, Telegram, admin_user
from tests.integration.test_worker_processes import feedback_text
from tgexchange.adapters.db import tables
from tgexchange.bootstrap import Storage
from tgexchange.domain.ledger import PostingKind
from tgexchange.worker.queue import make_huey

# Both multi-process tests in one xdist group: run side by side they would starve each other.
pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("cluster")]

GROUP = -100_777_001


@pytest.fixture
def queue_url() -> str:
    url = os.environ.get("TGEXCHANGE_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("TGEXCHANGE_TEST_REDIS_URL must point at a Redis server in CI")
        pytest.skip("set TGEXCHANGE_TEST_REDIS_URL to run Redis tests")
    # A database of its own: other tests flush database 0 while this one runs beside them.
    url = url.rsplit("/", 1)[0] + "/9"
    make_huey(url).flush()
    return url


async def community_at_work(cluster: Cluster) -> dict[str, object]:
    tg = Telegram(cluster.webhook_url, cluster.headers(), BotApiLog(cluster.bot_api_log))
    recordings = Recordings(cluster.tmp / "recordings")
    try:
        admin = admin_user(GROUP)
        cluster.set_status(GROUP, admin.id, "creator")
        payload = await tg.add_bot_to_group(admin, GROUP)
        assert payload is not None, "the bot's welcome in the group has no join link"
        owners = [Member(tg, TgUser(71_000 + i, f"Owner{i}"), recordings) for i in range(3)]
        givers = [Member(tg, TgUser(72_000 + i, f"Giver{i}"), recordings) for i in range(3)]
        everyone = owners + givers
        assert all(await asyncio.gather(*(m.join(payload) for m in everyone)))
        assert all(await asyncio.gather(*(m.link_channel() for m in everyone)))
        # Three givers wanted per video: whatever order the givers' requests are served in, each
        # finds a video they have not served with room left.
        assert all(await asyncio.gather(*(m.submit(3) for m in owners)))
        rng = random.Random(21)

        async def give(index: int, giver: Member) -> int:
            done = 0
            for n in range(2):
                taken = await giver.take_task()
                assert taken is not None, f"{giver.user.first_name} got no task card"
                card, video = taken
                done += await giver.comment_and_press_done(card, video, feedback_text(rng, index * 10 + n))
            return done

        done = await asyncio.gather(*(give(i, g) for i, g in enumerate(givers)))
        assert done == [2, 2, 2]
        assert await owners[0].balance()
        assert await givers[0].me()
        assert await givers[1].language("es")
        return {"deliveries": tg.deliveries}
    finally:
        await tg.close()


def verified_notices(log: BotApiLog) -> int:
    texts = [c.text for c in log.refresh() if c.method == "sendMessage"]
    return sum("was verified" in text or "está verificada" in text for text in texts)


def count(storage: Storage, query: sa.Select[Any]) -> int:
    with storage.engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def test_a_community_works_across_two_webhook_processes_and_two_workers(
    tmp_path: Path, postgres_storage: Storage, queue_url: str
) -> None:
    database_url = postgres_storage.engine.url.render_as_string(hide_password=False)
    started = time.monotonic()
    with start_cluster(tmp_path, database_url=database_url, queue_url=queue_url) as cluster:
        outcome = asyncio.run(community_at_work(cluster))
        t = tables.tasks
        wait_for(
            lambda: count(postgres_storage, sa.select(sa.func.count()).where(t.c.status == "verified")) == 6,
            timeout_s=30,
            what="the workers to verify the six tasks",
        )
        # Every accepted update is in the inbox and done (the done marks are written in batches).
        i = tables.webhook_inbox
        wait_for(
            lambda: (
                count(postgres_storage, sa.select(sa.func.count()).select_from(i).where(i.c.done_at.is_(None))) == 0
            ),
            timeout_s=10,
            what="every update to be marked done",
        )
        log = BotApiLog(cluster.bot_api_log)
        # The workers tell each giver, through the outbox, once the decision is committed.
        wait_for(lambda: verified_notices(log) >= 6, timeout_s=15, what="the six verified notices")
        served = cluster.served()
        worker_logs = [log.read_text() for log in cluster.logs["worker"]]
        with postgres_storage.uow() as uow:
            alive = {beat.name for beat in uow.operations.workers(seen_since=datetime.now(UTC) - timedelta(minutes=1))}
        time.sleep(1)  # a notice sent twice would show by now
        notices = verified_notices(log)

    deliveries = outcome["deliveries"]
    assert isinstance(deliveries, list)
    accepted = {d.update_id for d in deliveries if d.accepted}
    assert len(accepted) == len(deliveries)
    stored = count(postgres_storage, sa.select(sa.func.count()).select_from(i).where(i.c.update_id.in_(accepted)))
    assert stored == len(accepted)
    assert all(n > 0 for n in served), f"each webhook process should have served updates: {served}"
    assert sum(served) == len(deliveries)
    # Both workers took part, on one database and one queue. Which of them takes each pass is the
    # queue's race (two submissions may be served by one worker alone: 1 run in 6 before this
    # check), so the passes are counted over both; nobody was paid twice (below) is the point.
    assert len(alive) == 2, f"both workers should beat on the shared database: {alive}"
    assert sum(log.count('"verify_started"') for log in worker_logs) >= 2  # at least one per submission
    # What reached Telegram: every giver's verified notice, once per task.
    assert notices == 6
    p = tables.postings
    payouts = count(postgres_storage, sa.select(sa.func.count()).where(p.c.kind == PostingKind.PAYOUT))
    paid_tasks = count(
        postgres_storage, sa.select(sa.func.count(sa.distinct(p.c.task_id))).where(p.c.kind == PostingKind.PAYOUT)
    )
    assert payouts == paid_tasks == 6
    with postgres_storage.uow() as uow:
        assert uow.ledger.is_balanced()
    assert time.monotonic() - started < 60
