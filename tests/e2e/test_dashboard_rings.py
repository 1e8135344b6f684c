"""The dashboard's rings over HTTP (ASGI): admins see their community's flagged groups with the
evidence and the members' names, and clear or confirm them once (with the CSRF token the list
hands out), audited under their own member id."""

from __future__ import annotations

import httpx

from tests.e2e.conftest import BEARER, Dashboard
from tests.integration.test_rings import pair_in_a_crowd
from tgexchange.domain.audit import AuditAction
from tgexchange.services import ring as ring_service

API = "/exchange/dashboard/rings"


async def log_in(client: httpx.AsyncClient, dashboard: Dashboard, telegram_user_id: int) -> None:
    await client.get(dashboard.login_url(telegram_user_id))


async def csrf(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The header a state-changing request needs, as the list hands it out."""
    token = (await client.get(API, headers=headers)).json()["csrf_token"]
    return {**(headers or {}), "X-CSRF-Token": token}


def flagged_pair(dashboard: Dashboard) -> tuple[int, int, tuple[int, int]]:
    """A community with a flagged pair: its id, the ring's id and the pair's member ids."""
    community, first, second, _ = pair_in_a_crowd(dashboard.world)
    ring_service.detect_rings(dashboard.world.storage.rings, now=dashboard.world.now)
    (ring,) = dashboard.world.storage.rings.rings_in([community.id])
    return community.id, ring.id, (first.id, second.id)


async def test_an_admin_sees_their_communitys_flagged_pair_with_the_evidence(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community_id, ring_id, pair = flagged_pair(dashboard)
    with dashboard.world.uow() as uow:
        community = uow.communities.find(community_id)
    assert community is not None
    await log_in(client, dashboard, dashboard.admin(community))

    response = await client.get(API)

    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert (item["id"], item["status"], item["member_ids"]) == (ring_id, "flagged", list(pair))
    with dashboard.world.uow() as uow:
        names = [member.display_name for m in pair if (member := uow.members.find(m)) is not None]
    assert item["member_names"] == names
    evidence = item["evidence"]
    assert evidence["internal_share"] == 1.0
    assert set(evidence) >= {"lift", "expected_share", "members", "timing", "text_similarity"}
    assert (await client.get(API, params={"status": "cleared"})).json()["items"] == []


async def test_an_admin_of_another_community_sees_none_and_cannot_decide(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community_id, ring_id, _ = flagged_pair(dashboard)
    await log_in(client, dashboard, dashboard.admin(dashboard.world.community()))

    listed = await client.get(API)
    asked = await client.get(API, params={"community_id": community_id})
    cleared = await client.post(f"{API}/{ring_id}/clear", headers=await csrf(client))

    assert listed.json()["items"] == []
    assert asked.status_code == 403
    assert cleared.status_code == 404
    assert dashboard.world.storage.rings.rings_in(None)[0].status.value == "flagged"


async def test_an_admin_confirms_once_audited_under_their_member_id(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community_id, ring_id, _ = flagged_pair(dashboard)
    with dashboard.world.uow() as uow:
        community = uow.communities.find(community_id)
    assert community is not None
    telegram_user_id = dashboard.admin(community)
    await log_in(client, dashboard, telegram_user_id)

    without_token = await client.post(f"{API}/{ring_id}/confirm")
    headers = await csrf(client)
    confirmed = await client.post(f"{API}/{ring_id}/confirm", headers=headers)
    again = await client.post(f"{API}/{ring_id}/clear", headers=headers)

    assert without_token.status_code == 403

    assert confirmed.status_code == 200
    with dashboard.world.uow() as uow:
        admin = uow.members.find_by_user(community_id, telegram_user_id)
        entries = [e for e in uow.audit.recent(community_id, limit=10) if e.action is AuditAction.RING_CONFIRMED]
    assert admin is not None
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["decided_by_member_id"] == admin.id
    assert [e.actor_member_id for e in entries] == [admin.id]
    assert again.status_code == 409
    assert "already confirmed" in again.json()["detail"]


async def test_the_operator_clears_a_ring_audited_as_the_operator(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community_id, ring_id, _ = flagged_pair(dashboard)

    cleared = await client.post(f"{API}/{ring_id}/clear", headers=await csrf(client, BEARER))

    assert cleared.status_code == 200
    assert (cleared.json()["status"], cleared.json()["decided_by_label"]) == ("cleared", "operator")
    with dashboard.world.uow() as uow:
        (entry,) = [e for e in uow.audit.recent(community_id, limit=10) if e.action is AuditAction.RING_CLEARED]
    assert (entry.actor_member_id, entry.actor_label) == (None, "operator")


async def test_without_a_session_rings_answer_401_and_nothing_changes(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    _, ring_id, _ = flagged_pair(dashboard)

    assert (await client.get(API)).status_code == 401
    assert (await client.post(f"{API}/{ring_id}/confirm")).status_code == 401
    assert (await client.post(f"{API}/0/confirm", headers=await csrf(client, BEARER))).status_code == 422
    assert dashboard.world.storage.rings.rings_in(None)[0].status.value == "flagged"


async def test_a_decision_without_the_csrf_token_or_from_another_site_is_refused(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community_id, ring_id, _ = flagged_pair(dashboard)
    with dashboard.world.uow() as uow:
        community = uow.communities.find(community_id)
    assert community is not None
    await log_in(client, dashboard, dashboard.admin(community))
    token = await csrf(client)

    bare = await client.post(f"{API}/{ring_id}/confirm")
    forged = await client.post(f"{API}/{ring_id}/confirm", headers={"X-CSRF-Token": token["X-CSRF-Token"] + "x"})
    foreign = await client.post(f"{API}/{ring_id}/confirm", headers={**token, "Origin": "https://evil.example"})

    assert [r.status_code for r in (bare, forged, foreign)] == [403, 403, 403]
    assert dashboard.world.storage.rings.rings_in(None)[0].status.value == "flagged"
