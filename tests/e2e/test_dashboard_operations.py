"""The dashboard's operations: anomalies for whoever may see them, the kill switch for the
operator only, behind a CSRF token from the page, every use audited; and /metrics."""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import BEARER, Dashboard
from tgexchange.domain.operations import Anomaly, AnomalyKind, Finding, WatchdogPolicy
from tgexchange.services import watchdog
from tgexchange.services.watchdog import BreakerView, Observations

API = "/exchange/dashboard"


async def page_token(client: httpx.AsyncClient) -> str:
    page = await client.get(API, headers=BEARER)
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def an_outage_and_a_spam_wave_elsewhere(dashboard: Dashboard) -> None:
    world = dashboard.world
    findings = watchdog.detect(
        world.uow(), Observations(breakers=[BreakerView("youtube", "open", 5)]), policy=WatchdogPolicy(), now=world.now
    )
    watchdog.watch(world.uow(), findings, policy=WatchdogPolicy(), operators=[], now=world.now)


async def test_the_operator_sees_the_switch_and_open_anomalies(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    dashboard.world.community()
    an_outage_and_a_spam_wave_elsewhere(dashboard)

    found = (await client.get(f"{API}/anomalies", headers=BEARER)).json()

    assert found["paused"] is False
    assert [(a["kind"], a["affects"], a["severity"], a["cleared_at"]) for a in found["items"]] == [
        ("platform_outage", "platform youtube", 0.7, None)
    ]


async def test_the_kill_switch_wants_the_pages_csrf_token(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    body = {"action": "pause", "reason": "checking a deploy"}

    without = await client.post(f"{API}/kill-switch", json=body, headers=BEARER)
    forged = await client.post(f"{API}/kill-switch", json=body, headers={**BEARER, "X-CSRF-Token": "made-up"})
    cross_site = await client.post(
        f"{API}/kill-switch",
        json=body,
        headers={**BEARER, "X-CSRF-Token": await page_token(client), "Origin": "https://evil.example"},
    )

    assert [without.status_code, forged.status_code, cross_site.status_code] == [403, 403, 403]
    with dashboard.world.uow() as uow:
        assert uow.operations.kill_switch() is None


async def test_the_operator_pauses_and_resumes_everything_from_the_page(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    headers = {**BEARER, "X-CSRF-Token": await page_token(client)}

    paused = await client.post(f"{API}/kill-switch", json={"action": "pause", "reason": "deploy"}, headers=headers)
    state = (await client.get(f"{API}/anomalies", headers=BEARER)).json()
    dashboard.world.clock.advance(minutes=3)
    resumed = await client.post(f"{API}/kill-switch", json={"action": "resume"}, headers=headers)
    again = await client.post(f"{API}/kill-switch", json={"action": "resume"}, headers=headers)

    assert paused.status_code == 200
    assert (state["paused"], state["reason"], state["by"]) == (True, "deploy", "dashboard:operator")
    assert resumed.json()["held_s"] == 180
    assert again.status_code == 409
    with dashboard.world.uow() as uow:
        log = [(c.action, c.actor, c.held_s) for c in reversed(uow.operations.switch_log(limit=5))]
    assert log == [("pause", "dashboard:operator", None), ("resume", "dashboard:operator", 180)]


async def test_an_admin_may_neither_use_the_switch_nor_see_other_communities_anomalies(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    mine, theirs = dashboard.world.community(), dashboard.world.community()
    admin = dashboard.admin(mine)
    world = dashboard.world
    with world.uow() as uow:
        for community in (mine, theirs):
            finding = Finding(AnomalyKind.SPAM_WAVE, 0.6, "spam", {}, community_id=community.id)
            uow.operations.save_anomaly(Anomaly.first(finding, world.now))
        uow.commit()
    await client.get(dashboard.login_url(admin))

    seen = (await client.get(f"{API}/anomalies")).json()
    pause = await client.post(f"{API}/kill-switch", json={"action": "pause", "reason": "x"})

    assert [a["community_id"] for a in seen["items"]] == [mine.id]
    assert pause.status_code == 403  # a logged-in admin is not the operator
    with world.uow() as uow:
        assert uow.operations.kill_switch() is None


async def test_metrics_export_the_switch_and_the_anomalies(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    dashboard.world.community()
    an_outage_and_a_spam_wave_elsewhere(dashboard)

    text = (await client.get("/metrics", headers=BEARER)).text

    assert 'tgexchange_kill_switch{scope="everything"} 0.0' in text
    assert 'tgexchange_anomaly_severity{affects="platform youtube",id="1",kind="platform_outage"} 0.7' in text
    assert "tgexchange_anomalies_open 1.0" in text
