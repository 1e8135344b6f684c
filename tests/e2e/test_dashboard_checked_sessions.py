"""A dashboard session checked against the database a moment ago answers the next refreshes without
reading it again (web/viewers.py), but never past what it may: a logout or a new login here, and an
expired cookie, are refused at once; a lost admin role within CHECKED_FOR."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner
from starlette.concurrency import run_in_threadpool

from tests.e2e.conftest import BEARER, Dashboard
from tests.e2e.test_dashboard_shared_answers import ROUND, logged_in
from tgexchange.services import community as community_service
from tgexchange.web import shared_answers
from tgexchange.web.auth import SESSION_COOKIE
from tgexchange.web.viewers import CHECKED_FOR

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


async def test_an_admin_who_runs_no_community_any_more_is_refused_once_their_session_is_checked_again(
    dashboard: Dashboard,
) -> None:
    world = dashboard.world
    community = world.community()
    user = dashboard.admin(community)
    async with logged_in(dashboard, user) as browser:
        assert (await browser.get(ROUND["overview"])).status_code == 200
        community_service.mirror_admin_role(
            world.uow(), community_id=community.id, telegram_user_id=user, told=False, now=world.now
        )
        world.clock.advance(seconds=CHECKED_FOR.total_seconds() - 0.01)
        within = await browser.get(ROUND["overview"])
        world.clock.advance(seconds=0.01)
        checked_again = await browser.get(ROUND["overview"])

    assert (within.status_code, checked_again.status_code) == (200, 401)


async def test_a_kept_answer_for_a_checked_session_is_served_without_a_thread(
    client: httpx.AsyncClient, dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops: list[str] = []
    real: Callable[..., Any] = run_in_threadpool

    async def counted(function: Callable[..., Any], *args: Any) -> Any:
        hops.append("hop")
        return await real(function, *args)

    monkeypatch.setattr(shared_answers, "run_in_threadpool", counted)
    async with logged_in(dashboard, dashboard.admin(dashboard.world.community())) as browser:
        answers = [await browser.get(ROUND[name]) for name in ("overview", "overview", "users", "users")]
    operator = [await client.get(ROUND["groups"], headers=BEARER) for _ in range(2)]

    assert [a.status_code for a in (*answers, *operator)] == [200] * 6
    assert answers[0].content == answers[1].content
    assert len(hops) == 3  # the first of each question; the session checked once
