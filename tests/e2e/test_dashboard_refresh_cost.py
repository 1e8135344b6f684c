"""What every open dashboard asks every 10 s must stay cheap with hundreds of admins at once
(bench/load.py, docs/RELIABILITY.md "Load"): no refresh takes SQLite's write lock, and a page's
refresh hops to a worker thread once for its session and once per answer it has to compute."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import pytest

from tests.e2e.conftest import Dashboard

API = "/exchange/dashboard"
# One round of web/static/dashboard.js's refresh(), as the page asks it.
ROUND = (
    f"{API}/overview?period=all",
    f"{API}/groups?period=all&limit=10&sort_by=interactions",
    f"{API}/users?period=all&limit=10",
    f"{API}/errors?hours=24&limit=20",
    f"{API}/anomalies?hours=24",
)


async def logged_in_admin(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    admin = dashboard.admin(dashboard.world.community())
    assert (await client.get(dashboard.login_url(admin))).status_code == 303


async def test_a_refresh_answers_while_a_writer_holds_the_sqlite_write_lock(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    database = dashboard.world.storage.engine.url.database
    if dashboard.world.storage.engine.dialect.name != "sqlite" or not database:
        pytest.skip("the write lock is SQLite's")
    await logged_in_admin(client, dashboard)
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what every unit of work takes first, the bot's included
    try:
        # A reader in a deferred transaction reads the last commit; one that wants the write lock
        # would wait for the busy timeout (30 s), so 5 s is plenty and still fails fast enough.
        answers = await asyncio.wait_for(asyncio.gather(*(client.get(path) for path in ROUND)), timeout=5)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

    assert [answer.status_code for answer in answers] == [200] * len(ROUND)


async def test_a_pages_refresh_hops_to_a_worker_thread_once_for_its_session_and_once_per_answer_to_compute(
    client: httpx.AsyncClient, dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    await logged_in_admin(client, dashboard)
    hops: list[str] = []
    real = anyio.to_thread.run_sync

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(getattr(func, "func", func), "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    rounds = []
    for _ in range(2):  # as the page sends them: all five at once
        hops.clear()
        answers = await asyncio.gather(*(client.get(path) for path in ROUND))
        assert [answer.status_code for answer in answers] == [200] * len(ROUND)
        rounds.append(sorted(hops))

    # One session look-up for the five (web/viewers.py); the first round computes each answer on a
    # thread, the second finds them kept and answers on the event loop (three hops a request
    # before the first fix, one a request before this one).
    assert rounds == [sorted(["find_viewer"] + ["answer"] * len(ROUND)), ["find_viewer"]]
