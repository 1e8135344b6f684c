"""A page's refreshes sent at once share one database check of its session (web/viewers.py), and
kept answers are served without a thread; nothing of a check is remembered after it, so a logout,
a new login, a lost admin role and an expired cookie are refused on the very next request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from starlette.concurrency import run_in_threadpool

from tests.e2e.conftest import Dashboard
from tests.e2e.test_dashboard_shared_answers import ROUND, a_round, logged_in
from tgexchange.services import community as community_service
from tgexchange.web import auth, shared_answers
from tgexchange.web.auth import SESSION_COOKIE

API = "/exchange/dashboard"


async def test_a_logged_out_session_is_refused_at_once_though_it_was_checked_a_moment_ago(
    dashboard: Dashboard,
) -> None:
    async with logged_in(dashboard, dashboard.admin(dashboard.world.community())) as browser:
        assert (await browser.get(ROUND["overview"])).status_code == 200  # checked: known for a second
        copied = browser.cookies[SESSION_COOKIE]

        assert (await browser.post(f"{API}/logout")).status_code == 303
        browser.cookies.set(SESSION_COOKIE, copied, path="/exchange/dashboard")

        assert (await browser.get(ROUND["overview"])).status_code == 401


async def test_a_new_login_ends_the_older_session_at_once_though_it_was_checked_a_moment_ago(
    dashboard: Dashboard,
) -> None:
    user = dashboard.admin(dashboard.world.community())
    async with logged_in(dashboard, user) as laptop:
        assert (await laptop.get(ROUND["overview"])).status_code == 200
        async with logged_in(dashboard, user) as phone:
            assert (await phone.get(ROUND["overview"])).status_code == 200

        assert (await laptop.get(ROUND["overview"])).status_code == 401


async def test_an_expired_cookie_is_refused_at_once_though_its_session_was_checked_a_moment_ago(
    dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with logged_in(dashboard, dashboard.admin(dashboard.world.community())) as browser:
        assert (await browser.get(ROUND["overview"])).status_code == 200

        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: int(time.time()) + 9 * 3600)

        assert (await browser.get(ROUND["overview"])).status_code == 401


async def test_an_admin_who_runs_no_community_any_more_is_refused_at_once(dashboard: Dashboard) -> None:
    world = dashboard.world
    community = world.community()
    user = dashboard.admin(community)
    async with logged_in(dashboard, user) as browser:
        assert (await browser.get(ROUND["overview"])).status_code == 200
        community_service.mirror_admin_role(
            world.uow(), community_id=community.id, telegram_user_id=user, told=False, now=world.now
        )

        assert (await browser.get(ROUND["overview"])).status_code == 401


async def test_a_pages_five_refreshes_at_once_check_its_session_once_and_kept_answers_take_no_thread(
    dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with logged_in(dashboard, dashboard.admin(dashboard.world.community())) as browser:
        first = await a_round(browser)  # computes and keeps every answer
        checks: list[str] = []
        hops: list[str] = []
        real_check: Callable[..., Any] = auth.find_viewer

        def counted_check(request: Any) -> Any:
            checks.append("check")
            return real_check(request)

        async def counted_hop(function: Callable[..., Any], *args: Any) -> Any:
            hops.append("hop")
            return await run_in_threadpool(function, *args)

        monkeypatch.setattr(auth, "find_viewer", counted_check)
        monkeypatch.setattr(shared_answers, "run_in_threadpool", counted_hop)
        answers = await asyncio.gather(*(browser.get(path) for path in ROUND.values()))

    assert [a.status_code for a in answers] == [200] * len(ROUND)
    assert [a.json() for a in answers] == list(first.values())
    assert (len(checks), len(hops)) == (1, 0)
