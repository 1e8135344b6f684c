"""The answers every open dashboard refreshes are shared between viewers who ask the same question
within DASHBOARD_SHARED_S: never across communities (an admin sees their own only), never past the bound
on the app's clock, never from before a kill switch change made here, and computed once when many
pages ask at once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import BEARER, OPERATOR_TOKEN, Dashboard
from tests.e2e.test_dashboard_operations import page_token
from tests.outcomes import record_verification_outcome
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.domain.community import Community
from tgexchange.domain.operations import Anomaly, AnomalyKind, Finding
from tgexchange.services import community as community_service
from tgexchange.services import dashboard as dashboard_service
from tgexchange.web.app import create_app

API = "/exchange/dashboard"
# What web/static/dashboard.js refreshes every 10 s.
ROUND = {
    "overview": f"{API}/overview?period=all",
    "groups": f"{API}/groups?period=all&limit=10&sort_by=interactions",
    "users": f"{API}/users?period=all&limit=10",
    "errors": f"{API}/errors?hours=24&limit=20",
    "anomalies": f"{API}/anomalies?hours=24",
}


def a_verified_task(world: World, community: Community, giver_name: str) -> None:
    world.submission(world.member(community), wanted=1)
    world.verified(world.task(world.member(community, giver_name)))


def a_rejected_task(world: World, community: Community, giver_name: str, reason: str) -> None:
    world.submission(world.member(community), wanted=1)
    task = world.task(world.member(community, giver_name))
    world.done(task)
    record_verification_outcome(world.uow(), task_id=task.id, verified=False, reason=reason, now=world.now)


def an_anomaly_in(world: World, community: Community) -> None:
    with world.uow() as uow:
        finding = Finding(AnomalyKind.SPAM_WAVE, 0.6, "spam", {}, community_id=community.id)
        uow.operations.save_anomaly(Anomaly.first(finding, world.now))
        uow.commit()


@asynccontextmanager
async def logged_in(dashboard: Dashboard, telegram_user_id: int) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (its own cookie) with the admin's session."""
    transport = httpx.ASGITransport(app=dashboard.app)
    async with httpx.AsyncClient(transport=transport, base_url=dashboard.base_url) as browser:
        assert (await browser.get(dashboard.login_url(telegram_user_id))).status_code == 303
        yield browser


async def a_round(browser: httpx.AsyncClient, **headers: str) -> dict[str, Any]:
    answers = {name: await browser.get(path, headers=headers) for name, path in ROUND.items()}
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(ROUND, 200)
    return {name: a.json() for name, a in answers.items()}


def what_it_shows(answers: dict[str, Any]) -> dict[str, Any]:
    return {
        "verified": answers["overview"]["totals"]["verified"],
        "groups": sorted(g["community_id"] for g in answers["groups"]["items"]),
        "users": sorted(u["display_name"] for u in answers["users"]["items"] if u["interactions"]),
        "errors": sorted(f"{e['source']}:{e['type']}" for e in answers["errors"]["by_type"]),
        "anomalies": sorted(a["community_id"] for a in answers["anomalies"]["items"]),
    }


async def test_admins_asking_the_same_questions_at_once_each_see_their_own_communities(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    world = dashboard.world
    first, second = world.community(), world.community()
    a_verified_task(world, first, "first giver")
    a_verified_task(world, second, "second giver")
    a_verified_task(world, second, "second other giver")
    a_rejected_task(world, first, "first sloppy", "spam")
    a_rejected_task(world, second, "second sloppy", "too_short")
    an_anomaly_in(world, first)
    an_anomaly_in(world, second)
    of_first = dashboard.admin(first, telegram_user_id=900_001)
    of_second = dashboard.admin(second, telegram_user_id=900_002)
    of_both = dashboard.admin(first, second, telegram_user_id=900_003)

    # The clock stands still: every answer after the first one of each kind could be a shared one.
    seen = {}
    for user in (of_first, of_second, of_both):
        async with logged_in(dashboard, user) as browser:
            seen[user] = what_it_shows(await a_round(browser))
    operator = what_it_shows(await a_round(client, **BEARER))

    assert seen[of_first] == {
        "verified": 1,
        "groups": [first.id],
        "users": ["first giver", "first sloppy"],
        "errors": ["rejection:spam"],
        "anomalies": [first.id],
    }
    assert seen[of_second] == {
        "verified": 2,
        "groups": [second.id],
        "users": ["second giver", "second other giver", "second sloppy"],
        "errors": ["rejection:too_short"],
        "anomalies": [second.id],
    }
    assert seen[of_both]["verified"] == 3
    assert seen[of_both]["groups"] == sorted([first.id, second.id])
    assert operator == seen[of_both]


async def test_a_shared_answer_is_never_a_way_into_a_community_the_admin_does_not_run(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    mine, theirs = dashboard.world.community(), dashboard.world.community()
    kept = await client.get(f"{API}/overview", params={"community_id": theirs.id}, headers=BEARER)

    async with logged_in(dashboard, dashboard.admin(mine)) as browser:
        refused = await browser.get(f"{API}/overview", params={"community_id": theirs.id})

    assert (kept.status_code, refused.status_code) == (200, 403)


async def test_an_admin_who_loses_a_community_stops_seeing_it_on_the_next_refresh(dashboard: Dashboard) -> None:
    world = dashboard.world
    kept, lost = world.community(), world.community()
    user = dashboard.admin(kept, lost)
    async with logged_in(dashboard, user) as browser:
        before = (await browser.get(ROUND["groups"])).json()
        community_service.mirror_admin_role(
            world.uow(), community_id=lost.id, telegram_user_id=user, told=False, now=world.now
        )
        after = (await browser.get(ROUND["groups"])).json()

    assert sorted(g["community_id"] for g in before["items"]) == sorted([kept.id, lost.id])
    assert [g["community_id"] for g in after["items"]] == [kept.id]


async def test_an_answer_is_at_most_shared_for_its_bound_on_the_apps_clock(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    world = dashboard.world
    community = world.community()
    a_verified_task(world, community, "giver")
    first = (await client.get(ROUND["overview"], headers=BEARER)).json()

    a_verified_task(world, community, "another giver")
    shared = (await client.get(ROUND["overview"], headers=BEARER)).json()
    world.clock.advance(seconds=dashboard.settings.dashboard_shared_s - 0.01)
    still_shared = (await client.get(ROUND["overview"], headers=BEARER)).json()
    world.clock.advance(seconds=0.01)
    fresh = (await client.get(ROUND["overview"], headers=BEARER)).json()

    assert [a["totals"]["verified"] for a in (first, shared, still_shared, fresh)] == [1, 1, 1, 2]


async def test_an_operator_who_wants_exact_figures_turns_sharing_off(world: World, tmp_path: Path) -> None:
    settings = settings_of(TGEXCHANGE_DATA_DIR=str(tmp_path), OPERATOR_TOKEN=OPERATOR_TOKEN, DASHBOARD_SHARED_S="0")
    app = create_app(Container(settings=settings, storage=world.storage, clock=world.clock))
    community = world.community()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        a_verified_task(world, community, "giver")
        first = (await client.get(ROUND["overview"], headers=BEARER)).json()
        a_verified_task(world, community, "another giver")
        second = (await client.get(ROUND["overview"], headers=BEARER)).json()

    assert [a["totals"]["verified"] for a in (first, second)] == [1, 2]


async def test_a_kill_switch_thrown_here_shows_on_every_pages_next_refresh(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community = dashboard.world.community()
    headers = {**BEARER, "X-CSRF-Token": await page_token(client)}
    async with logged_in(dashboard, dashboard.admin(community)) as browser:
        before = (await browser.get(ROUND["anomalies"])).json()
        operator_before = (await client.get(ROUND["anomalies"], headers=BEARER)).json()
        paused = await client.post(f"{API}/kill-switch", json={"action": "pause", "reason": "deploy"}, headers=headers)
        after = (await browser.get(ROUND["anomalies"])).json()
        operator_after = (await client.get(ROUND["anomalies"], headers=BEARER)).json()

    assert paused.status_code == 200
    assert (before["paused"], operator_before["paused"]) == (False, False)
    assert (after["paused"], after["reason"], after["by"]) == (True, None, None)  # an admin is not told why
    assert (operator_after["paused"], operator_after["reason"]) == (True, "deploy")


async def test_pages_asking_the_same_question_at_once_are_answered_from_one_reading(
    client: httpx.AsyncClient, dashboard: Dashboard, monkeypatch: pytest.MonkeyPatch
) -> None:
    community = dashboard.world.community()
    a_verified_task(dashboard.world, community, "giver")
    readings: list[float] = []
    real: Callable[..., Any] = dashboard_service.overview

    def slow_overview(*args: Any, **kwargs: Any) -> Any:
        readings.append(time.monotonic())
        time.sleep(0.3)  # long enough for every other page's request to arrive meanwhile
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_service, "overview", slow_overview)
    answers = await asyncio.gather(*(client.get(ROUND["overview"], headers=BEARER) for _ in range(10)))

    assert [a.status_code for a in answers] == [200] * 10
    assert len({a.content for a in answers}) == 1
    assert len(readings) == 1
