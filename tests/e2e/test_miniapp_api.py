"""The Mini App's API over HTTP (ASGI): only Telegram's init data for this bot lets anyone in, a
member reads their own numbers (the bot's own figures), an admin reads and changes the
communities they run now, and nothing else changes anything."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx
import pytest

from tests.e2e.conftest import BEARER, OPERATOR_TOKEN
from tests.miniapp import app_container, init_data, tma
from tests.outcomes import record_verification_outcome
from tests.settings import settings_of
from tests.world import World
from tgexchange.bootstrap import Container
from tgexchange.bot.handlers.settings import STEPS as BOT_MENU_STEPS
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.languages import LANGUAGES
from tgexchange.domain.ledger import PostingKind
from tgexchange.domain.member import Member
from tgexchange.domain.quality import QualityRule
from tgexchange.domain.submission import SubmissionStatus
from tgexchange.domain.task import RejectionReason, TaskStatus
from tgexchange.services import community as community_service
from tgexchange.services import stats as stats_service
from tgexchange.services.miniapp import SETTING_STEPS
from tgexchange.web.app import create_app
from tgexchange.web.miniapp import PAGE_CSP, catalogue
from tgexchange.web.miniapp_schemas import SettingsIn
from tgexchange.web.security import STRICT_CSP

ME = "/app/api/me"


@dataclass
class App:
    world: World
    container: Container
    client: httpx.AsyncClient

    def auth(self, member: Member | int, *, language: str = "en") -> dict[str, str]:
        user = member if isinstance(member, int) else member.telegram_user_id
        return tma(init_data(user, now=self.world.now, language=language))


@pytest.fixture
async def app(world: World, tmp_path: Path) -> AsyncIterator[App]:
    container = app_container(world, tmp_path / "data")
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield App(world, container, client)


def reject(world: World, task_id: int, reason: str = "too_short") -> None:
    record_verification_outcome(world.uow(), task_id=task_id, verified=False, reason=reason, now=world.now)


def busy_member(world: World) -> tuple[Community, Member]:
    """Ana gave feedback twice (verified), once too short (rejected), holds one open task, and
    asked for two pieces of feedback on her own video: one verified, one still with its giver."""
    community = world.community(welcome_credits=100)
    ana = world.member(community, "Ana")
    for n in range(4):
        world.submission(world.member(community, f"Owner {n}"), wanted=1)
    world.verified(world.task(ana))
    rejected = world.task(ana)
    world.done(rejected)
    reject(world, rejected.id)
    world.verified(world.task(ana))
    world.task(ana)
    world.submission(ana, wanted=2)
    world.verified(world.task(world.member(community, "Bo")))
    world.task(world.member(community, "Cy"))
    return community, ana


# Who gets in -------------------------------------------------------------------------------------


async def test_without_init_data_the_api_answers_401_and_names_the_scheme(app: App) -> None:
    community, _ = busy_member(app.world)

    for headers in ({}, BEARER, {"Authorization": "tma "}, {"Authorization": f"Bearer {OPERATOR_TOKEN}"}):
        response = await app.client.get(ME, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "tma"
    admin = await app.client.get(f"/app/api/admin/{community.id}", headers=BEARER)
    assert admin.status_code == 401  # the operator's token opens the dashboard, not the Mini App


def tampered(data: str, field: str, value: str) -> str:
    fields = dict(parse_qsl(data))
    fields[field] = value
    return urlencode(fields)


async def test_forged_expired_foreign_and_tampered_init_data_are_refused(app: App) -> None:
    _, ana = busy_member(app.world)
    now = app.world.now
    genuine = init_data(ana.telegram_user_id, now=now)
    someone_else = json.dumps({"id": 99, "first_name": "Mallory"})
    refused = {
        "forged": tampered(genuine, "hash", "ab" * 32),
        "expired": init_data(ana.telegram_user_id, now=now - timedelta(hours=1, seconds=1)),
        "another bot's": init_data(ana.telegram_user_id, now=now, token="7000000002:AAanother-bot"),
        "user swapped": tampered(genuine, "user", someone_else),
        "date refreshed": tampered(genuine, "auth_date", str(int(now.timestamp()) + 60)),
        "not a query string": "hello",
    }

    assert (await app.client.get(ME, headers=tma(genuine))).status_code == 200
    for name, data in refused.items():
        response = await app.client.get(ME, headers=tma(data))
        assert response.status_code == 401, name


async def test_init_data_ages_out_after_the_configured_time(world: World, tmp_path: Path) -> None:
    _, ana = busy_member(world)
    container = app_container(world, tmp_path / "data")
    container.settings.mini_app_max_age_s = 120
    data = init_data(ana.telegram_user_id, now=world.now)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(container)), base_url="http://t"
    ) as client:
        assert (await client.get(ME, headers=tma(data))).status_code == 200
        world.clock.advance(seconds=121)
        assert (await client.get(ME, headers=tma(data))).status_code == 401


async def test_a_server_without_a_bot_has_no_mini_app(world: World, tmp_path: Path) -> None:
    _, ana = busy_member(world)
    settings = settings_of(TGEXCHANGE_DATA_DIR=str(tmp_path), PUBLIC_BASE_URL="http://t", SECRET_KEY=None)
    container = Container(settings=settings, storage=world.storage, clock=world.clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(container)), base_url="http://t"
    ) as client:
        response = await client.get(ME, headers=tma(init_data(ana.telegram_user_id, now=world.now)))

    assert response.status_code == 401
    assert "without a Telegram bot" in response.json()["detail"]


async def test_a_telegram_user_who_is_no_member_gets_404(app: App) -> None:
    community, _ = busy_member(app.world)
    other = app.world.community()
    _, ana = busy_member(app.world)

    assert (await app.client.get(ME, headers=app.auth(123_456))).status_code == 404
    response = await app.client.get(ME, params={"community_id": other.id}, headers=app.auth(ana))
    assert response.status_code == 404  # a community Ana is not in
    assert community.id != other.id


# What a member sees ------------------------------------------------------------------------------


async def test_a_member_reads_the_bots_own_figures(app: App) -> None:
    world = app.world
    community, ana = busy_member(world)
    reader = world.storage.member_reader

    response = await app.client.get(ME, headers=app.auth(ana))

    assert response.status_code == 200
    me = response.json()
    assert me["balance"] == stats_service.member_balance(reader, member_id=ana.id) == 100  # /balance
    report = stats_service.member_report(reader, member_id=ana.id)  # what /me reads
    assert me["stats"] == {
        "tasks_taken": 4,
        "verified": report.stats.verified,
        "rejected": report.stats.rejected,
        "expired": 0,
        "skipped": 0,
        "feedback_received": report.stats.feedback_received,
    }
    assert me["reliability"] == {"percent": 60, "verified": 2, "decided": 3, "enough_history": False}
    assert [(t["id"], t["status"]) for t in me["given"][:5]] == [(t.id, t.status.value) for t in report.recent_tasks]
    assert me["community"] == {
        "id": community.id,
        "title": community.title,
        "runs": False,
        "is_paused": False,
        "pause_reason": None,
    }
    assert me["channels"] == [{"platform": "youtube", "name": f"name of {app.world.channel_of[ana.id]}"}]
    assert me["now"] == "2026-03-02T12:00:00Z"


async def test_a_member_sees_where_their_credits_went_and_it_adds_up_to_the_balance(app: App) -> None:
    _, ana = busy_member(app.world)

    credits = (await app.client.get(ME, headers=app.auth(ana))).json()["credits"]

    assert credits == {"received": {"welcome": 100, "payout": 20}, "spent": {"escrow": 20}, "held": 10}
    assert sum(credits["received"].values()) - sum(credits["spent"].values()) == 100
    assert {PostingKind(kind) for kind in (*credits["received"], *credits["spent"])} <= set(PostingKind)


async def test_a_member_sees_open_tasks_with_deadlines_and_feedback_both_ways_with_outcomes(app: App) -> None:
    _, ana = busy_member(app.world)

    me = (await app.client.get(ME, headers=app.auth(ana))).json()

    [open_task] = me["open_tasks"]
    assert open_task["status"] == "assigned"
    assert open_task["deadline_at"] == "2026-03-04T12:00:00Z"  # 48 hours, the default deadline
    assert open_task["title"]
    assert [(t["status"], t["reason"]) for t in me["given"]] == [
        ("assigned", None),
        ("verified", None),
        ("rejected", "too_short"),
        ("verified", None),
    ]
    [mine] = me["received"]
    assert (mine["status"], mine["feedback_wanted"], mine["tasks_verified"]) == ("open", 2, 1)
    assert [(f["giver"], f["status"]) for f in mine["feedback"]] == [("Bo", "verified"), ("Cy", "assigned")]


async def test_a_member_of_several_communities_reads_the_one_joined_last_or_the_one_asked_for(app: App) -> None:
    world = app.world
    first, ana = busy_member(world)
    second = world.community(welcome_credits=7)
    community_service.join_community(
        world.uow(), community_id=second.id, telegram_user_id=ana.telegram_user_id, display_name="Ana", now=world.now
    )

    latest = (await app.client.get(ME, headers=app.auth(ana))).json()
    asked = (await app.client.get(ME, params={"community_id": first.id}, headers=app.auth(ana))).json()

    assert (latest["community"]["id"], latest["balance"]) == (second.id, 7)
    assert (asked["community"]["id"], asked["balance"]) == (first.id, 100)
    assert [c["id"] for c in latest["communities"]] == [first.id, second.id]


async def test_the_member_language_is_the_one_stored_for_them(app: App) -> None:
    _, ana = busy_member(app.world)
    community_service.set_language(app.world.uow(), member_id=ana.id, language="es")

    me = (await app.client.get(ME, headers=app.auth(ana, language="en"))).json()

    assert me["language"] == "es"


# What an admin sees and does -----------------------------------------------------------------------


def admin_of(world: World, community: Community, name: str = "Admin") -> Member:
    return world.member(community, name, admin=True, link=None)


async def test_an_admin_reads_their_communitys_dashboard_figures_and_settings(app: App) -> None:
    community, _ = busy_member(app.world)
    boss = admin_of(app.world, community)

    response = await app.client.get(f"/app/api/admin/{community.id}", headers=app.auth(boss))
    me = (await app.client.get(ME, headers=app.auth(boss))).json()

    assert response.status_code == 200
    view = response.json()
    assert view["overview"]["totals"]["tasks"] == 6
    assert view["overview"]["outcomes"]["verified"] == 3
    assert view["overview"]["credits_moved"] == 30
    assert [m["display_name"] for m in view["top_members"]][:1] == ["Ana"]
    numbers = {s["name"]: (s["value"], s["step"]) for s in view["settings"]["numbers"]}
    assert numbers["task_deadline"] == (48, 6)
    assert numbers["credits_per_feedback"] == (10, 1)
    assert view["settings"]["allowed_platforms"] == ["youtube", "tiktok", "instagram"]
    assert me["community"]["runs"] is True


async def test_someone_who_runs_no_community_or_another_one_gets_403(app: App) -> None:
    community, ana = busy_member(app.world)
    elsewhere = app.world.community()
    boss_elsewhere = admin_of(app.world, elsewhere)
    before = app.world.snapshot()

    for who in (ana, boss_elsewhere):
        read = await app.client.get(f"/app/api/admin/{community.id}", headers=app.auth(who))
        write = await app.client.post(
            f"/app/api/admin/{community.id}/settings", json={"min_words": 1}, headers=app.auth(who)
        )
        assert (read.status_code, write.status_code) == (403, 403), who.display_name
    assert app.world.snapshot() == before


async def test_an_admin_changes_a_setting_as_the_bots_menu_does_and_it_is_audited(app: App) -> None:
    community, _ = busy_member(app.world)
    boss = admin_of(app.world, community)
    told: list[int] = []
    app.container.watch_communities(told.append)

    response = await app.client.post(
        f"/app/api/admin/{community.id}/settings",
        json={
            "credits_per_feedback": 12,
            "task_deadline": 54,
            "allowed_platforms": ["youtube"],
            "group_language": "es",
        },
        headers={**app.auth(boss), "Origin": "http://testserver"},
    )

    assert response.status_code == 200
    numbers = {s["name"]: s["value"] for s in response.json()["numbers"]}
    assert (numbers["credits_per_feedback"], numbers["task_deadline"]) == (12, 54)
    with app.world.uow() as uow:
        stored = uow.communities.find(community.id)
        entries = list(uow.audit.recent(community.id, limit=5))
    assert stored is not None
    assert stored.settings.credits_per_feedback == 12
    assert stored.settings.task_deadline == timedelta(hours=54)
    assert stored.settings.group_language == "es"
    assert {(e.action, e.actor_member_id) for e in entries[:4]} == {(AuditAction.SETTINGS, boss.id)}
    changed = {json.loads(e.detail or "{}").get("setting"): json.loads(e.detail or "{}").get("to") for e in entries}
    assert changed["credits_per_feedback"] == 12
    assert changed["task_deadline_s"] == 54 * 3600
    assert told == [community.id]  # the bot of this process forgets its cached settings


async def test_each_person_s_language_is_auto_and_values_outside_the_menus_bounds_are_422(app: App) -> None:
    community, _ = busy_member(app.world)
    boss = admin_of(app.world, community)
    url = f"/app/api/admin/{community.id}/settings"

    auto = await app.client.post(url, json={"group_language": "auto"}, headers=app.auth(boss))
    too_low = await app.client.post(url, json={"credits_per_feedback": 0}, headers=app.auth(boss))
    unknown = await app.client.post(url, json={"credits": 5}, headers=app.auth(boss))
    nothing = await app.client.post(url, json={}, headers=app.auth(boss))
    no_platform = await app.client.post(url, json={"allowed_platforms": []}, headers=app.auth(boss))

    assert auto.status_code == 200
    assert auto.json()["group_language"] is None
    assert too_low.status_code == 422
    assert too_low.json()["detail"] == "credits per feedback must be 1..10000"
    assert (unknown.status_code, nothing.status_code, no_platform.status_code) == (422, 422, 422)


async def test_a_demoted_admin_loses_the_admin_view_on_the_next_request(app: App) -> None:
    community, _ = busy_member(app.world)
    boss = admin_of(app.world, community)
    assert (await app.client.get(f"/app/api/admin/{community.id}", headers=app.auth(boss))).status_code == 200

    community_service.mirror_admin_role(
        app.world.uow(),
        community_id=community.id,
        telegram_user_id=boss.telegram_user_id,
        told=False,
        now=app.world.now,
    )

    assert (await app.client.get(f"/app/api/admin/{community.id}", headers=app.auth(boss))).status_code == 403
    me = (await app.client.get(ME, headers=app.auth(boss))).json()
    assert me["community"]["runs"] is False


# CSRF: what a browser could be tricked into sending ------------------------------------------------


async def test_a_form_post_from_another_site_without_init_data_is_refused_and_changes_nothing(app: App) -> None:
    community, _ = busy_member(app.world)
    admin_of(app.world, community)
    before = app.world.snapshot()

    response = await app.client.post(
        f"/app/api/admin/{community.id}/settings",
        content="credits_per_feedback=1",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example"},
    )

    assert response.status_code == 401
    assert app.world.snapshot() == before


async def test_init_data_from_a_foreign_origin_or_in_a_form_is_refused(app: App) -> None:
    community, _ = busy_member(app.world)
    boss = admin_of(app.world, community)
    url = f"/app/api/admin/{community.id}/settings"
    before = app.world.snapshot()

    foreign = await app.client.post(
        url, json={"min_words": 3}, headers={**app.auth(boss), "Origin": "https://evil.example"}
    )
    opaque = await app.client.post(url, json={"min_words": 3}, headers={**app.auth(boss), "Origin": "null"})
    form = await app.client.post(
        url,
        content="min_words=3",
        headers={**app.auth(boss), "Content-Type": "application/x-www-form-urlencoded"},
    )

    assert (foreign.status_code, opaque.status_code, form.status_code) == (403, 403, 415)
    assert app.world.snapshot() == before


async def test_the_app_answers_no_cors_preflight(app: App) -> None:
    community, _ = busy_member(app.world)
    preflight = await app.client.options(
        f"/app/api/admin/{community.id}/settings",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )

    assert "access-control-allow-origin" not in preflight.headers


# The page and its texts -------------------------------------------------------------------------------


async def test_the_page_may_be_framed_by_telegrams_web_client_only_and_the_dashboard_by_nobody(app: App) -> None:
    page = await app.client.get("/app")
    dashboard = await app.client.get("/exchange/dashboard")

    assert page.status_code == 200
    assert page.headers["content-security-policy"] == PAGE_CSP
    assert "frame-ancestors https://web.telegram.org;" in PAGE_CSP
    assert "script-src 'self';" in PAGE_CSP
    assert "x-frame-options" not in page.headers
    assert dashboard.headers["content-security-policy"] == STRICT_CSP
    assert dashboard.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "telegram.org/js" not in page.text  # no script from Telegram's host


async def test_the_pages_files_are_served_versioned_and_nothing_else(app: App) -> None:
    page = (await app.client.get("/app")).text
    for name in ("app.js", "app.css"):
        url = next(part.split('"')[0] for part in page.split(f"/app/static/{name}")[1:2])
        response = await app.client.get(f"/app/static/{name}{url}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, name
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert (await app.client.get("/app/static/secret_key")).status_code == 404


def test_the_pages_catalogue_has_every_text_in_every_language() -> None:
    texts = catalogue()
    keys = set(texts["en"])
    needed = (
        {f"task-status-{s.value}" for s in TaskStatus}
        | {f"submission-status-{s.value}" for s in SubmissionStatus}
        | {f"reason-{r.value}" for r in QualityRule}
        | {f"reason-{r.value}" for r in RejectionReason}
        | {f"credits-{k.value}" for k in PostingKind if k is not PostingKind.ESCROW}
        | {"credits-escrow"}
        | {f"settings-{name}" for name in SETTING_STEPS}
        | {f"settings-group-language-{code}" for code in ("auto", *LANGUAGES)}
        | {f"period-{p}" for p in ("daily", "weekly", "monthly", "all")}
    )

    assert set(texts) == set(LANGUAGES)
    assert needed <= keys
    for language, catalogue_texts in texts.items():
        assert set(catalogue_texts) == keys, language
        assert all(isinstance(v, str) and v.strip() for v in catalogue_texts.values()), language


def test_the_settings_are_the_choices_of_the_bots_settings_menu() -> None:
    assert SETTING_STEPS == BOT_MENU_STEPS
    assert set(SettingsIn.model_fields) == {*SETTING_STEPS, "allowed_platforms", "group_language"}
    choices = SettingsIn.model_json_schema()["properties"]["group_language"]["anyOf"][0]["enum"]
    assert choices == ["auto", *LANGUAGES]
