"""Every request that changes state proves who sends it and that it was sent on purpose: a
session (the operator's bearer token or an admin's signed cookie) and the page's CSRF token,
refused otherwise. The exceptions are listed with the reason each is safe, and checked too.

The list is built from the app's own routes: a new POST, PUT, PATCH or DELETE route fails here
until it is added to one of the tables below (and so reviewed)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from tests.fuzzing.web import OPERATOR_TOKEN, WEBHOOK_SECRET, WebUnderFuzz
from tests.world import World
from tgexchange.bot.webhook import SECRET_HEADER
from tgexchange.web.operations import CSRF_HEADER

BEARER = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
# Session + CSRF token: {route path: a body the route accepts}.
CSRF_PROTECTED: dict[str, object] = {
    "/exchange/dashboard/kill-switch": {"action": "pause", "reason": "test"},
    "/exchange/dashboard/appeals/{appeal_id}/decide": {"upheld": True, "note": "ok"},
    "/exchange/dashboard/rings/{ring_id}/clear": None,
    "/exchange/dashboard/rings/{ring_id}/confirm": None,
}
# Reviewed exceptions, each with why it is safe without the CSRF token.
OTHERWISE_PROTECTED: dict[str, str] = {
    "/telegram/webhook": "Telegram's secret header (compared in constant time); 403 without it, nothing is read.",
    "/app/api/admin/{community_id}/settings": (
        "Telegram's signed init data in the Authorization header, which a browser never adds by itself "
        "and a cross-site page cannot add without a CORS preflight this app never grants; a foreign Origin "
        "is refused (403) and only JSON is read (415)."
    ),
    "/exchange/dashboard/logout": (
        "Only ends the sender's own sessions (a forged logout is the worst it allows); a cross-site POST is "
        "refused by Origin / Sec-Fetch-Site (403), and the cookie is SameSite=Lax."
    ),
}


@pytest.fixture
def web(world: World, tmp_path: Path) -> Iterator[WebUnderFuzz]:
    web = WebUnderFuzz(world, tmp_path)
    yield web
    web.client.close()


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """Every route, also those of included routers (FastAPI keeps those inside a wrapper whose
    ``original_router`` holds them; the routers here take no prefix when included)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from api_routes(inner.routes)


def state_changing(web: WebUnderFuzz) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path)
        for route in api_routes(web.app.routes)
        for method in (route.methods or set()) - {"GET", "HEAD", "OPTIONS"}
    )


def test_every_state_changing_route_is_reviewed(web: WebUnderFuzz) -> None:
    found = {path for _, path in state_changing(web)}
    assert found, "no route found: the test would prove nothing"
    assert found == set(CSRF_PROTECTED) | set(OTHERWISE_PROTECTED), (
        "review the new route's protection and add it to a table above"
    )
    assert {method for method, _ in state_changing(web)} == {"POST"}
    assert len(list(api_routes(web.app.routes))) > 20  # GETs too: the walk reached every router


def url(path: str) -> str:
    return path.replace("{appeal_id}", "1").replace("{ring_id}", "1").replace("{community_id}", "1")


@pytest.mark.parametrize("path", sorted(CSRF_PROTECTED))
def test_without_a_session_the_request_is_refused(web: WebUnderFuzz, path: str) -> None:
    reply = web.client.post(url(path), json=CSRF_PROTECTED[path], headers={CSRF_HEADER: "whatever"})
    assert reply.status_code == 401


@pytest.mark.parametrize("path", sorted(CSRF_PROTECTED))
def test_with_a_session_but_no_valid_csrf_token_the_request_is_refused(web: WebUnderFuzz, path: str) -> None:
    body = CSRF_PROTECTED[path]
    none = web.client.post(url(path), json=body, headers=BEARER)
    forged = web.client.post(url(path), json=body, headers={**BEARER, CSRF_HEADER: "forged"})
    foreign = web.client.post(
        url(path), json=body, headers={**BEARER, CSRF_HEADER: csrf(web), "Origin": "https://evil.example"}
    )
    assert [r.status_code for r in (none, forged, foreign)] == [403, 403, 403]
    assert all("CSRF" in r.text or "Cross-site" in r.text for r in (none, forged, foreign))
    with web.world.uow() as uow:
        assert uow.operations.kill_switch() is None  # the pause never happened


def test_with_the_token_the_kill_switch_works_so_the_refusals_above_are_the_tokens_doing(web: WebUnderFuzz) -> None:
    body = CSRF_PROTECTED["/exchange/dashboard/kill-switch"]
    reply = web.client.post("/exchange/dashboard/kill-switch", json=body, headers={**BEARER, CSRF_HEADER: csrf(web)})
    assert reply.status_code == 200, reply.text


def test_the_webhook_without_its_secret_is_refused(web: WebUnderFuzz) -> None:
    body = b'"not an update"'
    assert web.client.post("/telegram/webhook", content=body).status_code == 403
    assert web.client.post("/telegram/webhook", content=body, headers={SECRET_HEADER: "nope"}).status_code == 403
    assert (
        web.client.post("/telegram/webhook", content=body, headers={SECRET_HEADER: WEBHOOK_SECRET}).status_code == 400
    )


def test_the_mini_apps_settings_without_init_data_or_from_another_site_are_refused(web: WebUnderFuzz) -> None:
    path = f"/app/api/admin/{web.community.id}/settings"
    before = web.client.get(f"/app/api/admin/{web.community.id}", headers=web.admin_auth()).json()["settings"]
    bare = web.client.post(path, json={"min_words": 3})
    cookie_only = web.client.post(path, json={"min_words": 3}, headers=BEARER)
    foreign = web.client.post(
        path, json={"min_words": 3}, headers={**web.admin_auth(), "Origin": "https://evil.example"}
    )
    form = web.client.post(path, data={"min_words": "3"}, headers=web.admin_auth())
    assert [r.status_code for r in (bare, cookie_only, foreign, form)] == [401, 401, 403, 415]
    after = web.client.get(f"/app/api/admin/{web.community.id}", headers=web.admin_auth()).json()["settings"]
    assert after == before


def test_logout_from_another_site_is_refused(web: WebUnderFuzz) -> None:
    foreign = web.client.post("/exchange/dashboard/logout", headers={"Origin": "https://evil.example"})
    cross = web.client.post("/exchange/dashboard/logout", headers={"Sec-Fetch-Site": "cross-site"})
    same = web.client.post("/exchange/dashboard/logout", headers={"Origin": "http://testserver"})
    assert [foreign.status_code, cross.status_code, same.status_code] == [403, 403, 303]


def csrf(web: WebUnderFuzz) -> str:
    token = web.client.get("/exchange/dashboard/appeals", headers=BEARER).json()["csrf_token"]
    assert isinstance(token, str)
    return token
