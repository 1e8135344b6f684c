"""The dashboard over HTTP (ASGI): who gets in, what they see, what bad input gets, and the
headers, probes and metrics around it."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pydantic import SecretStr, ValidationError

from tests.e2e.conftest import BEARER, OPERATOR_TOKEN, Dashboard, make_dashboard
from tests.reciprocity_history import history
from tests.refusals import refused
from tests.settings import settings_of
from tests.world import World
from tgexchange.adapters.db.engine import make_engine
from tgexchange.adapters.db.reciprocity import SqlReciprocityScores
from tgexchange.bootstrap import MIN_SECRET_KEY_LENGTH, Container, session_secret, storage_on
from tgexchange.config import ConfigurationError
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.reciprocity import ReciprocityScore
from tgexchange.ml import reciprocity_artifact as artifact
from tgexchange.ml.features import build_dataset
from tgexchange.ml.reciprocity_training import train
from tgexchange.services import community as community_service
from tgexchange.web.app import create_app
from tgexchange.web.auth import SESSION_COOKIE
from tgexchange.web.security import STRICT_CSP

API = "/exchange/dashboard"
READS = ["overview", "groups", "users", "platforms", "errors", "communities", "model"]
EXPORTS = ["export/csv?entity_type=tasks", "export/json?entity_type=users"]


def a_verified_task(world: World, community: Community, giver_name: str = "giver") -> None:
    world.submission(world.member(community), wanted=1)
    world.verified(world.task(world.member(community, giver_name)))


async def log_in(client: httpx.AsyncClient, dashboard: Dashboard, telegram_user_id: int) -> httpx.Response:
    return await client.get(dashboard.login_url(telegram_user_id))


def cookie_attributes(response: httpx.Response) -> set[str]:
    header = response.headers["set-cookie"]
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


# Who gets in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", READS + EXPORTS)
async def test_without_a_session_every_endpoint_answers_401(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(f"{API}/{path}")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization", ["Bearer wrong-token", "Basic b3A6b3A=", "Bearer", OPERATOR_TOKEN, f"Bearer {OPERATOR_TOKEN[:-1]}"]
)
async def test_anything_but_the_operator_token_is_401(client: httpx.AsyncClient, authorization: str) -> None:
    response = await client.get(f"{API}/overview", headers={"Authorization": authorization})

    assert response.status_code == 401


async def test_the_operator_token_sees_every_community(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    first, second = dashboard.world.community(), dashboard.world.community()
    a_verified_task(dashboard.world, first)
    a_verified_task(dashboard.world, second)

    overview = (await client.get(f"{API}/overview", headers=BEARER)).json()
    communities = (await client.get(f"{API}/communities", headers=BEARER)).json()

    assert overview["totals"]["verified"] == 2
    assert communities == {
        "is_operator": True,
        "items": [{"id": first.id, "title": first.title}, {"id": second.id, "title": second.title}],
    }


async def test_no_operator_token_configured_lets_no_bearer_in(world: World, tmp_path: Path) -> None:
    dashboard = make_dashboard(world, tmp_path)
    dashboard.settings.operator_token = None
    transport = httpx.ASGITransport(app=dashboard.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(f"{API}/overview", headers={"Authorization": "Bearer "})

    assert response.status_code == 401


async def test_a_login_link_sets_an_httponly_lax_session_cookie_and_opens_the_dashboard(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    user = dashboard.admin(dashboard.world.community())

    response = await log_in(client, dashboard, user)

    assert response.status_code == 303
    assert response.headers["location"] == API
    assert response.headers["set-cookie"].startswith(f"{SESSION_COOKIE}=")
    assert {"httponly", "samesite", "path", "max-age"} <= cookie_attributes(response)
    assert "samesite=lax" in response.headers["set-cookie"].lower()
    assert "secure" not in cookie_attributes(response)  # plain http on loopback: a Secure cookie would be dropped
    assert response.headers["referrer-policy"] == "no-referrer"
    assert (await client.get(f"{API}/overview")).status_code == 200


async def test_the_cookie_is_secure_when_the_public_address_is_https(world: World, tmp_path: Path) -> None:
    dashboard = make_dashboard(world, tmp_path, public_base_url="https://dash.example")
    user = dashboard.admin(world.community())
    transport = httpx.ASGITransport(app=dashboard.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(dashboard.login_url(user).replace("https://dash.example", ""))

    assert "secure" in cookie_attributes(response)


async def test_the_cookie_is_secure_when_the_request_came_over_https(world: World, tmp_path: Path) -> None:
    dashboard = make_dashboard(world, tmp_path, public_base_url="http://internal")
    user = dashboard.admin(world.community())
    transport = httpx.ASGITransport(app=dashboard.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        response = await client.get(dashboard.login_url(user).replace("http://internal", ""))

    assert "secure" in cookie_attributes(response)


async def test_a_link_used_twice_is_refused_the_second_time(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    url = dashboard.login_url(user)
    assert (await client.get(url)).status_code == 303
    client.cookies.clear()

    again = await client.get(url)

    assert again.status_code == 401
    assert "already used" in again.text
    assert "set-cookie" not in again.headers
    assert (await client.get(f"{API}/overview")).status_code == 401


@pytest.mark.parametrize(
    ("bot_token", "says", "never"),
    [
        (None, "run <code>tgexchange demo</code> again", "to the bot"),
        ("123456:bot-token-for-tests", "Send /dashboard to the bot in a private chat", "tgexchange demo"),
    ],
)
async def test_a_spent_link_says_how_to_get_a_new_one_pointing_to_a_bot_only_where_one_runs(
    client: httpx.AsyncClient, dashboard: Dashboard, bot_token: str | None, says: str, never: str
) -> None:
    dashboard.settings.telegram_bot_token = SecretStr(bot_token) if bot_token else None
    url = dashboard.login_url(dashboard.admin(dashboard.world.community()))
    await client.get(url)
    client.cookies.clear()

    again = await client.get(url)
    landing = await client.get(API)

    for page in (again, landing):
        assert page.status_code == 401
        assert says in page.text
        assert never not in page.text
        assert f'<link rel="stylesheet" href="{API}/static/dashboard.css?v=' in page.text  # styled like the dashboard


async def test_an_expired_link_is_refused(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    url = dashboard.login_url(user)
    dashboard.world.clock.advance(minutes=11)

    response = await client.get(url)

    assert response.status_code == 401
    assert "expired" in response.text


async def test_a_made_up_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/login", params={"token": "A" * 43})

    assert response.status_code == 401


async def test_telegrams_link_preview_does_not_spend_the_link(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    url = dashboard.login_url(user)

    preview = await client.get(url, headers={"User-Agent": "TelegramBot (like TwitterBot)"})
    person = await client.get(url)

    assert preview.status_code == 200
    assert "set-cookie" not in preview.headers
    assert person.status_code == 303


async def test_an_admin_of_one_community_asking_for_another_gets_403(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    mine, theirs = dashboard.world.community(), dashboard.world.community()
    await log_in(client, dashboard, dashboard.admin(mine))

    for path in ["overview", "users", "platforms", "errors", "export/csv?entity_type=tasks"]:
        separator = "&" if "?" in path else "?"
        refused = await client.get(f"{API}/{path}{separator}community_id={theirs.id}")
        allowed = await client.get(f"{API}/{path}{separator}community_id={mine.id}")
        assert (refused.status_code, allowed.status_code) == (403, 200), path
    assert "not an admin" in refused.json()["detail"]


async def test_an_admin_sees_only_their_communities(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    world = dashboard.world
    mine, theirs = world.community(), world.community()
    a_verified_task(world, mine, "my giver")
    a_verified_task(world, theirs, "their giver")
    a_verified_task(world, theirs, "their other giver")
    await log_in(client, dashboard, dashboard.admin(mine))

    overview = (await client.get(f"{API}/overview")).json()
    groups = (await client.get(f"{API}/groups")).json()
    users = (await client.get(f"{API}/users", params={"min_interactions": 1})).json()
    csv = (await client.get(f"{API}/export/csv", params={"entity_type": "users"})).text

    assert overview["totals"]["verified"] == 1
    assert [g["community_id"] for g in groups["items"]] == [mine.id]
    assert [u["display_name"] for u in users["items"]] == ["my giver"]
    assert "my giver" in csv
    assert "their giver" not in csv


async def test_a_session_ends_when_its_admin_is_no_longer_an_admin(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community = dashboard.world.community()
    user = dashboard.admin(community)
    await log_in(client, dashboard, user)
    with dashboard.world.uow() as uow:
        member = uow.members.find_by_user(community.id, user)
    assert member is not None
    community_service.mirror_admin_role(
        dashboard.world.uow(), community_id=community.id, telegram_user_id=user, told=False, now=dashboard.world.now
    )

    assert (await client.get(f"{API}/overview")).status_code == 401


async def test_a_tampered_or_foreign_cookie_is_401(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    forged = URLSafeTimedSerializer("not-our-secret", salt="tgexchange.dashboard.session").dumps({"u": user})

    client.cookies.set(SESSION_COOKIE, forged)
    response = await client.get(f"{API}/overview")

    assert response.status_code == 401


async def test_a_session_older_than_eight_hours_is_401(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())

    class NineHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 9 * 3600

    old = URLSafeTimedSerializer(
        dashboard.container.session_secret, salt="tgexchange.dashboard.session", signer=NineHoursAgo
    ).dumps({"u": user, "e": 0})
    fresh = URLSafeTimedSerializer(dashboard.container.session_secret, salt="tgexchange.dashboard.session").dumps(
        {"u": user, "e": 0}  # epoch 0: this user never redeemed a link
    )

    client.cookies.set(SESSION_COOKIE, old)
    assert (await client.get(f"{API}/overview")).status_code == 401
    client.cookies.set(SESSION_COOKIE, fresh)
    assert (await client.get(f"{API}/overview")).status_code == 200


async def test_logging_out_revokes_a_copy_of_the_session_cookie(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    await log_in(client, dashboard, dashboard.admin(dashboard.world.community()))
    copied = client.cookies[SESSION_COOKIE]  # e.g. lifted from a shared computer, valid 8 hours

    await client.post(f"{API}/logout")
    client.cookies.set(SESSION_COOKIE, copied, path="/exchange/dashboard")

    assert (await client.get(f"{API}/overview")).status_code == 401


async def test_a_new_login_link_ends_the_same_users_older_session(dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    transport = httpx.ASGITransport(app=dashboard.app)
    async with (
        httpx.AsyncClient(transport=transport, base_url=dashboard.base_url) as laptop,
        httpx.AsyncClient(transport=transport, base_url=dashboard.base_url) as phone,
    ):
        await log_in(laptop, dashboard, user)
        assert (await laptop.get(f"{API}/overview")).status_code == 200

        await log_in(phone, dashboard, user)

        assert (await phone.get(f"{API}/overview")).status_code == 200
        assert (await laptop.get(f"{API}/overview")).status_code == 401


async def test_a_cookie_without_a_session_epoch_is_401(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    user = dashboard.admin(dashboard.world.community())
    before_epochs = URLSafeTimedSerializer(dashboard.container.session_secret, salt="tgexchange.dashboard.session")

    client.cookies.set(SESSION_COOKIE, before_epochs.dumps({"u": user}))

    assert (await client.get(f"{API}/overview")).status_code == 401


async def test_logging_out_forgets_the_session(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    await log_in(client, dashboard, dashboard.admin(dashboard.world.community()))

    response = await client.post(f"{API}/logout")

    assert response.status_code == 303
    assert (await client.get(f"{API}/overview")).status_code == 401
    page = await client.get(response.headers["location"])
    assert page.status_code == 401
    assert "logged out" in page.text


def test_the_session_secret_is_generated_once_and_kept_private(dashboard: Dashboard) -> None:
    key_file = Path(dashboard.settings.data_dir) / "secret_key"
    secret = dashboard.container.session_secret

    assert key_file.read_text().strip() == secret
    assert key_file.stat().st_mode & 0o077 == 0
    assert make_dashboard(dashboard.world, Path(dashboard.settings.data_dir)).container.session_secret == secret


@pytest.mark.parametrize("given", ["", "   "])
def test_an_empty_secret_key_is_never_used_to_sign_sessions(dashboard: Dashboard, given: str) -> None:
    # SECRET_KEY=${SECRET_KEY} with nothing behind it: signing with "" would let anyone forge a session.
    dashboard.settings.secret_key = SecretStr(given)

    secret = session_secret(dashboard.settings)

    assert len(secret) >= MIN_SECRET_KEY_LENGTH
    assert secret == (Path(dashboard.settings.data_dir) / "secret_key").read_text().strip()


def test_a_short_secret_key_is_refused_and_a_long_one_used(dashboard: Dashboard) -> None:
    dashboard.settings.secret_key = SecretStr("guessable")
    with pytest.raises(ConfigurationError, match="at least 32 characters"):
        session_secret(dashboard.settings)

    dashboard.settings.secret_key = SecretStr("k" * MIN_SECRET_KEY_LENGTH)
    assert session_secret(dashboard.settings) == "k" * MIN_SECRET_KEY_LENGTH


@pytest.mark.parametrize("token", ["x", "k" * 31, "  " + "k" * 31 + "\n"])
def test_a_short_operator_token_is_refused_at_start(token: str) -> None:
    with pytest.raises(ValidationError, match="OPERATOR_TOKEN\n  must be at least 32 characters"):
        settings_of(OPERATOR_TOKEN=token)


async def test_the_operator_token_is_read_without_surrounding_whitespace(world: World, tmp_path: Path) -> None:
    dashboard = make_dashboard(world, tmp_path / "data")
    dashboard.settings = settings_of(OPERATOR_TOKEN=f"  {OPERATOR_TOKEN}\n", SECRET_KEY=None)
    dashboard.container.settings = dashboard.settings

    assert dashboard.settings.operator_token is not None
    assert dashboard.settings.operator_token.get_secret_value() == OPERATOR_TOKEN
    assert settings_of(OPERATOR_TOKEN="  ").operator_token is None  # blank: unset, no operator access
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=dashboard.app), base_url=dashboard.base_url) as c:
        assert (await c.get(f"{API}/communities", headers=BEARER)).status_code == 200


# What they see -----------------------------------------------------------------------------------------


async def test_the_page_without_a_session_explains_how_to_log_in(client: httpx.AsyncClient) -> None:
    response = await client.get(API)

    assert response.status_code == 401
    assert "/dashboard" in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_the_page_escapes_community_titles(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    community = dashboard.world.community()
    community_service.register_community(
        dashboard.world.uow(),
        telegram_chat_id=community.telegram_chat_id,
        title="<script>alert(1)</script>",
        now=dashboard.world.now,
    )
    await log_in(client, dashboard, dashboard.admin(community))

    page = await client.get(API)

    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_every_view_answers_its_documented_shape(client: httpx.AsyncClient, dashboard: Dashboard) -> None:
    a_verified_task(dashboard.world, dashboard.world.community())

    overview = (await client.get(f"{API}/overview", headers=BEARER, params={"period": "weekly"})).json()
    platforms = (await client.get(f"{API}/platforms", headers=BEARER)).json()
    groups = (await client.get(f"{API}/groups", headers=BEARER, params={"sort_by": "efficiency"})).json()
    errors = (await client.get(f"{API}/errors", headers=BEARER, params={"hours": 1})).json()

    assert overview["totals"] == {"tasks": 1, "verified": 1, "decided": 1, "success_rate": 1.0, "open": None}
    assert overview["reciprocity"] == {"feedback_given": 1, "feedback_received": 1, "roi": 1.0}
    assert overview["credits_moved"] == 10
    assert len(overview["verified_per_day"]) == 7
    assert [p["label"] for p in platforms["items"]] == ["YouTube", "TikTok", "Instagram"]
    assert platforms["items"][0]["outcomes"]["verified"] == 1
    assert groups["items"][0]["efficiency"] == 1.0
    assert errors == {"hours": 1, "since": errors["since"], "total": 0, "by_type": [], "recent": []}


async def test_the_overview_counts_who_asked_for_a_task_and_found_none_in_the_period(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    world = dashboard.world
    community = world.community()
    a_verified_task(world, community)
    on_instagram = world.member(community, "Ivy", link=Platform.INSTAGRAM)  # nobody posts there
    for hours in (0, 24 * 8, 1, 0):  # once; eight days later once more; an hour on, twice (one hour)
        world.clock.advance(hours=hours)
        with refused("no_task_available"):
            world.task(on_instagram)
    await log_in(client, dashboard, dashboard.admin(community))

    weekly = (await client.get(f"{API}/overview", params={"period": "weekly"})).json()
    all_time = (await client.get(f"{API}/overview")).json()
    elsewhere = (
        await client.get(f"{API}/overview", headers=BEARER, params={"community_id": world.community().id})
    ).json()

    assert weekly["asked_in_vain"] == {"members": 1, "member_hours": 2}
    assert all_time["asked_in_vain"] == {"members": 1, "member_hours": 3}
    assert elsewhere["asked_in_vain"] == {"members": 0, "member_hours": 0}


@pytest.mark.parametrize(
    "query",
    [
        "overview?period=yearly",
        "overview?community_id=0",
        "overview?community_id=abc",
        f"overview?community_id={2**63}",
        "groups?limit=0",
        "groups?limit=501",
        "groups?sort_by=name",
        "users?min_interactions=-1",
        "errors?hours=0",
        "errors?hours=169",
        "errors?limit=201",
        "export/csv?entity_type=passwords",
        "export/json",
        f"login?token={'x' * 257}",
    ],
)
async def test_bad_input_is_422_never_a_server_error(client: httpx.AsyncClient, query: str) -> None:
    response = await client.get(f"{API}/{query}", headers=BEARER)

    assert response.status_code == 422


async def test_an_unknown_community_is_empty_for_the_operator(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/overview", headers=BEARER, params={"community_id": 12345})

    assert response.status_code == 200
    assert response.json()["totals"]["tasks"] == 0


# Headers, probes, metrics -------------------------------------------------------------------------------


async def test_every_response_carries_a_strict_content_security_policy(client: httpx.AsyncClient) -> None:
    for path in [API, f"{API}/overview", "/healthz", "/openapi.json"]:
        response = await client.get(path, headers=BEARER)
        policy = response.headers["content-security-policy"]
        assert "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_api_answers_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/overview", headers=BEARER)

    assert response.headers["cache-control"] == "no-store"


async def test_the_swagger_page_loads_pinned_local_files_under_the_strict_policy(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    scripts = re.findall(r'<script src="([^"]+)"', response.text)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', response.text)
    bundle = await client.get(scripts[0])

    assert response.status_code == 200
    assert response.headers["content-security-policy"] == STRICT_CSP  # no CDN, no inline script
    assert "<script>" not in response.text
    assert "http" not in response.text  # every URL on this origin
    assert [url.split("?")[0] for url in scripts + styles] == [
        f"{API}/static/swagger-ui-bundle.js",
        f"{API}/static/docs.js",
        f"{API}/static/swagger-ui.css",
    ]
    assert bundle.status_code == 200
    assert 'PACKAGE_VERSION:"5.32.6"' in bundle.text  # the version fastapi-offline 1.7.7 pins


async def test_plotly_is_served_from_the_python_package_gzipped_and_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    plain = await client.get(f"{API}/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    zipped = await client.get(f"{API}/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    again = await client.get(f"{API}/static/plotly.min.js", headers={"If-None-Match": plain.headers["etag"]})

    assert plain.status_code == 200
    assert b"plotly.js v" in plain.content[:200]
    assert zipped.headers["content-encoding"] == "gzip"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 2
    assert "immutable" in plain.headers["cache-control"]
    assert again.status_code == 304


async def test_only_the_dashboards_own_static_files_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get(f"{API}/static/secret_key")).status_code == 404
    assert (await client.get(f"{API}/static/..%2F..%2Fconfig.py")).status_code == 404


async def test_the_health_and_readiness_probes_answer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": True, "migrations_at_head": True}


async def test_readiness_fails_while_migrations_are_behind(dashboard: Dashboard, client: httpx.AsyncClient) -> None:
    with dashboard.world.storage.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))

    response = await client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "not_ready", "database": True, "migrations_at_head": False}


async def test_readiness_fails_while_the_database_is_unreachable(world: World, tmp_path: Path) -> None:
    unreachable = storage_on(make_engine("postgresql+psycopg://nobody@127.0.0.1:9/nowhere?connect_timeout=2"))
    dashboard = make_dashboard(world, tmp_path)
    app = create_app(Container(settings=dashboard.settings, storage=unreachable, clock=world.clock))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.get("/readyz")
        metrics = await client.get("/metrics", headers=BEARER)

    assert response.status_code == 503
    assert response.json()["database"] is False
    assert "tgexchange_database_up 0.0" in metrics.text


async def test_metrics_need_the_operator_and_count_requests_by_route_and_tasks_by_status(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    a_verified_task(dashboard.world, dashboard.world.community())
    await client.get(f"{API}/overview", headers=BEARER)
    await client.get(f"{API}/static/dashboard.css")

    assert (await client.get("/metrics")).status_code == 401
    text = (await client.get("/metrics", headers=BEARER)).text

    assert 'tgexchange_http_requests_total{method="GET",route="/exchange/dashboard/overview",status="200"} 1.0' in text
    assert 'route="/exchange/dashboard/static/{name}"' in text  # the template, not each path
    assert 'tgexchange_tasks{status="verified"} 1.0' in text
    assert "tgexchange_http_request_duration_seconds_bucket" in text
    assert "tgexchange_queue_depth" not in text


async def test_made_up_http_methods_share_one_metrics_label(client: httpx.AsyncClient) -> None:
    for n in range(20):  # anyone may send these, logged in or not
        await client.request(f"X{n:03d}", "/healthz")

    text = (await client.get("/metrics", headers=BEARER)).text

    assert 'method="X' not in text
    assert 'tgexchange_http_requests_total{method="other",route="/healthz",status="405"} 20.0' in text


async def test_metrics_report_the_queue_depth_when_told_how(dashboard: Dashboard) -> None:
    app = create_app(dashboard.container, queue_depth=lambda: 7)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        text = (await client.get("/metrics", headers=BEARER)).text

    assert "tgexchange_queue_depth 7.0" in text


async def test_extra_routers_are_mounted_beside_the_dashboard(dashboard: Dashboard) -> None:
    webhook = APIRouter()

    @webhook.post("/telegram/webhook")
    def receive() -> dict[str, bool]:
        return {"ok": True}

    app = create_app(dashboard.container, extra_routers=[webhook])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        response = await client.post("/telegram/webhook")

    assert response.json() == {"ok": True}


async def test_an_admins_link_keeps_working_after_other_links_expire(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    user = dashboard.admin(dashboard.world.community())
    dashboard.login_url(user)
    dashboard.world.clock.advance(days=2)
    fresh = dashboard.login_url(user)
    dashboard.world.clock.advance(minutes=9)

    assert (await client.get(fresh)).status_code == 303


async def test_members_carry_their_predicted_reciprocity_once_scored(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    community = dashboard.world.community()
    a_verified_task(dashboard.world, community, "scored")
    unscored = (await client.get(f"{API}/users", headers=BEARER)).json()["items"]
    assert {item["predicted_reciprocity"] for item in unscored} == {None}
    giver = next(item for item in unscored if item["display_name"] == "scored")
    SqlReciprocityScores(dashboard.world.storage.engine).replace(
        [
            ReciprocityScore(giver["member_id"], Platform.YOUTUBE, 0.8, 0.5),
            ReciprocityScore(giver["member_id"], Platform.TIKTOK, 0.6, 0.5),
        ],
        version="test",
        now=dashboard.world.now,
    )
    dashboard.world.clock.advance(seconds=dashboard.settings.dashboard_shared_s)  # the first answer is shared that long

    scored = (await client.get(f"{API}/users", headers=BEARER)).json()["items"]

    mine = next(item for item in scored if item["member_id"] == giver["member_id"])
    assert mine["predicted_reciprocity"] == pytest.approx(0.7)


async def test_the_model_card_says_when_there_is_no_model_and_shows_the_one_in_use(
    client: httpx.AsyncClient, dashboard: Dashboard
) -> None:
    assert (await client.get(f"{API}/model", headers=BEARER)).json()["version"] is None
    tasks, members, _ = history(members=40, tasks=2000)
    trained = train(build_dataset(tasks, members), version="reciprocity-api")
    directory = dashboard.settings.model_dir
    artifact.save(trained.model, trained.card, directory, holdout=trained.holdout)
    artifact.promote("reciprocity-api", directory)

    card = (await client.get(f"{API}/model", headers=BEARER)).json()

    assert card["version"] == "reciprocity-api"
    assert card["samples"]["test"] == trained.card["samples"]["test"]
    assert card["served"] == {k: trained.card["served"][k] for k in ("train", "calibration")}
    assert card["roc_auc"] == pytest.approx(trained.card["roc_auc"])
    assert card["baseline_auc"] == pytest.approx(trained.card["baseline_auc"])
    assert sum(point["count"] for point in card["calibration"]) == card["samples"]["test"]
