"""The Mini App in Debian's chromium at a phone's size (390 × 844), opened as Telegram opens it
(init data and theme in the fragment), beside the real bot: a member sees what the bot's /balance
and /me say, an admin changes a setting and the bot acts on it."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize, async_playwright, expect

from tests.botapi import TgUser
from tests.e2e.bot.conftest import BotHarness
from tests.e2e.conftest import free_port, serving
from tests.miniapp import DARK_THEME, LIGHT_THEME, app_address, bot_with_app, init_data
from tests.outcomes import record_verification_outcome
from tests.refusals import refused
from tests.world import World
from tgexchange.domain.audit import AuditAction
from tgexchange.domain.community import Community
from tgexchange.domain.content import Platform
from tgexchange.domain.member import Member
from tgexchange.services import community as community_service
from tgexchange.web.app import create_app

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE: ViewportSize = {"width": 390, "height": 844}
PUBLIC = "https://tgx.example"


@dataclass
class Live:
    """The bot and the Mini App on one container (as `tgexchange run` serves them), the app over
    real HTTP on loopback, and a phone-sized browser page that records what went wrong."""

    bot: BotHarness
    base_url: str
    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    @property
    def world(self) -> World:
        return self.bot.world

    async def open_app(
        self,
        user: TgUser,
        *,
        theme: dict[str, str] | None = None,
        query: str = "",
        language: str = "en",
    ) -> Page:
        data = init_data(user.id, now=self.world.now, first_name=user.first_name, language=language)
        await self.page.goto(app_address(self.base_url, data, theme=theme or LIGHT_THEME, query=query))
        return self.page


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
async def live(world: World, tmp_path: Path, browser: Browser, port: int) -> AsyncIterator[Live]:
    async with bot_with_app(world, tmp_path / "data", public_base_url=PUBLIC) as bot:
        with serving(create_app(bot.container), port) as base_url:
            context = await browser.new_context(viewport=PHONE, timezone_id="UTC", locale="en-US", is_mobile=True)
            page = await context.new_page()
            seen = Live(bot, base_url, page)

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    seen.errors.append(message.text)

            page.on("console", on_console)
            page.on("pageerror", lambda error: seen.errors.append(str(error)))
            page.on("request", lambda request: seen.requests.append(request.url))
            yield seen
            await context.close()


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    await page.evaluate("window.scrollTo(0, 0)")  # the sticky header at the top of the picture
    path = ARTIFACTS / f"miniapp-{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


async def an_admin(
    live: Live, community: Community, name: str = "Boss", *, language: str = "en"
) -> tuple[Member, TgUser]:
    """Someone who joined through the bot and is an admin of the group (as Telegram told the bot)."""
    member, user = await live.bot.member(community, name, link=None, language=language)
    live.bot.api.statuses[(community.telegram_chat_id, user.id)] = "administrator"
    community_service.mirror_admin_role(
        live.world.uow(), community_id=community.id, telegram_user_id=user.id, told=True, now=live.world.now
    )
    return member, user


def reject(world: World, task_id: int, reason: str) -> None:
    record_verification_outcome(world.uow(), task_id=task_id, verified=False, reason=reason, now=world.now)


async def a_busy_member(live: Live, *, language: str = "en") -> tuple[Community, Member, TgUser]:
    """Ana joined through the bot; she gave feedback (two verified, one too short), holds an open
    task, and asked for two pieces of feedback on her own video (one verified so far)."""
    world = live.world
    community = world.community(welcome_credits=100)
    ana, user = await live.bot.member(community, "Ana", language=language)
    for n in range(4):
        world.submission(world.member(community, f"Owner {n}"), wanted=1)
    world.verified(world.task(ana))
    short = world.task(ana)
    world.done(short)
    reject(world, short.id, "too_short")
    world.verified(world.task(ana))
    world.task(ana)
    world.submission(ana, wanted=2)
    world.verified(world.task(world.member(community, "Bo")))
    world.task(world.member(community, "Cy"))
    return community, ana, user


async def settle(page: Page) -> None:
    """Lets charts and fonts finish drawing (wait_for_function would evaluate a string, which the
    page's CSP rightly forbids)."""
    for _ in range(50):
        if await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
            break
        await page.wait_for_timeout(100)
    await page.wait_for_timeout(300)


async def test_a_member_sees_the_balance_and_history_the_bot_gives_for_balance_and_me(live: Live) -> None:
    _, _, user = await a_busy_member(live)
    balance = await live.bot.say(user, "/balance")
    me = await live.bot.say(user, "/me")
    bot_balance = re.search(r"You have <b>(\d+)</b> credits", balance.text)
    bot_history = re.findall(r"^(.+) task #(\d+) · ", me.text, flags=re.M)
    bot_reliability = re.search(r"Reliability: (.+)$", me.text, flags=re.M)
    bot_verified = re.search(r"Feedback verified: (\d+) · 📥 received: (\d+)", me.text)
    assert bot_balance
    assert bot_reliability
    assert bot_verified
    assert len(bot_history) == 4
    app_button = next(b for b in me.buttons if "web_app" in b)
    assert app_button["web_app"] == {"url": f"{PUBLIC}/app"}

    page = await live.open_app(user)

    await expect(page.locator("#balance")).to_have_text(bot_balance.group(1))
    await expect(page.locator("#reliability")).to_have_text(bot_reliability.group(1))  # "new, 2/3 ✅"
    await expect(page.locator("#stat-verified")).to_have_text(bot_verified.group(1))
    await expect(page.locator("#stat-received")).to_have_text(bot_verified.group(2))
    given = page.locator("#given li[data-task]")
    assert [await item.get_attribute("data-task") for item in await given.all()] == [i for _, i in bot_history]
    assert [await item.locator(".status").inner_text() for item in await given.all()] == [s for s, _ in bot_history]
    await expect(page.locator("#given li[data-status=rejected] .reason")).to_have_text("too short")
    await expect(page.locator("#open-tasks li .meta")).to_contain_text("due Wed 12:00 (in 2 days)")
    await expect(page.locator("#credits .flow[data-kind=welcome] .amount")).to_have_text("+100")
    await expect(page.locator("#credits .flow[data-kind=payout] .amount")).to_have_text("+20")
    await expect(page.locator("#credits .flow[data-kind=escrow] .amount")).to_have_text("−20")
    await expect(page.locator("#credits-held")).to_have_text("10 of it still held for your open requests")
    await expect(page.locator("#received li[data-submission] .meta")).to_have_text("YouTube · 1 of 2 verified")
    await expect(page.locator("#received .sub li")).to_have_text(["Bo✅ verified", "Cy🕓 assigned"])
    await expect(page.locator("#tabs")).to_be_hidden()  # no admin view for a member
    await settle(page)
    await screenshot(page, "member-390x844")

    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    background = await page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    assert background == "rgb(240, 240, 240)"  # the theme's secondary_bg_color
    assert all(url.startswith(live.base_url) for url in live.requests), live.requests  # nothing from elsewhere
    assert not any("plotly.min.js" in url for url in live.requests)  # a member's page needs no chart library
    assert live.errors == []


async def test_an_admin_changes_a_setting_and_the_bot_follows_it_at_once(live: Live) -> None:
    community, ana, ana_user = await a_busy_member(live)
    boss, boss_user = await an_admin(live, community)
    before = await live.bot.say(ana_user, "/link")  # the bot caches Ana's membership now
    assert [b["callback_data"] for b in before.buttons] == ["lp:youtube", "lp:tiktok", "lp:instagram"]

    page = await live.open_app(boss_user, query="?tab=admin")

    await expect(page.locator("#tab-admin")).to_have_attribute("aria-selected", "true")
    await expect(page.locator("#card-tasks")).to_have_text("6")
    await expect(page.locator("#card-success")).to_have_text("75.0%")
    await expect(page.locator("#card-credits")).to_have_text("30")
    await expect(page.locator("#card-in-vain")).to_have_text("0")
    await expect(page.locator("#card-in-vain-hint")).to_have_text("every member who asked found a task")
    await expect(page.locator("#chart-daily .main-svg").first).to_be_visible()
    await expect(page.locator("#chart-outcomes .slice")).to_have_count(2)  # verified, rejected
    await expect(page.locator("#top-members li").first).to_contain_text("Ana")

    tiktok = page.locator("#settings [data-platform=tiktok]")
    await tiktok.click()
    await expect(page.locator("#settings-status")).to_have_text("Saved.")
    await expect(page.locator("#settings [data-platform=tiktok]")).to_have_attribute("aria-pressed", "false")
    await page.locator("#settings [data-setting=credits_per_feedback] button").nth(1).click()
    await expect(page.locator("#settings [data-setting=credits_per_feedback] output")).to_have_text("11")
    await settle(page)
    await screenshot(page, "admin-390x844")

    after = await live.bot.say(ana_user, "/link")
    assert [b["callback_data"] for b in after.buttons] == ["lp:youtube", "lp:instagram"]
    live.bot.video(ana, "Xk3mRv9TqLw", title="Second cut")
    asked = await live.bot.say(ana_user, "https://www.youtube.com/watch?v=Xk3mRv9TqLw")
    assert asked.buttons[0]["text"] == "1 · 11 cr"  # the new price per feedback
    with live.world.uow() as uow:
        stored = uow.communities.find(community.id)
        audited = list(uow.audit.recent(community.id, limit=2))
    assert stored is not None
    assert stored.settings.credits_per_feedback == 11
    assert [(e.action, e.actor_member_id) for e in audited] == [(AuditAction.SETTINGS, boss.id)] * 2
    assert live.errors == []


async def test_a_refused_value_says_why_and_changes_nothing(live: Live) -> None:
    community, _, _ = await a_busy_member(live)
    _, boss_user = await an_admin(live, community)
    page = await live.open_app(boss_user, query="?tab=admin")
    minus = page.locator("#settings [data-setting=default_feedback_per_submission] button").first
    for _ in range(2):  # 3 → 2 → 1, then 0 is refused
        await minus.click()
        await expect(page.locator("#settings-status")).to_have_text("Saved.")
        await page.locator("#settings-status").evaluate("node => { node.textContent = ''; }")

    await page.locator("#settings [data-setting=default_feedback_per_submission] button").first.click()

    await expect(page.locator("#settings-status")).to_have_text(
        "Not saved: default feedback per submission must be between 1 and the maximum"
    )
    await expect(page.locator("#settings [data-setting=default_feedback_per_submission] output")).to_have_text("1")
    assert [e for e in live.errors if "422" not in e] == []  # the refusal itself is logged by chromium


async def test_a_spanish_member_in_a_dark_theme_reads_spanish_in_telegrams_colours(live: Live) -> None:
    _, _, user = await a_busy_member(live, language="es")

    page = await live.open_app(user, theme=DARK_THEME, language="es")

    await expect(page.locator("#balance")).to_have_text("100")
    await expect(page.locator("h2[data-text=balance-title]")).to_have_text("Tus créditos")
    await expect(page.locator("#reliability")).to_have_text("con poco historial, 2/3 ✅")
    await expect(page.locator("#given li[data-status=rejected] .status")).to_have_text("❌ rechazada")
    assert await page.evaluate("document.documentElement.lang") == "es"
    assert await page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(21, 30, 39)"
    assert await page.evaluate("getComputedStyle(document.documentElement).color") == "rgb(255, 255, 255)"
    await settle(page)
    await screenshot(page, "member-es-dark-390x844")
    assert live.errors == []


async def test_a_spanish_admin_reads_who_asked_for_a_task_and_found_nothing(live: Live) -> None:
    community, _, _ = await a_busy_member(live, language="es")
    on_instagram = live.world.member(community, "Ivy", link=Platform.INSTAGRAM)  # nobody posts there
    for _ in range(3):  # three times in one hour: one member-hour
        with refused("no_task_available"):
            live.world.task(on_instagram)
    _, boss_user = await an_admin(live, community, language="es")

    page = await live.open_app(boss_user, query="?tab=admin", language="es")

    await expect(page.locator("h2[data-text=card-in-vain]")).to_have_text("Pidieron y no hallaron nada")
    await expect(page.locator("#card-in-vain")).to_have_text("1")
    await expect(page.locator("#card-in-vain-hint")).to_have_text("miembro, en 1 h en que no halló tarea")
    await settle(page)
    await screenshot(page, "admin-es-390x844")
    assert live.errors == []


async def test_forged_or_missing_init_data_shows_how_to_open_the_app_and_no_data(live: Live) -> None:
    _, ana, user = await a_busy_member(live)
    forged = init_data(user.id, now=live.world.now, token="7000000002:AAanother-bot")

    await live.page.goto(app_address(live.base_url, forged))

    await expect(live.page.locator("#message-title")).to_have_text("Open this from Telegram")
    await expect(live.page.locator("#view-me")).to_be_hidden()
    await screenshot(live.page, "forged-390x844")
    await live.page.goto(f"{live.base_url}/app")
    await expect(live.page.locator("#message-title")).to_have_text("Open this from Telegram")
    assert ana.display_name not in await live.page.content()
    assert [e for e in live.errors if "401" not in e] == []


async def test_a_telegram_user_who_never_joined_is_told_how_to_join(live: Live) -> None:
    stranger = TgUser(424_242, "Stranger")

    page = await live.open_app(stranger)

    await expect(page.locator("#message-title")).to_have_text("You have not joined yet")
    assert [e for e in live.errors if "404" not in e] == []


async def test_a_page_elsewhere_cannot_change_a_setting_with_a_form_or_a_script(live: Live, browser: Browser) -> None:
    community, _, _ = await a_busy_member(live)
    _, boss_user = await an_admin(live, community)
    target = f"{live.base_url}/app/api/admin/{community.id}/settings"
    before = live.world.snapshot()
    # A page of another site (served by Playwright's router) with a form that posts JSON-looking
    # text, and a script that even holds the admin's init data.
    attack = (
        f'<form method="post" action="{target}" enctype="text/plain">'
        '<input name=\'{"credits_per_feedback": 1, "x": "\' value=\'"}\'></form>'
    )
    elsewhere = await browser.new_page()
    await elsewhere.route("http://evil.test/", lambda route: route.fulfill(content_type="text/html", body=attack))
    await elsewhere.goto("http://evil.test/")
    data = init_data(boss_user.id, now=live.world.now)

    fetched = await elsewhere.evaluate(
        """async ([target, data]) => {
            try {
                const response = await fetch(target, {method: "POST", body: '{"min_words": 1}',
                    headers: {"Authorization": "tma " + data, "Content-Type": "application/json"}});
                return "answered " + response.status;
            } catch (error) { return "blocked"; }
        }""",
        [target, data],
    )
    async with elsewhere.expect_response(target) as answered:
        await elsewhere.locator("form").evaluate("form => form.submit()")

    assert fetched == "blocked"  # the header needs a CORS preflight, which the app never grants
    assert (await answered.value).status == 401  # a form carries no init data
    assert live.world.snapshot() == before
    await elsewhere.close()


async def test_an_admin_who_joined_another_community_last_gets_the_one_they_run_and_can_switch(live: Live) -> None:
    world = live.world
    run, _, _ = await a_busy_member(live)
    _, boss_user = await an_admin(live, run)
    elsewhere = world.community(welcome_credits=7)
    await live.bot.join(boss_user, elsewhere)

    page = await live.open_app(boss_user, query="?tab=admin")

    await expect(page.locator("#community-title")).to_have_text(run.title)
    await expect(page.locator("#card-tasks")).to_have_text("6")
    await expect(page.locator("#community-picker")).to_be_visible()
    await page.select_option("#community", str(elsewhere.id))
    await expect(page.locator("#balance")).to_have_text("7")
    await expect(page.locator("#tabs")).to_be_hidden()  # nothing to run there
    await expect(page.locator("#view-me")).to_be_visible()
    assert live.errors == []


async def test_the_page_tells_telegrams_client_it_is_ready_and_follows_a_theme_change(live: Live) -> None:
    _, _, user = await a_busy_member(live)
    # Telegram's Android web view puts this bridge into every page it opens.
    await live.page.add_init_script("window.TelegramWebviewProxy = {postEvent: (t) => (window.told ||= []).push(t)}")

    page = await live.open_app(user, theme=LIGHT_THEME)
    await expect(page.locator("#balance")).to_have_text("100")
    await page.evaluate(
        "(theme) => window.Telegram.WebView.receiveEvent('theme_changed', {theme_params: theme})", DARK_THEME
    )

    assert await page.evaluate("window.told") == ["web_app_ready", "web_app_expand"]
    assert await page.evaluate("getComputedStyle(document.documentElement).backgroundColor") == "rgb(21, 30, 39)"
    assert live.errors == []


async def test_a_telegram_web_app_object_put_there_by_someone_else_is_used_when_present(live: Live) -> None:
    _, _, user = await a_busy_member(live)
    data = init_data(user.id, now=live.world.now)
    web_app = "{initData: DATA, themeParams: {}, ready() { window.readied = true; }, expand() {}, onEvent() {}}"
    await live.page.add_init_script(f"window.Telegram = {{WebApp: {web_app.replace('DATA', json.dumps(data))}}}")

    await live.page.goto(f"{live.base_url}/app")  # no fragment: the object has the init data

    await expect(live.page.locator("#balance")).to_have_text("100")
    assert await live.page.evaluate("window.readied") is True
    assert live.errors == []
