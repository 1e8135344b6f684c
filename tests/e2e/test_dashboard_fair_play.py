"""Fair play on the dashboard: an admin sees their community's appeals and decides them (with the
CSRF token the queue hands out), once; the operator sees every community's; cooldowns started and
newcomers refused are counted."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from tests.e2e.conftest import BEARER, Dashboard
from tests.world import World
from tgexchange.adapters.db import tables
from tgexchange.domain.community import Community
from tgexchange.domain.health import AdmissionClosed, CooldownActive
from tgexchange.domain.member import Member, MemberStatus
from tgexchange.domain.penalty import PenaltyAction
from tgexchange.services import appeal as appeal_service
from tgexchange.services import penalty as penalty_service
from tgexchange.services.health import ensure_can_request_feedback

API = "/exchange/dashboard"


def banned_and_appealing(world: World, community: Community, name: str = "Bob") -> Member:
    admin = world.member(community, admin=True, link=None)
    bob = world.member(community, name, link=None)
    penalty_service.apply_penalty(
        world.uow(),
        action=PenaltyAction.BAN,
        actor_member_id=admin.id,
        target_member_id=bob.id,
        reason="spam",
        now=world.now,
    )
    appeal_service.file_appeal(world.uow(), member_id=bob.id, text="that was my own channel", now=world.now)
    return bob


async def test_an_admin_decides_their_communitys_appeal_once_with_the_csrf_token(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    world = dashboard.world
    ours, theirs = world.community(), world.community()
    bob = banned_and_appealing(world, ours)
    banned_and_appealing(world, theirs, "Eve")
    user = dashboard.admin(ours)
    await client.get(dashboard.login_url(user))

    queue = (await client.get(f"{API}/appeals")).json()
    assert [(a["member_name"], a["penalty"]["kind"], a["penalty"]["reason"], a["text"]) for a in queue["items"]] == [
        ("Bob", "ban", "spam", "that was my own channel")
    ]
    appeal_id = queue["items"][0]["id"]
    body = {"upheld": True, "note": "own channel"}

    without = await client.post(f"{API}/appeals/{appeal_id}/decide", json=body)
    assert without.status_code == 403
    headers = {"X-CSRF-Token": queue["csrf_token"]}
    others = (await client.get(f"{API}/appeals", headers=BEARER)).json()["items"]
    eve_appeal = next(a["id"] for a in others if a["member_name"] == "Eve")
    not_ours = await client.post(f"{API}/appeals/{eve_appeal}/decide", json=body, headers=headers)
    assert not_ours.status_code == 404
    decided = await client.post(f"{API}/appeals/{appeal_id}/decide", json=body, headers=headers)
    again = await client.post(f"{API}/appeals/{appeal_id}/decide", json={"upheld": False}, headers=headers)

    assert decided.status_code == 200
    assert decided.json()["status"] == "upheld"
    assert again.status_code == 409
    with world.uow() as uow:
        found = uow.members.find(bob.id)
    assert found is not None
    assert found.status is MemberStatus.ACTIVE
    with world.storage.engine.connect() as connection:  # told in their language by the delivery job
        told = connection.execute(
            sa.select(tables.outbox.c.params).where(
                tables.outbox.c.member_id == bob.id, tables.outbox.c.kind == "appeal_decided"
            )
        ).scalars()
        assert [p["upheld"] for p in told] == [True]
    assert (await client.get(f"{API}/appeals")).json()["items"] == []


async def test_cooldowns_and_refused_newcomers_are_counted(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    world = dashboard.world
    community = world.community(admission_cap_per_day=1, health_threshold_pct=90)
    member = world.member(community, link=None)  # a newcomer's health (0.69) is under 0.9: a cooldown
    with pytest.raises(CooldownActive):
        ensure_can_request_feedback(world.uow(), member_id=member.id, now=world.now)
    with pytest.raises(AdmissionClosed):
        world.member(community, "raider", link=None)
    world.clock.advance(minutes=5)

    found = (await client.get(f"{API}/fair-play", headers=BEARER)).json()

    assert found["counts"] == {"cooldown_started": 1, "admission_refused": 1}
    assert [e["kind"] for e in found["items"]] == ["admission_refused", "cooldown_started"]
    cooldown = found["items"][1]
    assert cooldown["member_id"] == member.id
    assert cooldown["health"] == pytest.approx(0.6875)
    assert cooldown["until"] is not None
    later = (await client.get(f"{API}/fair-play", headers=BEARER, params={"hours": 1})).json()
    assert later["counts"]["cooldown_started"] == 1
    world.clock.advance(hours=2)
    assert (await client.get(f"{API}/fair-play", headers=BEARER, params={"hours": 1})).json()["counts"] == {
        "cooldown_started": 0,
        "admission_refused": 0,
    }
